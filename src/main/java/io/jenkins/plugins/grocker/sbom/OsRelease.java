package io.jenkins.plugins.grocker.sbom;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The operating system of an image, from {@code os-release} ({@code KEY=value} lines, values optionally quoted).
 * Immutable.
 *
 * @param id {@code ID} (e.g. {@code debian}), lowercase; {@code debian} when unknown
 * @param versionId {@code VERSION_ID} (e.g. {@code 12}), or null
 * @param prettyName {@code PRETTY_NAME}, or null
 */
public record OsRelease(String id, String versionId, String prettyName) {
    /** What an image without {@code os-release} is taken to be. */
    public static final OsRelease UNKNOWN_DEBIAN = new OsRelease("debian", null, null);

    public static OsRelease parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).trim();
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            values.put(line.substring(0, eq).trim(), value);
        }
        String id = values.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
        return new OsRelease(id.isEmpty() ? "debian" : id, values.get("VERSION_ID"), values.get("PRETTY_NAME"));
    }
}
