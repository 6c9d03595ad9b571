package io.jenkins.plugins.grocker.image;

import io.jenkins.plugins.grocker.InputException;
import java.util.Objects;
import java.util.Set;

/** An OCI platform such as {@code linux/amd64} or {@code linux/arm/v7}. Immutable. */
public final class Platform implements Comparable<Platform> {
    private static final Set<String> OPERATING_SYSTEMS = Set.of("linux", "windows");
    private static final Set<String> ARCHITECTURES =
            Set.of("amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le", "loong64");
    private static final Set<String> VARIANTS = Set.of("v5", "v6", "v7", "v8");

    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);
    public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", null);

    private final String os;
    private final String architecture;
    private final String variant;

    private Platform(String os, String architecture, String variant) {
        this.os = os;
        this.architecture = architecture;
        this.variant = variant;
    }

    public static Platform of(String os, String architecture, String variant) {
        return new Platform(os, architecture, variant == null || variant.isEmpty() ? null : variant);
    }

    /**
     * Parses {@code os/arch[/variant]}. {@code linux/arm64/v8} is the same platform as {@code linux/arm64}.
     *
     * @throws InputException with a message that says what is wrong, for the caller to prefix with the field
     */
    public static Platform parse(String text) throws InputException {
        if (text == null || text.isBlank()) {
            throw new InputException("a platform is empty (expected os/arch, e.g. linux/amd64)");
        }
        String[] parts = text.trim().split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new InputException("'" + text + "' is not a platform (expected os/arch[/variant], e.g. linux/arm64)");
        }
        if (!OPERATING_SYSTEMS.contains(parts[0])) {
            throw new InputException("'" + text + "' has unknown os '" + parts[0] + "' (known: " + sorted(OPERATING_SYSTEMS) + ")");
        }
        if (!ARCHITECTURES.contains(parts[1])) {
            throw new InputException(
                    "'" + text + "' has unknown architecture '" + parts[1] + "' (known: " + sorted(ARCHITECTURES) + ")");
        }
        String variant = parts.length == 3 ? parts[2] : null;
        if (variant != null && !VARIANTS.contains(variant)) {
            throw new InputException("'" + text + "' has unknown variant '" + variant + "' (known: " + sorted(VARIANTS) + ")");
        }
        if ("arm64".equals(parts[1]) && "v8".equals(variant)) {
            variant = null;
        }
        return new Platform(parts[0], parts[1], variant);
    }

    private static String sorted(Set<String> values) {
        return String.join(", ", new java.util.TreeSet<>(values));
    }

    public String os() {
        return os;
    }

    public String architecture() {
        return architecture;
    }

    /** The variant, or null. */
    public String variant() {
        return variant;
    }

    /** A form usable in file names: {@code linux-arm64}, {@code linux-arm-v7}. */
    public String slug() {
        return toString().replace('/', '-');
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Platform p && p.os.equals(os) && p.architecture.equals(architecture)
                && Objects.equals(p.variant, variant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(os, architecture, variant);
    }

    @Override
    public int compareTo(Platform o) {
        return toString().compareTo(o.toString());
    }
}
