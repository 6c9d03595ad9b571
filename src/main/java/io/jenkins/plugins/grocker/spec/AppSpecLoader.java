package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.grocker.InputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an application spec (YAML or JSON) into an {@link AppSpec}. Errors are one line naming the file
 * and the field, as for hierarchy specs. Thread-safe.
 */
public final class AppSpecLoader {
    static final List<String> FIELDS = List.of("app", "extras", "base", "buildBase", "image", "platforms", "dependencies",
            "index", "constraints", "entrypoint", "venv", "user", "workdir", "env", "ports", "volumes", "healthcheck", "labels",
            "tags", "www", "cron", "scripts", "media", "config");
    static final List<String> WWW_FIELDS = List.of("server", "app", "port", "workers", "threads", "static", "mediaUrl", "args",
            "maxBody");
    static final List<String> CRON_FIELDS = List.of("schedule", "command");
    static final List<String> SCRIPTS_FIELDS = List.of("dir", "files");
    /** {@code ./src[extra1,extra2]}: a local source with extras. */
    private static final Pattern SOURCE_EXTRAS = Pattern.compile("(.+?)\\[([^\\[\\]]*)\\]");
    private static final Pattern EXTRA = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");
    static final List<String> DEPENDENCY_FIELDS = List.of("build", "run");
    static final List<String> INDEX_FIELDS = List.of("url", "extraUrls", "findLinks", "trustedHosts", "credentials");
    static final List<String> CREDENTIAL_FIELDS = List.of("usernameEnv", "passwordEnv", "file");
    static final List<String> ENTRYPOINT_FIELDS = List.of("default", "services", "requiredEnv", "serviceEnv", "templates");

    private final SpecReader r;

    public AppSpecLoader(Map<String, String> env) {
        this.r = new SpecReader(env);
    }

