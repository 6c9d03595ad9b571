package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.promote.PromotionRecord;
import io.jenkins.plugins.grocker.scan.ScanResult;
import java.util.List;
import java.util.Objects;

/**
 * What the HTML report shows: the images of a run as a hierarchy, each with its platforms and layers, and the
 * promotion, if the run was one. Every string is shown as text, whatever it contains. Immutable.
 *
 * @param title the page's title
 * @param generatedAt when the report was made (ISO-8601), or null
 * @param spec the spec file, or null (a promotion)
 * @param images the images, parents before or after children (the layout does not care)
 * @param promotion the promotion, or null
 * @param toolVersion grocker's version
 */
public record BuildReport(String title, String generatedAt, String spec, List<Image> images, Promotion promotion, String toolVersion) {
    public BuildReport {
        Objects.requireNonNull(title, "title");
        images = List.copyOf(images);
    }

    /**
     * One image.
     *
     * @param parent the name of its parent among {@link BuildReport#images()}, or null
     * @param from the external image it starts from, or null
     * @param indexDigest the digest of its image index, or null when not pushed
     */
    public record Image(String name, String repository, String parent, String from, List<String> tags, Digest indexDigest,
            List<Platform> platforms) {
        public Image {
            Objects.requireNonNull(name, "name");
            tags = List.copyOf(tags);
            platforms = List.copyOf(platforms);
        }

        /** Built when any platform was built (or is to be). */
        public boolean built() {
            return platforms.stream().anyMatch(p -> p.status() != null && p.status().isBuild());
        }

        public double seconds() {
            return platforms.stream().mapToDouble(Platform::seconds).sum();
        }

        /** The sum of the platforms' compressed sizes, or null when any is unknown. */
        public Long compressedSize() {
            long sum = 0;
            for (Platform p : platforms) {
                if (p.compressedSize() == null) {
                    return null;
                }
                sum += p.compressedSize();
            }
            return sum;
        }
    }

    /**
     * One platform of an image.
     *
     * @param status built or reused (build or reuse for a plan), or null when unknown
     * @param digest the manifest digest, or null when not pushed
     * @param compressedSize the sum of its compressed layers, or null when unknown
     * @param layers its layers, bottom first (empty when unknown)
     * @param attachments the SBOM, provenance and other artifacts attached to its manifest
     * @param scan what the scan gate's scanner said, or null
     */
    public record Platform(String platform, Status status, String reason, double seconds, Digest digest, Long compressedSize,
            List<Layer> layers, List<BuildResult.Attachment> attachments, ScanResult scan) {
        public Platform {
            layers = List.copyOf(layers);
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }

        public Platform(String platform, Status status, String reason, double seconds, Digest digest, Long compressedSize,
                List<Layer> layers) {
            this(platform, status, reason, seconds, digest, compressedSize, layers, List.of(), null);
        }
    }

    /**
     * A layer: digest, compressed size, and whether the parent image has it too (false: this image added it; null:
     * unknown, e.g. for an image whose base is outside the report).
     */
    public record Layer(Digest digest, long size, Boolean sharedWithParent) {}

    /**
     * A promotion.
     *
     * @param guards what guarded the tags, in words (e.g. "release tags v[0-9].* need --force")
     * @param approver who approved it (the Jenkins input's submitter), or null
     * @param attachments what travelled with the image, per target repository
     * @param scans what the scan gate's scanner said about each platform image
     */
    public record Promotion(String source, Digest sourceDigest, List<String> platforms, List<Target> targets, long mounted,
            long copied, long skipped, long bytesCopied, List<String> guards, String approver, String who, String build,
            boolean dryRun, String outcome, String error, List<PromotionRecord.Attachment> attachments, List<ScanResult> scans) {
        public Promotion {
            platforms = List.copyOf(platforms);
            targets = List.copyOf(targets);
            guards = List.copyOf(guards);
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
            scans = scans == null ? List.of() : List.copyOf(scans);
        }
    }

    /** Every scan of the build's images. */
    public List<ScanResult> scans() {
        return images.stream().flatMap(i -> i.platforms().stream()).map(Platform::scan).filter(s -> s != null).toList();
    }

    /** One target of a promotion: the tag, what it named before and after, and what happened. */
    public record Target(String ref, Digest previousDigest, Digest digest, String outcome, String detail) {}
}
