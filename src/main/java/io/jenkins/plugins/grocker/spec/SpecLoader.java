package io.jenkins.plugins.grocker.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.grocker.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a hierarchy spec (YAML or JSON) into validated values. Every problem is reported as one
 * {@link InputException} naming the file, the image and the field; unknown keys are rejected with the
 * closest valid name. Strings may use {@code ${VAR:-default}} from the environment given. Stateless and
 * thread-safe.
 */
public final class SpecLoader {
    static final List<String> TOP_FIELDS = List.of("registry", "version", "source", "platforms", "images");
    static final List<String> IMAGE_FIELDS = List.of("name", "from", "parent", "version", "python", "locales",
            "packages", "user", "workdir", "env", "dirs", "ports", "healthcheck", "labels", "tags", "platforms",
            "files", "rootfs", "cmd");
    static final List<String> PYTHON_FIELDS = List.of("interpreter", "version", "venv", "systemSitePackages",
            "packages", "findLinks", "indexUrl", "extraIndexUrls", "trustedHosts");
    static final List<String> USER_FIELDS = List.of("name", "uid", "gid", "sudo");
    static final List<String> HEALTHCHECK_FIELDS = List.of("command", "interval", "timeout", "startPeriod", "retries");
    static final List<String> FILE_FIELDS = List.of("src", "dest", "mode");

