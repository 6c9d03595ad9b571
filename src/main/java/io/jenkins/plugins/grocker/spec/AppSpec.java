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
}
