package io.jenkins.plugins.grocker.sbom;

import java.util.Objects;

/**
 * An installed Debian package, as dpkg records it. Immutable.
 *
 * @param source the source package (dpkg's {@code Source}, without its version), or null when it is the package's own name
 * @param maintainer dpkg's {@code Maintainer}, or null
 */
public record DebianPackage(String name, String version, String architecture, String source, String maintainer) {
    public DebianPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(architecture, "architecture");
    }

    /** {@code pkg:deb/<distro>/<name>@<version>?arch=<arch>[&upstream=<source>]}. */
    public String purl(String distro) {
        return PackageUrls.deb(distro, name, version, architecture, source);
    }
}
