package io.jenkins.plugins.grocker.dockerfile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One fragment of the entrypoint's configuration: what one image (a base, a child base, a runner) adds to
 * the entrypoint it inherits. The entrypoint ({@code resources/.../entrypoint/entrypoint}) reads every
 * fragment of {@link #CONFIG_DIR} in name order and combines them (docs/entrypoint.md): required variables,
 * templates, prestart commands and cron jobs add up, a later service or setting replaces an earlier one of
 * the same name, {@code clear} drops what the parents set.
 *
 * <p>The format is data, never shell: one directive per line, every value double-quoted with the escapes
 * {@code \\ \" \n \t \r \xHH}. Values from specs are hostile input; whatever they hold (quotes, newlines,
 * {@code $(...)}, backquotes, backslashes) stays one value, is never evaluated and cannot end a line or
 * start another directive. The only run-time processing is the entrypoint's own expansion of {@code $NAME},
 * {@code ${NAME}} and {@code ${NAME:-default}} in command words ({@link CommandWords}).
 *
 * <p>Immutable; made by {@link #builder()}, whose methods refuse bad values at once with an
 * {@link IllegalArgumentException} naming the value's role. Thread-safe.
 */
public final class EntrypointConfig {
    /** Where images keep the fragments. */
    public static final String CONFIG_DIR = "/etc/grocker/entrypoint.d";
    /** Where the entrypoint is installed. */
    public static final String INSTALL_DIR = "/usr/local/lib/grocker/entrypoint";
    /** The image's ENTRYPOINT: tini (Debian's package {@code tini}) as PID 1, then the entrypoint. */
    public static final List<String> ENTRYPOINT = List.of("/usr/bin/tini", "--", INSTALL_DIR + "/entrypoint");
    /** The runtime's files: resource path (under the plugin's resources) to file name and mode. */
    public static final List<RuntimeFile> RUNTIME_FILES = List.of(
            new RuntimeFile("entrypoint/entrypoint", "entrypoint", 0755),
            new RuntimeFile("entrypoint/entrypoint.awk", "entrypoint.awk", 0644));
    /** The Debian packages the entrypoint needs besides the essential set. */
    public static final List<String> PACKAGES = List.of("tini");
    /** The Debian packages of the www service. */
    public static final List<String> WWW_PACKAGES = List.of("nginx-light");

    /** A file of the runtime, installed as {@code INSTALL_DIR/name}. */
    public record RuntimeFile(String resource, String name, int mode) {
        public byte[] bytes() {
            return Template.resourceBytes(resource);
        }
    }

    /** What {@code clear} may drop. */
    public enum Clearable {
        REQUIRE("require"), TEMPLATES("templates"), PRESTART("prestart"), SERVICES("services"), CRON("cron"),
        WWW_STATIC("www-static");

        private final String word;

        Clearable(String word) {
            this.word = word;
        }
    }

    /** The application server of the www service. */
    public enum WwwServer { UWSGI, GUNICORN }

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WSGI_APP = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.]*(\\(\\))?)?");
    private static final Pattern URL_PATH = Pattern.compile("/([A-Za-z0-9._~-]+/)*");
    private static final Pattern NGINX_DIR = Pattern.compile("/[A-Za-z0-9._/-]*");
    private static final Pattern SIZE = Pattern.compile("[0-9]+[kKmMgG]?");
    private static final Pattern FRAGMENT = Pattern.compile("[^A-Za-z0-9_.-]+");

    private final List<String> lines;

    private EntrypointConfig(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The file name of an image's fragment: {@code NNN-name.conf}, where NNN orders the layers. Bases use
     * {@code 10 * (depth + 1)} (a root base 010, its children 020, ...), runners 900, so that a child's
     * fragment is read after its parents'.
     */
    public static String fragmentName(int order, String imageName) {
        if (order < 0 || order > 999) {
            throw new IllegalArgumentException("fragment order " + order + " is not within 0..999");
        }
        String name = FRAGMENT.matcher(imageName).replaceAll("-");
        return String.format(Locale.ROOT, "%03d-%s.conf", order, name.isEmpty() ? "image" : name);
    }

    /** The fragment's text (UTF-8, one directive per line). */
    public String render() {
        StringBuilder out = new StringBuilder("# Grocker entrypoint configuration, written at build time. Change the spec, not this file.\n");
        for (String line : lines) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    public byte[] bytes() {
        return render().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * A value as the entrypoint reads it: double-quoted, with {@code \} {@code "} and control characters
     * escaped. NUL (which no argument or file name can hold) and the unit separator U+001F (the entrypoint's
     * word separator) are refused.
     */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\0' -> throw new IllegalArgumentException("a value holds a NUL character");
                case '\u001f' -> throw new IllegalArgumentException("a value holds the unit separator U+001F");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * What is wrong with a cron schedule, or null when it is valid: five fields (minute hour day-of-month
     * month day-of-week) of {@code *}, numbers, ranges, lists and steps, month and day names, or one of
     * {@code @yearly @annually @monthly @weekly @daily @midnight @hourly @reboot}.
     */
    public static String cronProblem(String schedule) {
        String s = schedule.strip();
        if (s.startsWith("@")) {
            return Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@reboot").contains(s)
                    ? null : "unknown shorthand '" + s + "'";
        }
        String[] fields = s.split("[ \t]+");
        if (fields.length != 5) {
            return "needs 5 fields (minute hour day-of-month month day-of-week), not " + fields.length;
        }
        int[][] ranges = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
        for (int f = 0; f < 5; f++) {
            for (String item : fields[f].split(",", -1)) {
                String range = item;
                int slash = item.indexOf('/');
                if (slash >= 0) {
                    String step = item.substring(slash + 1);
                    if (!step.matches("[0-9]{1,4}") || Integer.parseInt(step) == 0) {
                        return "bad step in '" + fields[f] + "'";
                    }
                    range = item.substring(0, slash);
                }
                if (range.equals("*")) {
                    continue;
                }
                String[] ends = range.split("-", -1);
                if (ends.length > 2) {
                    return "'" + fields[f] + "' is not a field";
                }
                int lo = cronValue(ends[0], f);
                int hi = ends.length == 2 ? cronValue(ends[1], f) : lo;
                if (lo < ranges[f][0] || hi > ranges[f][1] || lo > hi) {
                    return "'" + fields[f] + "' is out of range " + ranges[f][0] + "-" + ranges[f][1];
                }
            }
        }
        return null;
    }

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    private static int cronValue(String s, int field) {
        String v = s.toLowerCase(Locale.ROOT);
        if (field == 3 && MONTHS.contains(v)) {
            return MONTHS.indexOf(v) + 1;
        }
        if (field == 4 && DAYS.contains(v)) {
            return DAYS.indexOf(v);
        }
        return v.matches("[0-9]{1,2}") ? Integer.parseInt(v) : -1;
    }

    /** Collects directives in the order they are given. Not thread-safe. */
    public static final class Builder {
        private final List<String> lines = new ArrayList<>(List.of("format 1"));

        private Builder() {}

        private Builder line(String directive, Collection<String> values) {
            StringBuilder line = new StringBuilder(directive);
            for (String v : values) {
                line.append(' ').append(quote(v));
            }
            lines.add(line.toString());
            return this;
        }

        private Builder line(String directive, String... values) {
            return line(directive, List.of(values));
        }

        private static String service(String name) {
            if (name == null || !SERVICE.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a service name (letters, digits, . _ -)");
            }
            return name;
        }

        private static List<String> envNames(Collection<String> names) {
            for (String n : names) {
                if (n == null || !ENV_NAME.matcher(n).matches()) {
                    throw new IllegalArgumentException("'" + n + "' is not an environment variable name");
                }
            }
            return List.copyOf(names);
        }

        private static String absolute(String path, String what) {
            if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(what + " '" + path + "' must be an absolute path without control characters");
            }
            return path;
        }

        private static List<String> command(List<String> words, String what) {
            if (words.isEmpty()) {
                throw new IllegalArgumentException(what + ": the command is empty");
            }
            for (String w : words) {
                try {
                    CommandWords.checkReferences(w);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
                }
            }
            return words;
        }

        private static List<String> split(String commandLine, String what) {
            try {
                return CommandWords.split(commandLine);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
            }
        }

        private static List<String> concat(String first, List<String> rest) {
            List<String> all = new ArrayList<>(rest.size() + 1);
            all.add(first);
            all.addAll(rest);
            return all;
        }

        /** The application's name and version, shown by help and when a service starts. */
        public Builder app(String name, String version) {
            line("app", name);
            return version == null || version.isEmpty() ? this : line("version", version);
        }

        /** The service started when no argument is given; it may be defined by another fragment. */
        public Builder defaultService(String name) {
            return line("default", service(name));
        }

        /** Variables every start needs, set and not empty (services and any command; not help). */
        public Builder require(Collection<String> names) {
            return names.isEmpty() ? this : line("require", envNames(names));
        }

        /** Variables one service needs besides the common ones. */
        public Builder requireFor(String service, Collection<String> names) {
            return names.isEmpty() ? this : line("require-for", concat(service(service), envNames(names)));
        }

        /** A template (a file of the image) rendered from the environment to {@code destination} at every start. */
        public Builder template(String source, String destination, int mode) {
            if (mode < 0 || mode > 07777) {
                throw new IllegalArgumentException("template mode " + Integer.toOctalString(mode) + " is not a file mode");
            }
            return line("template", absolute(source, "template source"), absolute(destination, "template destination"),
                    String.format(Locale.ROOT, "%04o", mode));
        }

        /** A command run before the service or command starts (after the templates); a failure stops the start. */
        public Builder prestart(List<String> literalWords) {
            return line("prestart", command(CommandWords.literal(literalWords), "prestart"));
        }

        /** A prestart command given as one line, split like a shell would without running one ({@link CommandWords}). */
        public Builder prestartLine(String commandLine) {
            return line("prestart", split(commandLine, "prestart"));
        }

        /** A service running these words as they are. */
        public Builder service(String name, List<String> literalWords) {
            return line("service", concat(service(name), concat("exec", command(CommandWords.literal(literalWords), "service " + name))));
        }

        /** A service given as one command line, split at build time; {@code $NAME} references stay for the start. */
        public Builder serviceLine(String name, String commandLine) {
            return line("service", concat(service(name), concat("exec", split(commandLine, "service " + name))));
        }

        /** The www service under this name: nginx in front of the application server ({@link #www}). */
        public Builder wwwService(String name) {
            return line("service", service(name), "www");
        }

        /** The cron service under this name: the {@link #cron} jobs in the foreground. */
        public Builder cronService(String name) {
            return line("service", service(name), "cron");
        }

        /** The ops service under this name: {@code NAME SCRIPT [ARGS]} runs a script of the {@link #scripts} directory. */
        public Builder opsService(String name) {
            return line("service", service(name), "ops");
        }

        /**
         * The www service's settings.
         *
         * @param server uwsgi (Debian: uwsgi, uwsgi-plugin-python3) or gunicorn
         * @param port the one port nginx listens on (GROCKER_WWW_PORT overrides it at run time)
         * @param app the WSGI application, {@code package.module:callable}
         * @param workers application server processes
         * @param threads threads per process
         */
        public Builder www(WwwServer server, int port, String app, int workers, int threads) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("www port " + port + " is not a port number");
            }
            if (app == null || !WSGI_APP.matcher(app).matches()) {
                throw new IllegalArgumentException("www app '" + app + "' is not a WSGI application such as package.module:application");
            }
            if (workers < 1 || workers > 1024 || threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("www workers and threads must be from 1 to 1024");
            }
            line("www-server", server.name().toLowerCase(Locale.ROOT));
            line("www-port", Integer.toString(port));
            line("www-app", app);
            line("www-workers", Integer.toString(workers));
            return line("www-threads", Integer.toString(threads));
        }

        /** Files nginx serves itself: URL path prefix (such as {@code /static/}) to a directory of the image. */
        public Builder wwwStatic(String urlPrefix, String directory) {
            return line("www-static", urlPath(urlPrefix, "www static URL"), nginxDirectory(directory, "www static directory"));
        }

        /**
         * Media sent by nginx when the application answers {@code X-Accel-Redirect: PREFIX/PATH}: the internal
         * URL prefix (not reachable from outside) and the media directory.
         */
        public Builder wwwMedia(String internalPrefix, String directory) {
            return line("www-media", urlPath(internalPrefix, "www media URL"), nginxDirectory(directory, "www media directory"));
        }

        /** Extra application server arguments, taken literally. */
        public Builder wwwArgs(List<String> literalWords) {
            return line("www-args", CommandWords.literal(literalWords));
        }

        /** The largest request body nginx accepts, such as {@code 10m}. */
        public Builder wwwMaxBody(String size) {
            if (size == null || !SIZE.matcher(size).matches()) {
                throw new IllegalArgumentException("www max body '" + size + "' is not a size such as 10m");
            }
            return line("www-max-body", size);
        }

        private static String urlPath(String url, String what) {
            if (url == null || !URL_PATH.matcher(url).matches()) {
                throw new IllegalArgumentException(what + " '" + url + "' must be a path such as /static/ (letters, digits, . _ ~ -, ending with /)");
            }
            return url;
        }

        private static String nginxDirectory(String dir, String what) {
            if (dir == null || !NGINX_DIR.matcher(dir).matches() || List.of(dir.split("/")).contains("..")) {
                throw new IllegalArgumentException(what + " '" + dir + "' must be an absolute path of letters, digits, . _ - and /");
            }
            return dir;
        }

        /** A job run with these words as they are, on a cron schedule. */
        public Builder cron(String schedule, List<String> literalWords) {
            return line("cron", concat(schedule(schedule), command(CommandWords.literal(literalWords), "cron job")));
        }

        /** A job given as a crontab line's command: run by {@code /bin/sh -c}, as cron does. */
        public Builder cronShell(String schedule, String shellCommand) {
            if (shellCommand == null || shellCommand.isBlank()) {
                throw new IllegalArgumentException("cron job: the command is empty");
            }
            return cron(schedule, List.of("/bin/sh", "-c", shellCommand));
        }

        private static String schedule(String schedule) {
            String problem = schedule == null ? "is missing" : cronProblem(schedule);
            if (problem != null) {
                throw new IllegalArgumentException("cron schedule '" + schedule + "': " + problem);
            }
            return schedule.strip();
        }

        /** The directory of the ops service's scripts (default {@code /scripts}). */
        public Builder scripts(String directory) {
            return line("scripts", absolute(directory, "scripts directory"));
        }

        /** Drops what the earlier fragments (the parents) set. */
        public Builder clear(Clearable what) {
            return line("clear", what.word);
        }

        public EntrypointConfig build() {
            return new EntrypointConfig(lines);
        }
    }
}
