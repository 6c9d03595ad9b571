package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.InputException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An application pinned to one version: {@code name[extra1,extra2]==version}. Immutable.
 */
public record AppRequirement(String name, List<String> extras, String version) {
    private static final String NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
    private static final Pattern PINNED = Pattern.compile(
            "(" + NAME + ")\\s*(?:\\[\\s*(" + NAME + "(?:\\s*,\\s*" + NAME + ")*)\\s*])?\\s*==\\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)");
    private static final Pattern NAME_ONLY = Pattern.compile(NAME + "\\s*(?:\\[[^]]*])?");

    public AppRequirement {
        extras = List.copyOf(extras);
    }

    /**
     * Parses a pinned requirement.
     *
     * @throws InputException saying what is wrong, for the caller to prefix with the field
     */
    public static AppRequirement parse(String text) throws InputException {
        String t = text.strip();
        Matcher m = PINNED.matcher(t);
        if (m.matches()) {
            List<String> extras = m.group(2) == null ? List.of()
                    : Arrays.stream(m.group(2).split(",")).map(String::strip).toList();
            return new AppRequirement(m.group(1), extras, m.group(3));
        }
        if (t.endsWith("==") || t.matches(".*==\\s*")) {
            throw new InputException("'" + text + "' has no version after '=='");
        }
        if (t.matches(NAME + "\\s*(?:\\[[^]]*])?\\s*(?:>=|<=|~=|!=|>|<|===).*")) {
            throw new InputException("'" + text + "' must pin exactly one version with '==' (e.g. app[extra]==1.2.3)");
        }
        if (NAME_ONLY.matcher(t).matches()) {
            throw new InputException("'" + text + "' has no version: pin one with '==' (e.g. " + t + "==1.0.0)");
        }
        throw new InputException("'" + text + "' is not a requirement of the form name[extras]==version");
    }

    /** The PEP 503 normalized name: lowercase, runs of -_. as one -. */
    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** {@code name[extras]==version} as pip takes it. */
    @Override
    public String toString() {
        return name + (extras.isEmpty() ? "" : "[" + String.join(",", extras) + "]") + "==" + version;
    }
}
