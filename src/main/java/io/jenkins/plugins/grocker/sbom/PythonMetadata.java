package io.jenkins.plugins.grocker.sbom;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the core metadata of a Python distribution ({@code *.dist-info/METADATA}, {@code *.egg-info/PKG-INFO} or
 * an {@code *.egg-info} file): email-style headers up to the first blank line, continuation lines indented; the
 * body (the long description) is ignored. Stateless.
 */
public final class PythonMetadata {
    /** A {@code License} longer than this, or on several lines, is a license text, not a name: left out. */
    static final int MAX_LICENSE_NAME = 80;

    private PythonMetadata() {}

    /** The distribution described, or empty when {@code Name} or {@code Version} is missing. */
    public static Optional<PythonDistribution> parse(String text, String location) {
        String name = null;
        String version = null;
        String summary = null;
        String license = null;
        String expression = null;
        boolean licenseSpansLines = false;
        String field = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break; // the headers end here
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if ("license".equals(field)) {
                    licenseSpansLines = true;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                field = null;
                continue;
            }
            field = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (field) {
                case "name" -> name = name == null ? value : name;
                case "version" -> version = version == null ? value : version;
                case "summary" -> summary = summary == null && !value.isEmpty() && !value.equals("UNKNOWN") ? value : summary;
                case "license" -> license = license == null ? value : license;
                case "license-expression" -> expression = expression == null ? value : expression;
                default -> {
                    // not needed
                }
            }
        }
        if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
            return Optional.empty();
        }
        boolean hasExpression = expression != null && !expression.isEmpty();
        String chosen = hasExpression ? expression
                : license != null && !license.isEmpty() && !license.equals("UNKNOWN") && !licenseSpansLines
                        && license.length() <= MAX_LICENSE_NAME ? license : null;
        return Optional.of(new PythonDistribution(name, version, summary, chosen, hasExpression, List.of(location)));
    }
}