    public AppSpec load(Path file) throws InputException {
        JsonNode root = SpecReader.read(file);
        SpecProblem top = new SpecProblem(file, null, "");
        SpecReader.checkKeys(root, FIELDS, top);

        String appText = r.requiredString(root, "app", top);
        AppRequirement requirement = null;
        Path source = null;
        List<String> extras = r.stringList(root, "extras", top);
        for (int i = 0; i < extras.size(); i++) {
            if (!EXTRA.matcher(extras.get(i)).matches()) {
                throw top.at("extras").index(i).error("'" + extras.get(i) + "' is not an extra name");
            }
        }
        Matcher withExtras = SOURCE_EXTRAS.matcher(appText);
        if (withExtras.matches() && looksLikePath(withExtras.group(1))) {
            if (!extras.isEmpty()) {
                throw top.at("extras").error("give the extras once: in 'app' (" + appText + ") or in 'extras'");
            }
            appText = withExtras.group(1);
            for (String extra : withExtras.group(2).split(",", -1)) {
                if (!EXTRA.matcher(extra.strip()).matches()) {
                    throw top.at("app").error("'" + extra.strip() + "' is not an extra name (write ./src[extra1,extra2])");
                }
                extras.add(extra.strip());
            }
        }
        if (looksLikePath(appText)) {
            if (!Files.exists(SpecReader.resolve(file, appText))) {
                throw top.at("app").error(SpecReader.resolve(file, appText) + " does not exist (a wheel, an sdist or a source directory)");
            }
            source = r.source(file, appText, top.at("app"));
        } else {
            try {
                requirement = AppRequirement.parse(appText);
            } catch (InputException e) {
                throw top.at("app").error(e.getMessage());
            }
            if (!extras.isEmpty()) {
                throw top.at("extras").error("give extras in 'app' (name[extra]==version) when the app comes from an index");
            }
            extras = requirement.extras();
        }

        ImageReference base = reference(root, "base", top);
        ImageReference buildBase = root.hasNonNull("buildBase") ? reference(root, "buildBase", top) : null;
        ImageReference image = reference(root, "image", top);
        if (image.tag() != null || image.digest() != null) {
            throw top.at("image").error("'" + image + "' must be a repository without tag or digest (tags go in 'tags')");
        }
        List<Platform> platforms = r.platforms(root, top);

        List<String> build = List.of();
        List<String> run = List.of();
        JsonNode deps = root.get("dependencies");
        if (deps != null && !deps.isNull()) {
            SpecProblem at = top.at("dependencies");
            if (!deps.isObject()) {
                throw at.error("must be a mapping with 'build' and/or 'run' (lists of Debian packages)");
            }
            SpecReader.checkKeys(deps, DEPENDENCY_FIELDS, at);
            build = aptPackages(deps, "build", at);
            run = aptPackages(deps, "run", at);
        }

        Path constraints = null;
        String constraintsText = r.optionalString(root, "constraints", top);
        if (constraintsText != null) {
            constraints = r.source(file, constraintsText, top.at("constraints"));
            if (!Files.isRegularFile(constraints)) {
                throw top.at("constraints").error(constraints + " does not exist");
            }
        }

        String venv = r.optionalString(root, "venv", top);
        if (!AppSpec.INHERIT_VENV.equals(venv)) {
            SpecReader.absolute(venv, top.at("venv"));
        }
        String media = r.optionalString(root, "media", top);
        SpecReader.absolute(media, top.at("media"));
        String config = r.optionalString(root, "config", top);
        SpecReader.absolute(config, top.at("config"));
        config = config == null ? AppSpec.DEFAULT_CONFIG : config;
        WwwSpec www = www(root, top, media);
        List<CronJob> cron = cron(root, top);
        ScriptsSpec scripts = scripts(root, top, file);
        Set<String> grockerServices = new LinkedHashSet<>();
        if (www != null) {
            grockerServices.add("www");
        }
        if (!cron.isEmpty()) {
            grockerServices.add("cron");
        }
        if (scripts != null) {
            grockerServices.add("ops");
        }
        String workdir = r.optionalString(root, "workdir", top);
        SpecReader.absolute(workdir, top.at("workdir"));
        List<String> volumes = r.stringList(root, "volumes", top);
        for (int i = 0; i < volumes.size(); i++) {
            SpecReader.absolute(volumes.get(i), top.at("volumes").index(i));
        }
        List<String> tags = r.stringList(root, "tags", top);
        for (int i = 0; i < tags.size(); i++) {
            if (!ImageReference.isValidTag(tags.get(i).replace("{version}", "1.0.0"))) {
                throw top.at("tags").index(i).error("'" + tags.get(i) + "' is not a valid tag (placeholders: {version})");
            }
        }
        return AppSpec.builder()
                .file(file)
                .requirement(requirement)
                .source(source)
                .extras(extras)
                .base(base)
                .buildBase(buildBase)
                .image(image)
                .platforms(platforms)
                .buildDependencies(build)
                .runDependencies(run)
                .index(index(root, top, file))
                .constraints(constraints)
                .entrypoint(entrypoint(root, top, file, config, grockerServices))
                .venv(venv == null ? AppSpec.DEFAULT_VENV : venv)
                .user(r.user(root, top))
                .workdir(workdir)
                .env(r.env(root, top))
                .ports(r.ports(root, top))
                .volumes(volumes)
                .healthcheck(r.healthcheck(root, top))
                .labels(r.stringMap(root, "labels", top))
                .tags(tags)
                .www(www)
                .cron(cron)
                .scripts(scripts)
                .media(media)
                .config(config)
                .build();
    }

    private static boolean looksLikePath(String text) {
        return text.startsWith("./") || text.startsWith("../") || text.startsWith("/") || text.endsWith(".whl")
                || text.endsWith(".tar.gz") || text.endsWith(".zip");
    }

