package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An application spec: what to compile into wheels and how to make the runner image. Exactly one of
 * {@code requirement} (from an index) and {@code source} (a local wheel, sdist or source directory) is set.
 * Immutable.
 *
 * @param base the image both the compiler and the runner start from
 * @param image the runner's repository ({@code host/path/name})
 * @param buildDependencies Debian packages for the compiler only
 * @param runDependencies Debian packages for the runner
 * @param constraints a pip constraints file applied to every pip call, or null
 * @param venv where the runner's virtual environment goes
 */
public record AppSpec(
        Path file,
        AppRequirement requirement,
        Path source,
        List<String> extras,
        ImageReference base,
        ImageReference image,
        List<Platform> platforms,
        List<String> buildDependencies,
        List<String> runDependencies,
        IndexSpec index,
        Path constraints,
        EntrypointSpec entrypoint,
        String venv,
        UserSpec user,
        String workdir,
        Map<String, String> env,
        List<String> ports,
        List<String> volumes,
        HealthcheckSpec healthcheck,
        Map<String, String> labels,
        List<String> tags) {
    public static final String DEFAULT_VENV = "/opt/app/venv";

    public AppSpec {
        extras = List.copyOf(extras);
        platforms = List.copyOf(platforms);
        buildDependencies = List.copyOf(buildDependencies);
        runDependencies = List.copyOf(runDependencies);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        tags = List.copyOf(tags);
    }

    /** What {@code app:} said, for messages and keys: the requirement or the source path. */
    public String appText() {
        return requirement != null ? requirement.toString() : source.toString();
    }

    /** A builder with every list and map empty and every other field null. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this value's fields, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.file = file;
        b.requirement = requirement;
        b.source = source;
        b.extras = extras;
        b.base = base;
        b.image = image;
        b.platforms = platforms;
        b.buildDependencies = buildDependencies;
        b.runDependencies = runDependencies;
        b.index = index;
        b.constraints = constraints;
        b.entrypoint = entrypoint;
        b.venv = venv;
        b.user = user;
        b.workdir = workdir;
        b.env = env;
        b.ports = ports;
        b.volumes = volumes;
        b.healthcheck = healthcheck;
        b.labels = labels;
        b.tags = tags;
        return b;
    }

    /** Makes {@link AppSpec} values field by field; not thread-safe. */
    public static final class Builder {
        private Path file;
        private AppRequirement requirement;
        private Path source;
        private List<String> extras = List.of();
        private ImageReference base;
        private ImageReference image;
        private List<Platform> platforms = List.of();
        private List<String> buildDependencies = List.of();
        private List<String> runDependencies = List.of();
        private IndexSpec index;
        private Path constraints;
        private EntrypointSpec entrypoint;
        private String venv;
        private UserSpec user;
        private String workdir;
        private Map<String, String> env = Map.of();
        private List<String> ports = List.of();
        private List<String> volumes = List.of();
        private HealthcheckSpec healthcheck;
        private Map<String, String> labels = Map.of();
        private List<String> tags = List.of();

        private Builder() {}

        public Builder file(Path value) {
            this.file = value;
            return this;
        }

        public Builder requirement(AppRequirement value) {
            this.requirement = value;
            return this;
        }

        public Builder source(Path value) {
            this.source = value;
            return this;
        }

        public Builder extras(List<String> value) {
            this.extras = value;
            return this;
        }

        public Builder base(ImageReference value) {
            this.base = value;
            return this;
        }

        public Builder image(ImageReference value) {
            this.image = value;
            return this;
        }

        public Builder platforms(List<Platform> value) {
            this.platforms = value;
            return this;
        }

        public Builder buildDependencies(List<String> value) {
            this.buildDependencies = value;
            return this;
        }

        public Builder runDependencies(List<String> value) {
            this.runDependencies = value;
            return this;
        }

        public Builder index(IndexSpec value) {
            this.index = value;
            return this;
        }

        public Builder constraints(Path value) {
            this.constraints = value;
            return this;
        }

        public Builder entrypoint(EntrypointSpec value) {
            this.entrypoint = value;
            return this;
        }

        public Builder venv(String value) {
            this.venv = value;
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

        public Builder ports(List<String> value) {
            this.ports = value;
            return this;
        }

        public Builder volumes(List<String> value) {
            this.volumes = value;
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

        public AppSpec build() {
            return new AppSpec(file, requirement, source, extras, base, image, platforms, buildDependencies, runDependencies, index, constraints, entrypoint, venv, user, workdir, env, ports, volumes, healthcheck, labels, tags);
        }
    }
}
