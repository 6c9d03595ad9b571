package io.jenkins.plugins.grocker.build;

import java.util.List;

/**
 * What a run did, in the shape of the {@code --output-json} file. Immutable.
 *
 * @param spec the spec file
 * @param pushed whether images were pushed (index digests and tags are in the registry)
 */
public record BuildResult(String spec, boolean pushed, List<ImageResult> images) {
    public BuildResult {
        images = List.copyOf(images);
    }

    /** One image of the spec. {@code status} is built when any platform was built, else reused. */
    public record ImageResult(String name, String repository, String parent, String from, String status,
            IndexResult index, List<String> tags, List<PlatformResult> platforms) {
        public ImageResult {
            tags = List.copyOf(tags);
            platforms = List.copyOf(platforms);
        }
    }

    /** The image index over the platforms; null without push. */
    public record IndexResult(String digest, String mediaType, long size) {}

    /**
     * One platform of an image.
     *
     * @param digest manifest digest in the registry (null without push)
     * @param imageId image id in the local engine (null when reused from the registry without pulling)
     * @param key the cache key
     * @param status built, reused, or (for plans) build / reuse
     * @param reason why it was built or reused
     * @param engine the Docker engine that built or holds it
     */
    public record PlatformResult(String platform, String digest, String imageId, String key, String status,
            String reason, double seconds, String engine) {}
}