    private ImageReference reference(JsonNode root, String field, SpecProblem top) throws InputException {
        String text = r.requiredString(root, field, top);
        try {
            return ImageReference.parse(text);
        } catch (InputException e) {
            throw top.at(field).error(e.getMessage());
        }
    }

    private List<String> aptPackages(JsonNode node, String field, SpecProblem at) throws InputException {
        List<String> packages = r.stringList(node, field, at);
        for (int i = 0; i < packages.size(); i++) {
            try {
                AptPackages.check(packages.get(i));
            } catch (InputException e) {
                throw at.at(field).index(i).error(e.getMessage());
            }
        }
        return packages;
    }

    private IndexSpec index(JsonNode root, SpecProblem top, Path file) throws InputException {
        JsonNode node = root.get("index");
        if (node == null || node.isNull()) {
            return IndexSpec.none();
        }
        SpecProblem at = top.at("index");
        if (!node.isObject()) {
            throw at.error("must be a mapping (url, extraUrls, findLinks, trustedHosts, credentials)");
        }
        SpecReader.checkKeys(node, INDEX_FIELDS, at);
        String url = r.optionalString(node, "url", at);
        checkUrl(url, at.at("url"));
        List<String> extra = r.stringList(node, "extraUrls", at);
        for (int i = 0; i < extra.size(); i++) {
            checkUrl(extra.get(i), at.at("extraUrls").index(i));
        }
        String usernameEnv = IndexSpec.DEFAULT_USERNAME_ENV;
        String passwordEnv = IndexSpec.DEFAULT_PASSWORD_ENV;
        Path credentialsFile = null;
        JsonNode creds = node.get("credentials");
        if (creds != null && !creds.isNull()) {
            SpecProblem c = at.at("credentials");
            if (!creds.isObject()) {
                throw c.error("must name where credentials are: {usernameEnv, passwordEnv} or {file}; never the secret itself");
            }
            SpecReader.checkKeys(creds, CREDENTIAL_FIELDS, c);
            List<String> names = new ArrayList<>();
            for (String f : List.of("usernameEnv", "passwordEnv")) {
                String v = r.optionalString(creds, f, c);
                if (v != null && !v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw c.at(f).error("'" + v + "' is not an environment variable name");
                }
                names.add(v);
            }
            usernameEnv = names.get(0) != null ? names.get(0) : usernameEnv;
            passwordEnv = names.get(1) != null ? names.get(1) : passwordEnv;
            String fileText = r.optionalString(creds, "file", c);
            if (fileText != null) {
                credentialsFile = SpecReader.resolve(file, fileText);
            }
        }
        return new IndexSpec(url, extra, r.stringList(node, "findLinks", at), r.stringList(node, "trustedHosts", at),
                usernameEnv, passwordEnv, credentialsFile);
    }

    private static void checkUrl(String url, SpecProblem at) throws InputException {
        if (url == null) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw at.error("'" + url + "' is not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw at.error("'" + url + "' is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw at.error("credentials do not belong in the spec; name them in index.credentials (environment variables or a file)");
        }
    }

