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
        List<String> dirs,
        List<String> ports,
        HealthcheckSpec healthcheck,
        Map<String, String> labels,
        List<String> tags,
        List<Platform> platforms,
        List<FileSpec> files,
        Map<Platform, Path> rootfs,
        List<String> cmd) {
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
    }

    public boolean isScratch() {
        return SCRATCH.equals(from);
    }
}
