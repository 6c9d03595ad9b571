package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.scan.ScanResult;
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

    /**
     * A result file read back (the {@code --output-json} of base or runner).
     *
     * @throws InputException naming {@code option} when it cannot be read or is not a result
     */
    public static BuildResult read(java.nio.file.Path file, String option) throws io.jenkins.plugins.grocker.InputException {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile(), BuildResult.class);
        } catch (java.io.IOException | RuntimeException e) {
            throw new io.jenkins.plugins.grocker.InputException(option + ": cannot read " + file + " as a build result: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** The same result with these images. */
    public BuildResult withImages(List<ImageResult> newImages) {
        return new BuildResult(spec, pushed, newImages);
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

        /** The same image with these tags and platforms. */
        public ImageResult with(List<String> newTags, List<PlatformResult> newPlatforms) {
            return new ImageResult(name, repository, parent, from, status, index, newTags, newPlatforms);
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
     * @param attachments the artifacts attached to its manifest in the registry (SBOM, provenance): attached by this
     *     run when it pushed the image, found in the registry when it was reused from there; empty without push
     * @param scan what the scan gate's scanner said, or null when there is no scan gate
     */
    public record PlatformResult(String platform, Digest digest, String imageId, String key, Status status,
            Reason reason, double seconds, String engine, List<Attachment> attachments, ScanResult scan) {
        public PlatformResult {
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }

        public PlatformResult(String platform, Digest digest, String imageId, String key, Status status, Reason reason,
                double seconds, String engine) {
            this(platform, digest, imageId, key, status, reason, seconds, engine, List.of(), null);
        }

        /** The same, with this scan. */
        public PlatformResult withScan(ScanResult value) {
            return new PlatformResult(platform, digest, imageId, key, status, reason, seconds, engine, attachments, value);
        }
    }

    /**
     * An artifact attached to a platform manifest (its {@code subject}).
     *
     * @param kind {@code sbom}, {@code provenance}, or {@code other}
     * @param artifactType its OCI artifact type ({@code application/vnd.cyclonedx+json}, {@code application/vnd.in-toto+json})
     * @param digest the digest of the artifact's manifest
     * @param via how the registry lists it: {@code referrers-api} or {@code referrers-tag}
     */
    public record Attachment(String kind, String artifactType, Digest digest, String via) {}

    /** Every scan of the run, image by image. */
    public List<ScanResult> scans() {
        return images.stream().flatMap(i -> i.platforms().stream()).map(PlatformResult::scan).filter(s -> s != null).toList();
    }
}
