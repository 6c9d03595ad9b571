package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Digest;
import java.util.List;

/**
 * What a run did, or a plan would do, in the shape of the {@code --output-json} file. Immutable.
 *
 * @param spec the spec file
 * @param pushed whether images were pushed (index digests and tags are in the registry)
 */
public record BuildResult(String spec, boolean pushed, List<ImageResult> images) {
    public BuildResult {
        images = List.copyOf(images);
    }

    /** The image called {@code name}. */
    public ImageResult image(String name) {
        return images.stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no image '" + name + "' in the result"));
    }

    /** One image of the spec. {@code status} is built (build) when any platform was (will be) built, else reused (reuse). */
    public record ImageResult(String name, String repository, String parent, String from, Status status,
            IndexResult index, List<String> tags, List<PlatformResult> platforms) {
        public ImageResult {
            tags = List.copyOf(tags);
            platforms = List.copyOf(platforms);
        }
    }

    /** The image index over the platforms; null without push. */
    public record IndexResult(Digest digest, String mediaType, long size) {}

    /**
     * One platform of an image.
     *
     * @param digest manifest digest in the registry (null without push)
     * @param imageId image id in the local engine (null when reused from the registry without pulling)
     * @param key the cache key (null when it depends on a parent that is not built yet)
     * @param status built or reused; for plans build or reuse
     * @param reason why it was built or reused
     * @param engine the Docker engine that built or holds it
     */
    public record PlatformResult(String platform, Digest digest, String imageId, String key, Status status,
            Reason reason, double seconds, String engine) {}
}
