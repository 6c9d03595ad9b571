package io.jenkins.plugins.grocker.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The locales glibc can generate, from the {@code SUPPORTED} list of glibc 2.36 (Debian bookworm's
 * {@code /usr/share/i18n/SUPPORTED}, kept in {@code resources/.../spec/glibc-SUPPORTED}), and the short names
 * people write for them: {@code fr.UTF-8} is taken as {@code fr_FR.UTF-8}, {@code ja.UTF-8} as
 * {@code ja_JP.UTF-8}. Immutable; thread-safe.
 */
public final class Locales {
    /** Languages whose main locale is not {@code xx_XX}. */
    private static final Map<String, String> MAIN_COUNTRY = Map.ofEntries(
            Map.entry("en", "US"), Map.entry("ja", "JP"), Map.entry("ko", "KR"), Map.entry("zh", "CN"),
            Map.entry("sv", "SE"), Map.entry("da", "DK"), Map.entry("el", "GR"), Map.entry("cs", "CZ"),
            Map.entry("uk", "UA"), Map.entry("he", "IL"), Map.entry("hi", "IN"), Map.entry("vi", "VN"),
            Map.entry("nb", "NO"), Map.entry("ar", "EG"), Map.entry("fa", "IR"), Map.entry("ga", "IE"),
            Map.entry("et", "EE"), Map.entry("sl", "SI"), Map.entry("ca", "ES"), Map.entry("eu", "ES"),
            Map.entry("gl", "ES"), Map.entry("sr", "RS"), Map.entry("ms", "MY"), Map.entry("ur", "PK"),
            Map.entry("bn", "BD"), Map.entry("ta", "IN"), Map.entry("kk", "KZ"), Map.entry("ka", "GE"));

    private static final Map<String, String> SUPPORTED = load();

    private Locales() {}

    /** What a locale name stands for. */
    public record Resolved(String locale, String note) {}

    /**
     * The locale glibc knows for {@code name}: itself when supported, else the main locale of a short name
     * ({@code fr.UTF-8}), with a note saying so; empty when nothing matches.
     */
    public static Optional<Resolved> resolve(String name) {
        if (SUPPORTED.containsKey(name)) {
            return Optional.of(new Resolved(name, null));
        }
        int dot = name.indexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String suffix = dot < 0 ? "" : name.substring(dot);
        if (suffix.equalsIgnoreCase(".utf-8") || suffix.equalsIgnoreCase(".utf8")) {
            suffix = ".UTF-8";
            if (SUPPORTED.containsKey(base + suffix) && !name.equals(base + suffix)) {
                return Optional.of(new Resolved(base + suffix, "'" + name + "' is taken as " + base + suffix));
            }
            if ("UTF-8".equals(SUPPORTED.get(base))) {
                return Optional.of(new Resolved(base, "'" + name + "' is taken as " + base + " (UTF-8)"));
            }
        }
        if (base.matches("[a-z]{2,3}")) {
            String country = MAIN_COUNTRY.getOrDefault(base, base.toUpperCase(java.util.Locale.ROOT));
            String candidate = base + "_" + country + suffix;
            if (SUPPORTED.containsKey(candidate)) {
                return Optional.of(new Resolved(candidate, "'" + name + "' is taken as " + candidate));
            }
        }
        return Optional.empty();
    }

    /** Supported locales starting like {@code name}'s language, for a hint. */
    public static List<String> sameLanguage(String name) {
        String language = name.split("[_.@]", 2)[0] + "_";
        return SUPPORTED.keySet().stream().filter(l -> l.startsWith(language) && l.endsWith(".UTF-8")).sorted().limit(6).toList();
    }

    private static Map<String, String> load() {
        Map<String, String> map = new LinkedHashMap<>();
        try (InputStream in = Locales.class.getResourceAsStream("/io/jenkins/plugins/grocker/spec/glibc-SUPPORTED")) {
            if (in == null) {
                throw new IllegalStateException("resource spec/glibc-SUPPORTED is missing from the grocker jar");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && !line.startsWith("#")) {
                    map.put(parts[0], parts[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        map.putIfAbsent("C.UTF-8", "UTF-8");
        return Map.copyOf(map);
    }
}
