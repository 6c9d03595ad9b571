package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.spec.HierarchySpec;

/**
 * {@code grocker base} and {@code grocker plan}: a hierarchy spec's images as {@link BuildTarget}s
 * ({@link HierarchyTargets}), planned and built by {@link ImageBuild}: parents first, siblings at the same time,
 * reuse by key, tags last.
 */
public final class BaseBuild {
    private BaseBuild() {}

    /** The build of every image of {@code spec}; call {@link ImageBuild#plan()} or {@link ImageBuild#run()} on it. */
    public static ImageBuild of(HierarchySpec spec, BuildOptions options, BuildServices services) throws GrockerException {
        return new ImageBuild(String.valueOf(spec.file()), HierarchyTargets.of(spec), options, services);
    }
}
