package io.jenkins.plugins.grocker.spec;

import java.util.List;

/**
 * Python in a base image: where the interpreter comes from, the virtual environment and the packages
 * installed into it. Immutable.
 *
 * @param interpreter {@code apt} (python3 and python3-venv installed from the distribution) or {@code base}
 *     (the base image already has {@code python3}); null when the image only adds packages to a venv its
 *     parent made
 * @param version expected {@code major.minor}, checked inside the build; null for any
 * @param venv absolute path of the virtual environment; null to inherit the parent's
 * @param systemSitePackages whether the venv sees the distribution's python3-* packages
 * @param packages pip requirements installed into the venv
 * @param findLinks directories (inside the image) or URLs searched for wheels and sdists
 * @param indexUrl a PEP 503 index, or null for none
 * @param extraIndexUrls more indexes
 */
public record PythonSpec(
        String interpreter,
        String version,
        String venv,
        Boolean systemSitePackages,
        List<String> packages,
        List<String> findLinks,
        String indexUrl,
        List<String> extraIndexUrls,
        List<String> trustedHosts) {
    public PythonSpec {
        packages = List.copyOf(packages);
        findLinks = List.copyOf(findLinks);
        extraIndexUrls = List.copyOf(extraIndexUrls);
        trustedHosts = List.copyOf(trustedHosts);
    }

    /** True when pip may only use find-links (no index at all). */
    public boolean noIndex() {
        return indexUrl == null && extraIndexUrls.isEmpty();
    }
}
