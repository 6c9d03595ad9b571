package io.jenkins.plugins.grocker.sbom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads dpkg's status database ({@code /var/lib/dpkg/status}, or a file of {@code /var/lib/dpkg/status.d/}):
 * paragraphs of {@code Field: value} lines, continuation lines starting with a space or tab, separated by blank
 * lines. Only packages whose {@code Status} ends in {@code installed} count (not those removed with their
 * configuration left, half-installed or unpacked only). Stateless.
 */
public final class DpkgStatus {
    private DpkgStatus() {}

    /** The installed packages of a status file, in file order. */
    public static List<DebianPackage> parse(String text) {
        List<DebianPackage> packages = new ArrayList<>();
        for (Map<String, String> paragraph : paragraphs(text)) {
            String status = paragraph.get("status");
            String name = paragraph.get("package");
            String version = paragraph.get("version");
            String architecture = paragraph.get("architecture");
            // status.d files (distroless) have no Status field: a package listed there is installed
            boolean installed = status == null ? !paragraph.isEmpty() : status.trim().endsWith(" installed");
            if (!installed || name == null || version == null || architecture == null) {
                continue;
            }
            packages.add(new DebianPackage(name.trim(), version.trim(), architecture.trim(), source(paragraph.get("source")),
                    paragraph.get("maintainer") == null ? null : paragraph.get("maintainer").trim()));
        }
        return packages;
    }

    /** {@code Source: glibc} or {@code Source: util-linux (2.38.1-5)}: the name only. */
    private static String source(String field) {
        if (field == null || field.isBlank()) {
            return null;
        }
        String value = field.trim();
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(0, space);
    }

    /** Paragraphs as maps of lowercase field name → value (the first line only; continuation lines are dropped). */
    static List<Map<String, String>> paragraphs(String text) {
        List<Map<String, String>> paragraphs = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (String line : text.split("\r?\n", -1)) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    paragraphs.add(current);
                    current = new LinkedHashMap<>();
                }
            } else if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    current.putIfAbsent(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1));
                }
            }
        }
        if (!current.isEmpty()) {
            paragraphs.add(current);
        }
        return paragraphs;
    }
}
