package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
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

    private static final long MAX_ID = 2147483647L;
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?");
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ns|us|ms|s|m|h))+");

    private final Map<String, String> env;

    SpecReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Reads a file into a tree; a missing file or a syntax error is an {@link InputException}. */
    static JsonNode read(Path file) throws InputException {
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

    static JsonNode parse(Path file, String text) throws InputException {
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

    List<FileSpec> files(JsonNode image, SpecProblem where, Path file) throws InputException {
        return files(image, where, file, "files");
    }

    /** A list of {@code {src, dest, mode}}: files next to the spec copied into an image. */
    List<FileSpec> files(JsonNode image, SpecProblem where, Path file, String field) throws InputException {
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
        if (path != null && !path.startsWith("/")) {
            throw at.error("'" + path + "' must be an absolute path");
        }
    }

    static Path resolve(Path specFile, String path) {
        Path p = Path.of(path);
        Path dir = specFile.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
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
        return Interpolation.expand(text, env, at);
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
