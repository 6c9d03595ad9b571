package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian package entries of a spec, with Debian's architecture restrictions: {@code libfoo [amd64]}
 * installs only on amd64, {@code libfoo [!arm64]} everywhere but arm64, a bare name everywhere.
 * Architectures are Debian's names, which are the OCI ones for amd64, arm64, ppc64le, s390x, riscv64
 * ({@code armhf} stands for linux/arm/v7, {@code armel} for linux/arm/v5 and v6, {@code i386} for 386).
 */
public final class AptPackages {
    private static final Pattern ENTRY = Pattern.compile(
            "([a-z0-9][a-z0-9+.-]+(?::[a-z0-9]+)?(?:=[A-Za-z0-9.+~:-]+)?)(?:\\s+\\[\\s*(!?[a-z0-9]+(?:\\s+!?[a-z0-9]+)*)\\s*])?\\s*");

    private AptPackages() {}

    /** The package names of {@code entries} that apply to the platform. */
    public static List<String> forPlatform(List<String> entries, Platform platform) {
        String arch = debianArchitecture(platform);
        List<String> names = new ArrayList<>();
        for (String entry : entries) {
            Matcher m = ENTRY.matcher(entry.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("unchecked package entry '" + entry + "'");
            }
            if (m.group(2) == null || applies(m.group(2).trim().split("\\s+"), arch)) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Checks one entry; the message says what is wrong, for the caller to prefix with the field. */
    static void check(String entry) throws InputException {
        Matcher m = ENTRY.matcher(entry.strip());
        if (!m.matches()) {
            throw new InputException("'" + entry + "' is not a Debian package name, optionally followed by "
                    + "architectures such as [amd64] or [!arm64]");
        }
        if (m.group(2) != null) {
            String[] arches = m.group(2).trim().split("\\s+");
            boolean negated = arches[0].startsWith("!");
            for (String a : arches) {
                if (a.startsWith("!") != negated) {
                    throw new InputException("'" + entry + "' mixes [arch] and [!arch]");
                }
                if (!KNOWN.contains(negated ? a.substring(1) : a)) {
                    throw new InputException("'" + entry + "' names unknown Debian architecture '" + a.replace("!", "")
                            + "' (known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")");
                }
            }
        }
    }

    private static boolean applies(String[] arches, String arch) {
        boolean negated = arches[0].startsWith("!");
        boolean listed = false;
        for (String a : arches) {
            listed |= (negated ? a.substring(1) : a).equals(arch);
        }
        return negated != listed;
    }

    static String debianArchitecture(Platform platform) {
        return switch (platform.architecture()) {
            case "arm" -> "v7".equals(platform.variant()) || platform.variant() == null ? "armhf" : "armel";
            case "386" -> "i386";
            case "mips64le" -> "mips64el";
            case "ppc64le" -> "ppc64el";
            default -> platform.architecture();
        };
    }

    /** Debian architectures known here. */
    private static final Set<String> KNOWN = Set.of("amd64", "arm64", "armhf", "armel", "i386", "ppc64el", "s390x", "riscv64",
            "mips64el", "loong64");
}
