package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.image.Platform;

/**
 * Makes the build context of one image on one platform, {@code from} being the parent pinned by digest.
 * Base images use {@link io.jenkins.plugins.grocker.dockerfile.DockerfileRenderer}; runner images their own.
 * Implementations must be thread-safe: platforms and images are rendered concurrently.
 */
@FunctionalInterface
public interface ContextRenderer {
    BuildContext render(HierarchySpec spec, ImageSpec image, Platform platform, String from) throws GrockerException;
}