    private EntrypointSpec entrypoint(JsonNode root, SpecProblem top, Path file, String config, Set<String> grockerServices)
            throws InputException {
        JsonNode node = root.get("entrypoint");
        if (node == null || node.isNull()) {
            return new EntrypointSpec(grockerServices.contains("www") ? "www" : null, Map.of(), List.of(), Map.of(), List.of());
        }
        SpecProblem at = top.at("entrypoint");
        if (!node.isObject()) {
            throw at.error("must be a mapping (default, services, requiredEnv, serviceEnv, templates)");
        }
        SpecReader.checkKeys(node, ENTRYPOINT_FIELDS, at);
        Map<String, Object> services = new LinkedHashMap<>();
        JsonNode servicesNode = node.get("services");
        if (servicesNode != null && !servicesNode.isNull()) {
            if (!servicesNode.isObject()) {
                throw at.at("services").error("must map service names to commands");
            }
            var it = servicesNode.fields();
            while (it.hasNext()) {
                var e = it.next();
                SpecProblem s = at.at("services").at(e.getKey());
                if (!e.getKey().matches("[a-z][a-z0-9_-]*")) {
                    throw s.error("'" + e.getKey() + "' is not a service name (lowercase letters, digits, - and _)");
                }
                if (grockerServices.contains(e.getKey())) {
                    throw s.error("'" + e.getKey() + "' is already the service of field '" + grockerField(e.getKey())
                            + "'; give this one another name");
                }
                if (e.getValue().isTextual()) {
                    services.put(e.getKey(), r.requiredString(servicesNode, e.getKey(), at.at("services")));
                } else if (e.getValue().isArray() && !e.getValue().isEmpty()) {
                    services.put(e.getKey(), r.stringList(servicesNode, e.getKey(), at.at("services")));
                } else {
                    throw s.error("must be a command: a string or a non-empty list of words");
                }
            }
        }
        Set<String> all = new LinkedHashSet<>(services.keySet());
        all.addAll(grockerServices);
        String defaultService = r.optionalString(node, "default", at);
        if (defaultService != null && !all.contains(defaultService)) {
            throw at.at("default").error("'" + defaultService + "' is not one of the services " + all);
        }
        if (defaultService == null && !services.isEmpty()) {
            defaultService = services.keySet().iterator().next();
        }
        if (defaultService == null && grockerServices.contains("www")) {
            defaultService = "www";
        }
        Map<String, List<String>> serviceEnv = new LinkedHashMap<>();
        JsonNode serviceEnvNode = node.get("serviceEnv");
        if (serviceEnvNode != null && !serviceEnvNode.isNull()) {
            if (!serviceEnvNode.isObject()) {
                throw at.at("serviceEnv").error("must map service names to lists of variable names");
            }
            var it = serviceEnvNode.fieldNames();
            while (it.hasNext()) {
                String name = it.next();
                if (!all.contains(name)) {
                    throw at.at("serviceEnv").at(name).error("'" + name + "' is not one of the services " + all);
                }
                serviceEnv.put(name, r.envNames(serviceEnvNode, name, at.at("serviceEnv")));
            }
        }
        List<FileSpec> templateFiles = r.files(withTemplateDestinations(node, config), at, file, "templates");
        return new EntrypointSpec(defaultService, services, r.envNames(node, "requiredEnv", at), serviceEnv, templateFiles);
    }

    private static String grockerField(String service) {
        return switch (service) {
            case "www" -> "www";
            case "cron" -> "cron";
            default -> "scripts";
        };
    }

    /** The entrypoint node with {@code dest: CONFIG/<file name>} added to every template that has no {@code dest}. */
    private static JsonNode withTemplateDestinations(JsonNode entrypoint, String config) {
        JsonNode templates = entrypoint.get("templates");
        if (templates == null || !templates.isArray()) {
            return entrypoint;
        }
        ObjectNode copy = ((ObjectNode) entrypoint).deepCopy();
        ArrayNode list = (ArrayNode) copy.get("templates");
        for (JsonNode t : list) {
            if (t instanceof ObjectNode o && !o.hasNonNull("dest") && o.hasNonNull("src") && o.get("src").isTextual()) {
                String src = o.get("src").asText();
                String name = src.substring(src.lastIndexOf('/') + 1);
                o.put("dest", config + "/" + name);
            }
        }
        return copy;
    }

