package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.HierarchySpec;

/**
 * {@code grocker base} and {@code grocker plan}: a hierarchy spec's images as {@link BuildTarget}s, planned and
 * built by {@link ImageBuild} (parents first, siblings at the same time, reuse by key, tags last). One instance
 * plans or runs once; not thread-safe.
 */
public final class BaseBuild {
    private final HierarchySpec spec;
    private final BuildOptions options;
    private final Engines engines;
    private final RegistryClient registry;
    private final Credentials credentials;
    private final BuildListener listener;

    public BaseBuild(HierarchySpec spec, BuildOptions options, ContainerEngine engine, RegistryClient registry,
            Credentials credentials, BuildListener listener) {
        this(spec, options, Engines.single(engine), registry, credentials, listener);
    }

    /** A build whose platforms may each go to an engine of their own. */
    public BaseBuild(HierarchySpec spec, BuildOptions options, Engines engines, RegistryClient registry,
            Credentials credentials, BuildListener listener) {
        this.spec = spec;
        this.options = options;
        this.engines = engines;
        this.registry = registry;
        this.credentials = credentials;
        this.listener = listener;
    }

    /** Builds, pushes and tags. */
    public BuildResult run() throws GrockerException {
        return build().run();
    }

    /** Says, for each image and platform, whether it would be built or reused, and why. Changes nothing. */
    public BuildPlan plan() throws GrockerException {
        return build().plan();
    }

    private ImageBuild build() throws GrockerException {
        return new ImageBuild(String.valueOf(spec.file()), HierarchyTargets.of(spec), options, engines, registry, credentials,
                listener);
    }
}
