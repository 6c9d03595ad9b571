package io.jenkins.plugins.grocker.wheels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a wheel says about its project in {@code *.dist-info/METADATA} (core metadata, an email-header format): the
 * summary, the home page and the project URLs. Only the headers are read, never the description body. Immutable.
 *
 * @param summary the one-line description, or null
 * @param homePage {@code Home-page}, or null
 * @param projectUrls {@code Project-URL: label, url} by label as written
 */
public record WheelMetadata(String summary, String homePage, Map<String, String> projectUrls) {
    /** METADATA larger than this is not read (headers come first; a megabyte of them is not a wheel). */
    private static final int MAX_BYTES = 1 << 20;

    public WheelMetadata {
        projectUrls = Collections.unmodifiableMap(new LinkedHashMap<>(projectUrls));
    }

    /** The metadata of a wheel file; an unreadable wheel or one without METADATA gives no values. */
    public static WheelMetadata read(Path wheel) {
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            ZipEntry entry = zip.stream()
                    .filter(e -> e.getName().endsWith(".dist-info/METADATA") && e.getName().indexOf('/') == e.getName().lastIndexOf('/'))
                    .findFirst().orElse(null);
            if (entry == null) {
                return new WheelMetadata(null, null, Map.of());
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new WheelMetadata(null, null, Map.of());
        }
    }

    static WheelMetadata parse(String text) {
        String summary = null;
        String homePage = null;
        Map<String, String> urls = new LinkedHashMap<>();
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty() || value.equals("UNKNOWN")) {
                continue;
            }
            switch (name) {
                case "summary" -> summary = value;
                case "home-page" -> homePage = value;
                case "project-url" -> {
                    int comma = value.indexOf(',');
                    if (comma > 0) {
                        urls.put(value.substring(0, comma).strip(), value.substring(comma + 1).strip());
                    }
                }
                default -> { }
            }
        }
        return new WheelMetadata(summary, homePage, urls);
    }

    /** The project's source repository: a project URL labelled Source, Repository or Code (any case), else null. */
    public String sourceUrl() {
        for (Map.Entry<String, String> e : projectUrls.entrySet()) {
            String label = e.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
            if (label.equals("source") || label.equals("sourcecode") || label.equals("repository") || label.equals("code")) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The project's home page: {@code Home-page}, else a project URL labelled Homepage, else null. */
    public String url() {
        if (homePage != null) {
            return homePage;
        }
        for (Map.Entry<String, String> e : projectUrls.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "").equals("homepage")) {
                return e.getValue();
            }
        }
        return null;
    }
}