    private static final long MAX_ID = 2147483647L;
    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}_[A-Z]{2}(?:\\.[A-Za-z0-9-]+)?(?:@[a-z]+)?|C\\.UTF-8");
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?");
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ns|us|ms|s|m|h))+");
    private static final Pattern PYTHON_VERSION = Pattern.compile("[0-9]+\\.[0-9]+");
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    private final Map<String, String> env;

    public SpecLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public HierarchySpec load(Path file) throws InputException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": spec file does not exist");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read spec file: " + e.getMessage());
        }
        return parse(file, text);
    }

    public HierarchySpec parse(Path file, String text) throws InputException {
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
            throw new InputException(file + ": " + where + "syntax error: " + firstLine(e.getOriginalMessage()));
        }
        SpecProblem top = new SpecProblem(file, null, "");
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw top.error("the spec is empty (expected 'images:')");
        }
        if (!root.isObject()) {
            throw top.error("the spec must be a mapping with 'images:'");
        }
        checkKeys(root, TOP_FIELDS, top);
        String registry = requiredString(root, "registry", top);
        if (!REGISTRY.matcher(registry).matches()) {
            throw top.at("registry").error("'" + registry + "' is not host[:port][/path] (e.g. 127.0.0.1:5000/flowcore)");
        }
        String version = optionalString(root, "version", top);
        String source = optionalString(root, "source", top);
        List<Platform> platforms = platforms(root, top);

        JsonNode imagesNode = root.get("images");
        if (imagesNode == null || imagesNode.isNull()) {
            throw top.at("images").error("is required (a list of images)");
        }
        if (!imagesNode.isArray() || imagesNode.isEmpty()) {
            throw top.at("images").error("must be a non-empty list of images");
        }
        List<ImageSpec> images = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < imagesNode.size(); i++) {
            ImageSpec image = image(imagesNode.get(i), top.at("images").index(i), file);
            if (!names.add(image.name())) {
                throw top.inImage(image.name()).at("name").error("duplicate image name (each image of a spec needs its own name)");
            }
            images.add(image);
        }
        HierarchySpec spec = new HierarchySpec(file, registry, version, source, platforms, images);
        checkRelations(spec);
        return spec;
    }

    private void checkRelations(HierarchySpec spec) throws InputException {
        Map<String, ImageSpec> byName = spec.byName();
        for (ImageSpec image : spec.images()) {
            SpecProblem where = new SpecProblem(spec.file(), image.name(), null);
            if (image.parent() != null) {
                ImageSpec parent = byName.get(image.parent());
                if (parent == null) {
                    String hint = Suggestions.closest(image.parent(), byName.keySet()).map(s -> " (did you mean '" + s + "'?)").orElse("");
                    throw where.at("parent").error("'" + image.parent() + "' is not an image of this spec" + hint);
                }
                if (!image.platforms().isEmpty()) {
                    List<Platform> parentPlatforms = spec.declaredPlatforms(parent);
                    for (Platform p : image.platforms()) {
                        if (!parentPlatforms.isEmpty() && !parentPlatforms.contains(p)) {
                            throw where.at("platforms").error(p + " is not a platform of parent '" + parent.name() + "' (it has " + parentPlatforms + ")");
                        }
                    }
                }
            }
            if (image.python() != null && image.python().venv() == null && !image.python().packages().isEmpty()
                    && spec.effectiveVenv(image) == null) {
                throw where.at("python.venv").error("is required: packages go into a virtual environment and no parent declares one");
            }
            PythonSpec py = image.python();
            if (py != null && !py.packages().isEmpty() && py.noIndex() && py.findLinks().isEmpty()) {
                throw where.at("python.findLinks").error("is required when no indexUrl is given: pip needs somewhere to find the packages");
            }
            if (image.isScratch()) {
                List<Platform> platforms = spec.declaredPlatforms(image);
                for (Platform p : platforms) {
                    if (!image.rootfs().containsKey(p)) {
                        throw where.at("rootfs").error("has no root filesystem for " + p);
                    }
                }
            }
        }
    }

    private ImageSpec image(JsonNode node, SpecProblem at, Path file) throws InputException {
        if (node == null || !node.isObject()) {
            throw at.error("must be a mapping with at least 'name' and 'from' or 'parent'");
        }
        String name = requiredString(node, "name", at);
        if (!IMAGE_NAME.matcher(name).matches()) {
            throw at.at("name").error("'" + name + "' is not a valid repository name (lowercase letters, digits, . _ - separators)");
        }
        SpecProblem where = at.inImage(name);
        checkKeys(node, IMAGE_FIELDS, where);
        String from = optionalString(node, "from", where);
        String parent = optionalString(node, "parent", where);
        if (from == null && parent == null) {
            throw where.at("from").error("one of 'from' (an image reference) or 'parent' (an image of this spec) is required");
        }
        if (from != null && parent != null) {
            throw where.at("parent").error("give either 'from' or 'parent', not both");
        }
        if (from != null && !ImageSpec.SCRATCH.equals(from)) {
            try {
                ImageReference.parse(from);
            } catch (InputException e) {
                throw where.at("from").error(e.getMessage());
            }
        }
        Map<Platform, Path> rootfs = new LinkedHashMap<>();
        JsonNode rootfsNode = node.get("rootfs");
        if (rootfsNode != null && !rootfsNode.isNull()) {
            if (!ImageSpec.SCRATCH.equals(from)) {
                throw where.at("rootfs").error("is only allowed with 'from: scratch'");
            }
            for (Map.Entry<String, String> e : stringMap(node, "rootfs", where).entrySet()) {
                Platform p = platform(e.getKey(), where.at("rootfs"));
                rootfs.put(p, resolve(file, e.getValue()));
            }
        } else if (ImageSpec.SCRATCH.equals(from)) {
            throw where.at("rootfs").error("is required with 'from: scratch' (a tar of the root filesystem per platform)");
        }
        List<String> locales = stringList(node, "locales", where);
        for (int i = 0; i < locales.size(); i++) {
            String locale = locales.get(i);
            if (locale.isBlank()) {
                throw where.at("locales").index(i).error("is empty (expected a locale such as en_US.UTF-8)");
            }
            if (!LOCALE.matcher(locale).matches()) {
                throw where.at("locales").index(i).error("'" + locale + "' is not a locale name (e.g. en_US.UTF-8)");
            }
        }
        List<String> packages = stringList(node, "packages", where);
        for (int i = 0; i < packages.size(); i++) {
            try {
                AptPackages.check(packages.get(i));
            } catch (InputException e) {
                throw where.at("packages").index(i).error(e.getMessage());
            }
        }
        String workdir = optionalString(node, "workdir", where);
        absolute(workdir, where.at("workdir"));
        Map<String, String> envMap = stringMap(node, "env", where);
        for (String key : envMap.keySet()) {
            if (!ENV_NAME.matcher(key).matches()) {
                throw where.at("env").error("'" + key + "' is not a valid environment variable name");
            }
        }
        List<String> dirs = stringList(node, "dirs", where);
        for (int i = 0; i < dirs.size(); i++) {
            absolute(dirs.get(i), where.at("dirs").index(i));
        }
        List<String> ports = new ArrayList<>();
        List<String> portTexts = stringList(node, "ports", where);
        for (int i = 0; i < portTexts.size(); i++) {
            var m = PORT.matcher(portTexts.get(i));
            int number = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (number < 1 || number > 65535) {
                throw where.at("ports").index(i).error("'" + portTexts.get(i) + "' is not a port (1-65535, optionally /tcp or /udp)");
            }
            ports.add(portTexts.get(i));
        }
        Map<String, String> labels = stringMap(node, "labels", where);
        List<String> tags = stringList(node, "tags", where);
        for (int i = 0; i < tags.size(); i++) {
            if (!ImageReference.isValidTag(tags.get(i))) {
                throw where.at("tags").index(i).error("'" + tags.get(i) + "' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
            }
        }
        List<String> cmd = node.has("cmd") ? stringList(node, "cmd", where) : null;
        return new ImageSpec(name, from, parent, optionalString(node, "version", where), python(node, where),
                locales, packages, user(node, where), workdir, envMap, dirs, ports, healthcheck(node, where), labels,
                tags, platforms(node, where), files(node, where, file), rootfs, cmd);
    }

    private PythonSpec python(JsonNode image, SpecProblem where) throws InputException {
        JsonNode node = image.get("python");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = where.at("python");
        if (!node.isObject()) {
            throw at.error("must be a mapping (interpreter, version, venv, packages, ...)");
        }
        checkKeys(node, PYTHON_FIELDS, at);
        String interpreter = optionalString(node, "interpreter", at);
        if (interpreter != null && !interpreter.equals("apt") && !interpreter.equals("base")) {
            throw at.at("interpreter").error("'" + interpreter + "' is not one of: apt, base");
        }
        String version = optionalString(node, "version", at);
        if (version != null && !PYTHON_VERSION.matcher(version).matches()) {
            throw at.at("version").error("'" + version + "' is not major.minor (e.g. 3.11)");
        }
        String venv = optionalString(node, "venv", at);
        absolute(venv, at.at("venv"));
        Boolean site = optionalBoolean(node, "systemSitePackages", at);
        if (venv == null && (interpreter != null || site != null)) {
            throw at.at("venv").error("is required with 'interpreter' or 'systemSitePackages' (the path of the virtual environment)");
        }
        List<String> packages = stringList(node, "packages", at);
        for (int i = 0; i < packages.size(); i++) {
            String p = packages.get(i);
            if (p.isBlank() || p.startsWith("-")) {
                throw at.at("packages").index(i).error("'" + p + "' is not a requirement (options are not allowed here)");
            }
        }
        return new PythonSpec(interpreter, version, venv, site, packages, stringList(node, "findLinks", at),
                optionalString(node, "indexUrl", at), stringList(node, "extraIndexUrls", at),
                stringList(node, "trustedHosts", at));
    }

    private UserSpec user(JsonNode image, SpecProblem where) throws InputException {
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

    private long id(JsonNode node, String field, SpecProblem at, boolean required) throws InputException {
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

    private HealthcheckSpec healthcheck(JsonNode image, SpecProblem where) throws InputException {
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

    private List<FileSpec> files(JsonNode image, SpecProblem where, Path file) throws InputException {
        JsonNode node = image.get("files");
        List<FileSpec> files = new ArrayList<>();
        if (node == null || node.isNull()) {
            return files;
        }
        if (!node.isArray()) {
            throw where.at("files").error("must be a list of {src, dest, mode}");
        }
        for (int i = 0; i < node.size(); i++) {
            SpecProblem at = where.at("files").index(i);
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                throw at.error("must be a mapping {src, dest, mode}");
            }
            checkKeys(entry, FILE_FIELDS, at);
            Path source = resolve(file, requiredString(entry, "src", at));
            if (!Files.isRegularFile(source)) {
                throw at.at("src").error(source + " does not exist or is not a file");
            }
            String dest = requiredString(entry, "dest", at);
            absolute(dest, at.at("dest"));
            String modeText = optionalString(entry, "mode", at);
            int mode = 0644;
            if (modeText != null) {
                if (!modeText.matches("0?[0-7]{3}")) {
                    throw at.at("mode").error("'" + modeText + "' is not an octal mode such as 0755");
                }
                mode = Integer.parseInt(modeText, 8);
            }
            files.add(new FileSpec(source, dest, mode));
        }
        return files;
    }

    private List<Platform> platforms(JsonNode node, SpecProblem where) throws InputException {
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

    private static Platform platform(String text, SpecProblem at) throws InputException {
        try {
            return Platform.parse(text);
        } catch (InputException e) {
            throw at.error(e.getMessage());
        }
    }

    private static void absolute(String path, SpecProblem at) throws InputException {
        if (path != null && !path.startsWith("/")) {
            throw at.error("'" + path + "' must be an absolute path");
        }
    }

    private static Path resolve(Path specFile, String path) {
        Path p = Path.of(path);
        Path dir = specFile.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    private static void checkKeys(JsonNode node, List<String> allowed, SpecProblem at) throws InputException {
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

    private String expand(String text, SpecProblem at) throws InputException {
        return Interpolation.expand(text, env, at);
    }

    private String requiredString(JsonNode node, String field, SpecProblem at) throws InputException {
        String value = optionalString(node, field, at);
        if (value == null) {
            throw at.at(field).error("is required");
        }
        return value;
    }

    private String optionalString(JsonNode node, String field, SpecProblem at) throws InputException {
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

    private Boolean optionalBoolean(JsonNode node, String field, SpecProblem at) throws InputException {
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

    private List<String> stringList(JsonNode node, String field, SpecProblem at) throws InputException {
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

    private Map<String, String> stringMap(JsonNode node, String field, SpecProblem at) throws InputException {
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

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid YAML";
        }
        String line = message.strip().lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
