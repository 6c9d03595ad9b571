package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What every spec file shares: reading YAML or JSON with line numbers in syntax errors, environment
 * interpolation, typed fields with one-line errors naming file, image and field, and the structured fields
 * both hierarchy and application specs have (user, health check, files, env, ports, tags). Thread-safe.
 */
final class SpecReader {
    static final List<String> USER_FIELDS = List.of("name", "uid", "gid", "sudo");
    static final List<String> HEALTHCHECK_FIELDS = List.of("command", "interval", "timeout", "startPeriod", "retries");
    static final List<String> FILE_FIELDS = List.of("src", "dest", "mode");
    static final List<String> RICH_FILE_FIELDS = List.of("src", "dest", "mode", "owner", "extract");
    static final List<String> DIR_FIELDS = List.of("path", "owner", "mode");
    /** The environment variable listing directories outside a spec's own that it may copy files from. */
    static final String ALLOWED_PATHS = "GROCKER_ALLOWED_PATHS";

    private static final long MAX_ID = 2147483647L;
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?");
    private static final Pattern OWNER_IDS = Pattern.compile("([0-9]{1,10})(?::([0-9]{1,10}))?");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ns|us|ms|s|m|h))+");

    private final Map<String, String> env;

    SpecReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The largest spec file read, in bytes. */
    static final long MAX_SPEC_BYTES = 1 << 20;

    /**
     * Reads a file into a tree; a missing file, one over {@link #MAX_SPEC_BYTES}, or a syntax error is an
     * {@link InputException}.
     */
    static JsonNode read(Path file) throws InputException {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_SPEC_BYTES) {
                throw new InputException(file + ": spec file is " + size + " bytes; a spec may have at most " + MAX_SPEC_BYTES
                        + " (put large content in files next to it)");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": spec file does not exist");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read spec file: " + e.getMessage());
        }
        return parse(file, text);
    }

    static JsonNode parse(Path file, String text) throws InputException {
        if (text.length() > MAX_SPEC_BYTES) {
            throw new InputException(file + ": spec is " + text.length() + " characters; a spec may have at most " + MAX_SPEC_BYTES);
        }
        JsonNode root = YamlTree.read(file, text);
        SpecProblem top = new SpecProblem(file, null, "");
        if (root == null || root.isMissingNode() || root.isNull() || !root.isObject()) {
            throw top.error("the spec must be a mapping of fields (see docs/spec.md)");
        }
        return root;
    }

    Map<String, String> env(JsonNode node, SpecProblem where) throws InputException {
        Map<String, String> map = stringMap(node, "env", where);
        for (String key : map.keySet()) {
            if (!ENV_NAME.matcher(key).matches()) {
                throw where.at("env").error("'" + key + "' is not a valid environment variable name");
            }
        }
        return map;
    }

    List<String> envNames(JsonNode node, String field, SpecProblem where) throws InputException {
        List<String> names = stringList(node, field, where);
        for (int i = 0; i < names.size(); i++) {
            if (!ENV_NAME.matcher(names.get(i)).matches()) {
                throw where.at(field).index(i).error("'" + names.get(i) + "' is not a valid environment variable name");
            }
        }
        return names;
    }

    List<String> ports(JsonNode node, SpecProblem where) throws InputException {
        List<String> ports = stringList(node, "ports", where);
        for (int i = 0; i < ports.size(); i++) {
            var m = PORT.matcher(ports.get(i));
            int number = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (number < 1 || number > 65535) {
                throw where.at("ports").index(i).error("'" + ports.get(i) + "' is not a port (1-65535, optionally /tcp or /udp)");
            }
        }
        return ports;
    }

    List<String> tags(JsonNode node, SpecProblem where) throws InputException {
        List<String> tags = stringList(node, "tags", where);
        for (int i = 0; i < tags.size(); i++) {
            if (!ImageReference.isValidTag(tags.get(i))) {
                throw where.at("tags").index(i).error("'" + tags.get(i) + "' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
            }
        }
        return tags;
    }

    UserSpec user(JsonNode image, SpecProblem where) throws InputException {
        JsonNode node = image.get("user");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = where.at("user");
        if (!node.isObject()) {
            throw at.error("must be a mapping with name and uid (gid and sudo optional)");
        }
        checkKeys(node, USER_FIELDS, at);
        String name = requiredString(node, "name", at);
        if (!USER_NAME.matcher(name).matches() || name.equals("root")) {
            throw at.at("name").error("'" + name + "' is not a valid non-root user name");
        }
        long uid = id(node, "uid", at, true);
        long gid = node.has("gid") ? id(node, "gid", at, false) : uid;
        if (uid == 0) {
            throw at.at("uid").error("must not be 0: the image is meant to end as a non-root user");
        }
        Boolean sudo = optionalBoolean(node, "sudo", at);
        return new UserSpec(name, uid, gid, sudo != null && sudo);
    }

    long id(JsonNode node, String field, SpecProblem at, boolean required) throws InputException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw at.at(field).error("is required (a number from 1 to " + MAX_ID + ")");
            }
            return -1;
        }
        String text = value.isTextual() ? expand(value.asText(), at.at(field)) : value.asText();
        long id;
        try {
            if (!(value.isIntegralNumber() || value.isTextual())) {
                throw new NumberFormatException();
            }
            id = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw at.at(field).error("must be a whole number from 0 to " + MAX_ID + ", got '" + text + "'");
        }
        if (id < 0 || id > MAX_ID) {
            throw at.at(field).error(id + " is out of range (0 to " + MAX_ID + ")");
        }
        return id;
    }

    HealthcheckSpec healthcheck(JsonNode image, SpecProblem where) throws InputException {
        JsonNode node = image.get("healthcheck");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = where.at("healthcheck");
        if (!node.isObject()) {
            throw at.error("must be a mapping with 'command' (and interval, timeout, startPeriod, retries)");
        }
        checkKeys(node, HEALTHCHECK_FIELDS, at);
        JsonNode command = node.get("command");
        List<String> words;
        boolean shell;
        if (command == null || command.isNull()) {
            throw at.at("command").error("is required (a string run by the shell, or a list of words)");
        } else if (command.isTextual()) {
            words = List.of(requiredString(node, "command", at));
            shell = true;
        } else {
            words = stringList(node, "command", at);
            shell = false;
            if (words.isEmpty()) {
                throw at.at("command").error("is empty");
            }
        }
        String[] durations = new String[3];
        String[] names = {"interval", "timeout", "startPeriod"};
        for (int i = 0; i < names.length; i++) {
            durations[i] = optionalString(node, names[i], at);
            if (durations[i] != null && !DURATION.matcher(durations[i]).matches()) {
                throw at.at(names[i]).error("'" + durations[i] + "' is not a duration (e.g. 30s, 1m30s)");
            }
            if (durations[i] != null) {
                String problem = durationProblem(durations[i]);
                if (problem != null) {
                    throw at.at(names[i]).error("'" + durations[i] + "' " + problem);
                }
            }
        }
        Integer retries = null;
        if (node.has("retries")) {
            long r = id(node, "retries", at, true);
            if (r < 1 || r > 100) {
                throw at.at("retries").error("must be from 1 to 100");
            }
            retries = (int) r;
        }
        return new HealthcheckSpec(words, shell, durations[0], durations[1], durations[2], retries);
    }

    private static final java.math.BigDecimal MIN_DURATION_NS = java.math.BigDecimal.valueOf(1_000_000);
    private static final java.math.BigDecimal MAX_DURATION_NS = java.math.BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * What Docker would refuse in a health-check duration, or null: it must be at least 1ms (Docker's minimum; 0
     * is refused too) and fit Docker's range (about 292 years, a signed 64-bit count of nanoseconds).
     */
    static String durationProblem(String duration) {
        java.math.BigDecimal ns = java.math.BigDecimal.ZERO;
        var m = DURATION_PART.matcher(duration);
        while (m.find()) {
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            ns = ns.add(new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(unit)));
        }
        if (ns.compareTo(MIN_DURATION_NS) < 0) {
            return "is shorter than Docker's minimum of 1ms";
        }
        if (ns.compareTo(MAX_DURATION_NS) > 0) {
            return "is beyond Docker's range (at most 2562047h)";
        }
        return null;
    }

    List<FileSpec> files(JsonNode image, SpecProblem where, Path file) throws InputException {
        return files(image, where, file, "files", true);
    }

    /** A list of {@code {src, dest, mode}}: files next to the spec copied into an image. */
    List<FileSpec> files(JsonNode image, SpecProblem where, Path file, String field) throws InputException {
        return files(image, where, file, field, false);
    }

    /**
     * A list of {@code {src, dest, mode}} and, when {@code rich}, {@code owner} and {@code extract}: files,
     * directories and (extracted) tar archives next to the spec copied into an image.
     */
    List<FileSpec> files(JsonNode image, SpecProblem where, Path file, String field, boolean rich) throws InputException {
        JsonNode node = image.get(field);
        List<FileSpec> files = new ArrayList<>();
        if (node == null || node.isNull()) {
            return files;
        }
        if (!node.isArray()) {
            throw where.at(field).error("must be a list of {src, dest, mode}");
        }
        for (int i = 0; i < node.size(); i++) {
            SpecProblem at = where.at(field).index(i);
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                throw at.error("must be a mapping {src, dest, mode}");
            }
            checkKeys(entry, rich ? RICH_FILE_FIELDS : FILE_FIELDS, at);
            Path source = source(file, requiredString(entry, "src", at), at.at("src"));
            Boolean extract = rich ? optionalBoolean(entry, "extract", at) : null;
            FileSpec.Kind kind;
            if (Boolean.TRUE.equals(extract)) {
                if (!Files.isRegularFile(source)) {
                    throw at.at("src").error(source + " is not a file (extract takes a tar archive: .tar, .tar.gz, .tgz, .tar.xz, .tar.bz2)");
                }
                kind = FileSpec.Kind.ARCHIVE;
            } else if (Files.isDirectory(source)) {
                if (!rich) {
                    throw at.at("src").error(source + " is a directory (a file is expected here)");
                }
                kind = FileSpec.Kind.DIRECTORY;
            } else if (Files.isRegularFile(source)) {
                kind = FileSpec.Kind.FILE;
            } else {
                throw at.at("src").error(source + " is neither a file nor a directory");
            }
            String dest = requiredString(entry, "dest", at);
            imagePath(dest, at.at("dest"), false);
            Integer mode = mode(entry, at);
            if (mode == null && kind == FileSpec.Kind.FILE) {
                mode = 0644;
            }
            String owner = rich ? owner(entry, "owner", at) : null;
            files.add(new FileSpec(source, dest, mode, owner, kind));
        }
        return files;
    }

    /** An octal {@code mode}, or null when absent. */
    Integer mode(JsonNode entry, SpecProblem at) throws InputException {
        String modeText = optionalString(entry, "mode", at);
        if (modeText == null) {
            return null;
        }
        if (!modeText.matches("0?[0-7]{3}|[0-7]{4}")) {
            throw at.at("mode").error("'" + modeText + "' is not an octal mode such as 0755");
        }
        return Integer.parseInt(modeText, 8);
    }

    /**
     * An {@code owner}: {@code root}, {@code uid}, {@code uid:gid}, or a user name, which must be the image's user
     * (kept as {@code @name} until the hierarchy is known). Null when absent.
     */
    String owner(JsonNode entry, String field, SpecProblem at) throws InputException {
        String text = optionalString(entry, field, at);
        if (text == null) {
            return null;
        }
        if (text.equals("root")) {
            return "0:0";
        }
        var m = OWNER_IDS.matcher(text);
        if (m.matches()) {
            long uid = Long.parseLong(m.group(1));
            long gid = m.group(2) == null ? uid : Long.parseLong(m.group(2));
            if (uid > MAX_ID || gid > MAX_ID) {
                throw at.at(field).error("'" + text + "' is out of range (0 to " + MAX_ID + ")");
            }
            return uid + ":" + gid;
        }
        if (USER_NAME.matcher(text).matches()) {
            return "@" + text;
        }
        throw at.at(field).error("'" + text + "' is not root, uid, uid:gid or the image's user name");
    }

    /** {@code dirs}: absolute paths, or {@code {path, owner, mode}}. */
    List<DirSpec> dirs(JsonNode image, SpecProblem where) throws InputException {
        JsonNode node = image.get("dirs");
        List<DirSpec> dirs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return dirs;
        }
        if (!node.isArray()) {
            throw where.at("dirs").error("must be a list of paths or {path, owner, mode}");
        }
        for (int i = 0; i < node.size(); i++) {
            SpecProblem at = where.at("dirs").index(i);
            JsonNode entry = node.get(i);
            if (entry.isObject()) {
                checkKeys(entry, DIR_FIELDS, at);
                String path = requiredString(entry, "path", at);
                imagePath(path, at.at("path"), false);
                dirs.add(new DirSpec(path, owner(entry, "owner", at), mode(entry, at)));
            } else if (entry.isValueNode() && !entry.isNull()) {
                String path = expand(entry.asText(), at);
                imagePath(path, at, false);
                dirs.add(DirSpec.of(path));
            } else {
                throw at.error("must be a path or {path, owner, mode}");
            }
        }
        return dirs;
    }

    /** {@code volumes}: absolute paths, not {@code /}. */
    List<String> volumes(JsonNode image, SpecProblem where) throws InputException {
        List<String> volumes = stringList(image, "volumes", where);
        for (int i = 0; i < volumes.size(); i++) {
            imagePath(volumes.get(i), where.at("volumes").index(i), false);
        }
        return volumes;
    }

    List<Platform> platforms(JsonNode node, SpecProblem where) throws InputException {
        List<String> texts = stringList(node, "platforms", where);
        List<Platform> platforms = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Platform p = platform(texts.get(i), where.at("platforms").index(i));
            if (platforms.contains(p)) {
                throw where.at("platforms").index(i).error(p + " is listed twice");
            }
            platforms.add(p);
        }
        return platforms;
    }

    static Platform platform(String text, SpecProblem at) throws InputException {
        try {
            return Platform.parse(text);
        } catch (InputException e) {
            throw at.error(e.getMessage());
        }
    }

    static void absolute(String path, SpecProblem at) throws InputException {
        imagePath(path, at, true);
    }

    /**
     * A path inside an image: absolute, without {@code .} or {@code ..} segments or control characters, and (unless
     * {@code rootAllowed}) not {@code /} itself. Null passes.
     */
    static void imagePath(String path, SpecProblem at, boolean rootAllowed) throws InputException {
        if (path == null) {
            return;
        }
        if (!path.startsWith("/")) {
            throw at.error("'" + path + "' must be an absolute path");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw at.error("'" + path.replaceAll("\\p{Cntrl}", "?") + "' holds control characters");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw at.error("'" + path + "' has a '" + segment + "' segment (write the path without it)");
            }
        }
        if (!rootAllowed && path.replace("/", "").isEmpty()) {
            throw at.error("'" + path + "' is the root directory");
        }
    }

    static Path resolve(Path specFile, String path) {
        Path p = Path.of(path);
        Path dir = specFile.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    /**
     * A file or directory a spec copies into an image, relative to the spec's directory. Once symbolic links are
     * followed it must be inside the spec's directory, or inside one of the directories the person running grocker
     * lists in {@code GROCKER_ALLOWED_PATHS} (separated by {@code :}); a spec cannot reach any other host file.
     *
     * @return the real path
     */
    Path source(Path specFile, String path, SpecProblem at) throws InputException {
        Path p = resolve(specFile, path);
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw at.error(p + " does not exist");
        } catch (IOException | SecurityException e) {
            throw at.error("cannot read " + p + ": " + e.getMessage());
        }
        List<Path> roots = new ArrayList<>();
        Path dir = specFile.toAbsolutePath().getParent();
        roots.add(dir);
        String allowed = env.get(ALLOWED_PATHS);
        if (allowed != null) {
            for (String a : allowed.split(":")) {
                if (!a.isBlank() && Path.of(a).isAbsolute()) {
                    roots.add(Path.of(a));
                }
            }
        }
        for (Path root : roots) {
            Path realRoot;
            try {
                realRoot = root.toRealPath();
            } catch (IOException | SecurityException e) {
                continue;
            }
            if (real.startsWith(realRoot)) {
                return real;
            }
        }
        throw at.error("'" + path + "' is outside the spec's directory " + dir
                + (real.equals(p) ? "" : " (it resolves to " + real + ")")
                + "; a spec may only copy files from its own directory (or from one listed in " + ALLOWED_PATHS + ")");
    }

    static void checkKeys(JsonNode node, List<String> allowed, SpecProblem at) throws InputException {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                String hint = Suggestions.closest(key, allowed).map(s -> " (did you mean '" + s + "'?)")
                        .orElse(" (valid: " + String.join(", ", allowed) + ")");
                throw at.at(key).error("unknown field" + hint);
            }
        }
    }

    String expand(String text, SpecProblem at) throws InputException {
        if (text.length() > YamlTree.MAX_VALUE_CHARS) {
            throw at.error("is " + text.length() + " characters long (at most " + YamlTree.MAX_VALUE_CHARS + ")");
        }
        String expanded = Interpolation.expand(text, env, at);
        if (expanded.length() > YamlTree.MAX_VALUE_CHARS) {
            throw at.error("is " + expanded.length() + " characters long once variables are expanded (at most "
                    + YamlTree.MAX_VALUE_CHARS + ")");
        }
        return expanded;
    }

    String requiredString(JsonNode node, String field, SpecProblem at) throws InputException {
        String value = optionalString(node, field, at);
        if (value == null) {
            throw at.at(field).error("is required");
        }
        return value;
    }

    String optionalString(JsonNode node, String field, SpecProblem at) throws InputException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw at.at(field).error("must be a single value, not a " + (value.isArray() ? "list" : "mapping"));
        }
        String text = expand(value.asText(), at.at(field));
        if (text.isBlank()) {
            throw at.at(field).error("is empty");
        }
        return text;
    }

    Boolean optionalBoolean(JsonNode node, String field, SpecProblem at) throws InputException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.isBoolean() ? value.asText() : expand(value.asText(), at.at(field));
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        throw at.at(field).error("must be true or false, got '" + text + "'");
    }

    List<String> stringList(JsonNode node, String field, SpecProblem at) throws InputException {
        JsonNode value = node.get(field);
        List<String> list = new ArrayList<>();
        if (value == null || value.isNull()) {
            return list;
        }
        if (!value.isArray()) {
            throw at.at(field).error("must be a list");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (item == null || item.isNull() || !item.isValueNode()) {
                throw at.at(field).index(i).error("must be a single value");
            }
            list.add(expand(item.asText(), at.at(field).index(i)));
        }
        return list;
    }

    Map<String, String> stringMap(JsonNode node, String field, SpecProblem at) throws InputException {
        JsonNode value = node.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw at.at(field).error("must be a mapping of names to values");
        }
        var it = value.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw at.at(field).at(e.getKey()).error("must be a single value");
            }
            map.put(e.getKey(), expand(e.getValue().asText(), at.at(field).at(e.getKey())));
        }
        return map;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "invalid YAML";
        }
        String line = message.strip().lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
