package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One image of a hierarchy, as declared (nothing inherited is filled in here; see
 * {@link HierarchySpec#effectiveUser} and friends). Exactly one of {@code from} and {@code parent} is set;
 * {@code from} may be {@link #SCRATCH}, in which case {@code rootfs} gives a root filesystem per platform.
 * Immutable.
 */
public record ImageSpec(
        String name,
        String from,
        String parent,
        String version,
        PythonSpec python,
        List<String> locales,
        List<String> packages,
        UserSpec user,
        String workdir,
        Map<String, String> env,
        List<DirSpec> dirs,
        List<String> ports,
        HealthcheckSpec healthcheck,
        Map<String, String> labels,
        List<String> tags,
        List<Platform> platforms,
        List<FileSpec> files,
        Map<Platform, Path> rootfs,
        List<String> cmd,
        List<String> volumes,
        EntrypointSpec entrypoint,
        String variantOf) {
    public static final String SCRATCH = "scratch";

    public ImageSpec {
        locales = List.copyOf(locales);
        packages = List.copyOf(packages);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        dirs = List.copyOf(dirs);
        ports = List.copyOf(ports);
        labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        tags = List.copyOf(tags);
        platforms = List.copyOf(platforms);
        files = List.copyOf(files);
        rootfs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rootfs));
        cmd = cmd == null ? null : List.copyOf(cmd);
        volumes = List.copyOf(volumes);
    }

    /** True for a variant of another image ({@code fractal-app:dev} of {@code fractal-app}), pushed to its repository. */
    public boolean isVariant() {
        return variantOf != null;
    }

    public boolean isScratch() {
        return SCRATCH.equals(from);
    }

    /** A builder with every list and map empty and every other field null. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this value's fields, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.from = from;
        b.parent = parent;
        b.version = version;
        b.python = python;
        b.locales = locales;
        b.packages = packages;
        b.user = user;
        b.workdir = workdir;
        b.env = env;
        b.dirs = dirs;
        b.ports = ports;
        b.healthcheck = healthcheck;
        b.labels = labels;
        b.tags = tags;
        b.platforms = platforms;
        b.files = files;
        b.rootfs = rootfs;
        b.cmd = cmd;
        b.volumes = volumes;
        b.entrypoint = entrypoint;
        b.variantOf = variantOf;
        return b;
    }

    /** Makes {@link ImageSpec} values field by field; not thread-safe. */
    public static final class Builder {
        private String name;
        private String from;
        private String parent;
        private String version;
        private PythonSpec python;
        private List<String> locales = List.of();
        private List<String> packages = List.of();
        private UserSpec user;
        private String workdir;
        private Map<String, String> env = Map.of();
        private List<DirSpec> dirs = List.of();
        private List<String> ports = List.of();
        private HealthcheckSpec healthcheck;
        private Map<String, String> labels = Map.of();
        private List<String> tags = List.of();
        private List<Platform> platforms = List.of();
        private List<FileSpec> files = List.of();
        private Map<Platform, Path> rootfs = Map.of();
        private List<String> cmd = List.of();
        private List<String> volumes = List.of();
        private EntrypointSpec entrypoint;
        private String variantOf;

        private Builder() {}

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder from(String value) {
            this.from = value;
            return this;
        }

        public Builder parent(String value) {
            this.parent = value;
            return this;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        public Builder python(PythonSpec value) {
            this.python = value;
            return this;
        }

        public Builder locales(List<String> value) {
            this.locales = value;
            return this;
        }

        public Builder packages(List<String> value) {
            this.packages = value;
            return this;
        }

        public Builder user(UserSpec value) {
            this.user = value;
            return this;
        }

        public Builder workdir(String value) {
            this.workdir = value;
            return this;
        }

        public Builder env(Map<String, String> value) {
            this.env = value;
            return this;
        }

        public Builder dirs(List<DirSpec> value) {
            this.dirs = value;
            return this;
        }

        public Builder ports(List<String> value) {
            this.ports = value;
            return this;
        }

        public Builder healthcheck(HealthcheckSpec value) {
            this.healthcheck = value;
            return this;
        }

        public Builder labels(Map<String, String> value) {
            this.labels = value;
            return this;
        }

        public Builder tags(List<String> value) {
            this.tags = value;
            return this;
        }

        public Builder platforms(List<Platform> value) {
            this.platforms = value;
            return this;
        }

        public Builder files(List<FileSpec> value) {
            this.files = value;
            return this;
        }

        public Builder rootfs(Map<Platform, Path> value) {
            this.rootfs = value;
            return this;
        }

        public Builder cmd(List<String> value) {
            this.cmd = value;
            return this;
        }

        public Builder volumes(List<String> value) {
            this.volumes = value;
            return this;
        }

        public Builder entrypoint(EntrypointSpec value) {
            this.entrypoint = value;
            return this;
        }

        public Builder variantOf(String value) {
            this.variantOf = value;
            return this;
        }

        public ImageSpec build() {
            return new ImageSpec(name, from, parent, version, python, locales, packages, user, workdir, env, dirs, ports,
                    healthcheck, labels, tags, platforms, files, rootfs, cmd, volumes, entrypoint, variantOf);
        }
    }
}
