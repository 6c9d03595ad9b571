package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.registry.Descriptor;

/**
 * What planning decided for one image on one platform; running carries it out. Immutable.
 */
public sealed interface Decision {
    BuildTarget target();

    Platform platform();

    Reason reason();

    /** The engine that builds or holds the image. */
    String engine();

    /** {@link Status#BUILD} or {@link Status#REUSE}. */
    Status status();

    /**
     * An image with the key exists: in the registry ({@code manifest}) and/or in the local engine ({@code imageId}).
     * When pushing and only the engine has it, running pushes it. {@code from} is what its context was rendered on.
     */
    record Reuse(BuildTarget target, Platform platform, CacheKey key, ImageReference keyTag, Descriptor manifest,
            String imageId, Reason reason, String engine, String from) implements Decision {
        @Override
        public Status status() {
            return Status.REUSE;
        }
    }

    /**
     * No image has the key: running builds the rendered context (and pushes it when pushing).
     *
     * @param from what the context starts from: the base or parent pinned by digest (or by key tag without push), or
     *     {@code scratch}
     */
    record Build(BuildTarget target, Platform platform, CacheKey key, ImageReference keyTag, BuildContext context,
            String from, Reason reason, String engine) implements Decision {
        @Override
        public Status status() {
            return Status.BUILD;
        }
    }

    /**
     * The key depends on a parent that is built (or pushed) first in this run: running decides once the parent's
     * digest is known, and then builds or reuses.
     */
    record AwaitParent(BuildTarget target, Platform platform, Reason reason, String engine) implements Decision {
        @Override
        public Status status() {
            return Status.BUILD;
        }
    }
}