    private WwwSpec www(JsonNode root, SpecProblem top, String media) throws InputException {
        JsonNode node = root.get("www");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = top.at("www");
        if (!node.isObject()) {
            throw at.error("must be a mapping (app, server, port, workers, threads, static, mediaUrl, args, maxBody)");
        }
        SpecReader.checkKeys(node, WWW_FIELDS, at);
        String server = r.optionalString(node, "server", at);
        server = server == null ? WwwSpec.UWSGI : server;
        if (!server.equals(WwwSpec.UWSGI) && !server.equals(WwwSpec.GUNICORN)) {
            throw at.at("server").error("'" + server + "' is not one of: uwsgi, gunicorn");
        }
        String app = r.requiredString(node, "app", at);
        int port = number(node, "port", at, WwwSpec.DEFAULT_PORT, 1, 65535);
        int workers = number(node, "workers", at, WwwSpec.DEFAULT_WORKERS, 1, 1024);
        int threads = number(node, "threads", at, WwwSpec.DEFAULT_THREADS, 1, 1024);
        Map<String, String> statics = r.stringMap(node, "static", at);
        String mediaUrl = r.optionalString(node, "mediaUrl", at);
        if (mediaUrl != null && media == null) {
            throw at.at("mediaUrl").error("needs the media directory: set 'media' (e.g. /media)");
        }
        if (mediaUrl == null && media != null) {
            mediaUrl = WwwSpec.DEFAULT_MEDIA_URL;
        }
        return new WwwSpec(server, app, port, workers, threads, statics, mediaUrl, r.stringList(node, "args", at),
                r.optionalString(node, "maxBody", at));
    }

    private int number(JsonNode node, String field, SpecProblem at, int fallback, int min, int max) throws InputException {
        if (!node.hasNonNull(field)) {
            return fallback;
        }
        long value = r.id(node, field, at, true);
        if (value < min || value > max) {
            throw at.at(field).error(value + " is not from " + min + " to " + max);
        }
        return (int) value;
    }

    private List<CronJob> cron(JsonNode root, SpecProblem top) throws InputException {
        JsonNode node = root.get("cron");
        List<CronJob> jobs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return jobs;
        }
        SpecProblem at = top.at("cron");
        if (!node.isArray()) {
            throw at.error("must be a list of {schedule, command}");
        }
        for (int i = 0; i < node.size(); i++) {
            SpecProblem job = at.index(i);
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                throw job.error("must be a mapping {schedule, command}");
            }
            SpecReader.checkKeys(entry, CRON_FIELDS, job);
            String schedule = r.requiredString(entry, "schedule", job);
            JsonNode command = entry.get("command");
            if (command != null && command.isTextual()) {
                jobs.add(new CronJob(schedule, r.requiredString(entry, "command", job)));
            } else if (command != null && command.isArray() && !command.isEmpty()) {
                jobs.add(new CronJob(schedule, r.stringList(entry, "command", job)));
            } else {
                throw job.at("command").error("must be a command: a string (run by /bin/sh -c) or a non-empty list of words");
            }
        }
        return jobs;
    }

    private ScriptsSpec scripts(JsonNode root, SpecProblem top, Path file) throws InputException {
        JsonNode node = root.get("scripts");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = top.at("scripts");
        if (node.isValueNode()) {
            String dir = r.requiredString(root, "scripts", top);
            SpecReader.absolute(dir, at);
            return new ScriptsSpec(dir, List.of());
        }
        if (!node.isObject()) {
            throw at.error("must be a directory (/scripts) or a mapping {dir, files}");
        }
        SpecReader.checkKeys(node, SCRIPTS_FIELDS, at);
        String dir = r.optionalString(node, "dir", at);
        SpecReader.absolute(dir, at.at("dir"));
        List<String> names = r.stringList(node, "files", at);
        List<Path> files = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            Path script = SpecReader.resolve(file, names.get(i));
            String name = script.getFileName() == null ? "" : script.getFileName().toString();
            if (!Files.isRegularFile(script)) {
                throw at.at("files").index(i).error(script + " does not exist or is not a file");
            }
            if (name.startsWith(".") || !seen.add(name)) {
                throw at.at("files").index(i).error("'" + name + "' cannot be a script name (hidden, or given twice)");
            }
            files.add(script);
        }
        return new ScriptsSpec(dir == null ? ScriptsSpec.DEFAULT_DIR : dir, files);
    }
}
