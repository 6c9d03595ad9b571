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
 * @param requirements a requirements file next to the spec (its content is part of the cache key), or null
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
        List<String> trustedHosts,
        java.nio.file.Path requirements) {
    public PythonSpec {
        packages = List.copyOf(packages);
        findLinks = List.copyOf(findLinks);
        extraIndexUrls = List.copyOf(extraIndexUrls);
        trustedHosts = List.copyOf(trustedHosts);
    }

    /** True when something is installed with pip: packages or a requirements file. */
    public boolean installs() {
        return !packages.isEmpty() || requirements != null;
    }

    /** True when pip may only use find-links (no index at all). */
    public boolean noIndex() {
        return indexUrl == null && extraIndexUrls.isEmpty();
    }

    /** A builder with every list and map empty and every other field null. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this value's fields, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.interpreter = interpreter;
        b.version = version;
        b.venv = venv;
        b.systemSitePackages = systemSitePackages;
        b.packages = packages;
        b.findLinks = findLinks;
        b.indexUrl = indexUrl;
        b.extraIndexUrls = extraIndexUrls;
        b.trustedHosts = trustedHosts;
        b.requirements = requirements;
        return b;
    }

    /** Makes {@link PythonSpec} values field by field; not thread-safe. */
    public static final class Builder {
        private String interpreter;
        private String version;
        private String venv;
        private Boolean systemSitePackages;
        private List<String> packages = List.of();
        private List<String> findLinks = List.of();
        private String indexUrl;
        private List<String> extraIndexUrls = List.of();
        private List<String> trustedHosts = List.of();
        private java.nio.file.Path requirements;

        private Builder() {}

        public Builder interpreter(String value) {
            this.interpreter = value;
            return this;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        public Builder venv(String value) {
            this.venv = value;
            return this;
        }

        public Builder systemSitePackages(Boolean value) {
            this.systemSitePackages = value;
            return this;
        }

        public Builder packages(List<String> value) {
            this.packages = value;
            return this;
        }

        public Builder findLinks(List<String> value) {
            this.findLinks = value;
            return this;
        }

        public Builder indexUrl(String value) {
            this.indexUrl = value;
            return this;
        }

        public Builder extraIndexUrls(List<String> value) {
            this.extraIndexUrls = value;
            return this;
        }

        public Builder trustedHosts(List<String> value) {
            this.trustedHosts = value;
            return this;
        }

        public Builder requirements(java.nio.file.Path value) {
            this.requirements = value;
            return this;
        }

        public PythonSpec build() {
            return new PythonSpec(interpreter, version, venv, systemSitePackages, packages, findLinks, indexUrl, extraIndexUrls,
                    trustedHosts, requirements);
        }
    }
}
