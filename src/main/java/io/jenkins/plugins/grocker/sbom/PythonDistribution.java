package io.jenkins.plugins.grocker.sbom;

import java.util.List;
import java.util.Objects;

/**
 * An installed Python distribution, as its {@code METADATA} (or {@code PKG-INFO}) says. Immutable.
 *
 * @param name the {@code Name} as written (the package URL uses its normalised form)
 * @param summary {@code Summary}, or null
 * @param license {@code License-Expression}, else a short one-line {@code License}, or null
 * @param licenseIsExpression whether {@code license} is an SPDX expression ({@code License-Expression})
 * @param locations where it is installed: the {@code .dist-info} or {@code .egg-info} paths
 */
public record PythonDistribution(String name, String version, String summary, String license, boolean licenseIsExpression,
        List<String> locations) {
    public PythonDistribution {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        locations = List.copyOf(locations);
    }

    /** {@code pkg:pypi/<normalised name>@<version>}. */
    public String purl() {
        return PackageUrls.pypi(name, version);
    }
}
