package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.scan.ScanResult;
import java.util.List;

/**
 * The audit record of one promotion, and the {@code --output-json} result: who promoted what, from where to where,
 * what each target pointed to before, and how it ended. Immutable; serialised with Jackson.
 *
 * @param time when the promotion ended, ISO-8601 UTC
 * @param who {@code BUILD_USER_ID}, else {@code BUILD_USER}, else {@code USER}
 * @param build the Jenkins build ({@code BUILD_URL}), or null
 * @param outcome {@code promoted}, {@code refused} (a guard or the scan gate), {@code failed}, or {@code dry-run}
 * @param error the one-line error of a refused or failed promotion, or null
 * @param attachments what travelled with the image (SBOMs, provenance, signatures), per target repository
 * @param scans what the scan gate's scanner said about each platform image of the source
 */
public record PromotionRecord(String time, String who, String build, boolean dryRun, Source source,
        List<Target> targets, Blobs blobs, Outcome outcome, String error, List<Attachment> attachments,
        List<ScanResult> scans) {
    public PromotionRecord {
        targets = List.copyOf(targets);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        scans = scans == null ? List.of() : List.copyOf(scans);
    }

    public PromotionRecord(String time, String who, String build, boolean dryRun, Source source, List<Target> targets,
            Blobs blobs, Outcome outcome, String error) {
        this(time, who, build, dryRun, source, targets, blobs, outcome, error, List.of(), List.of());
    }

    /** The same record, with these attachments and scans. */
    public PromotionRecord with(List<Attachment> newAttachments, List<ScanResult> newScans) {
        return new PromotionRecord(time, who, build, dryRun, source, targets, blobs, outcome, error, newAttachments, newScans);
    }

    /**
     * Something that travelled with the image into one target repository, digest unchanged.
     *
     * @param repository the target repository
     * @param subject the manifest it is about
     * @param digest its manifest's digest
     * @param artifactType its artifact type ({@code application/vnd.cyclonedx+json}, …), or null
     * @param tag the cosign tag that holds it ({@code sha256-<hex>.sig}, …), or null for a referrer
     * @param outcome {@code copied}, {@code present} (the target had it), {@code kept} (the target's cosign tag names
     *     another manifest and was left alone), {@code planned} (a dry run) or {@code not-copied} (the promotion
     *     stopped before)
     */
    public record Attachment(String repository, Digest subject, Digest digest, String artifactType, String tag,
            String outcome) {}

    /** The source: as given, its digest, media type, platforms, manifests and blobs. */
    public record Source(String ref, Digest digest, String mediaType, List<String> platforms, int manifests, int blobs,
            long blobBytes) {
        public Source {
            platforms = List.copyOf(platforms);
        }
    }

    /**
     * One target.
     *
     * @param previousDigest what the tag pointed to before, or null (no such tag, or a copy by digest only)
     * @param outcome tagged, unchanged, digest-only, refused, planned, failed, not-tagged, rolled-back, not-rolled-back
     */
    public record Target(String ref, Digest previousDigest, Digest digest, TargetOutcome outcome, String detail) {}

    /** How a promotion ended. Written in lowercase with dashes. */
    public enum Outcome {
        PROMOTED, REFUSED, FAILED, DRY_RUN;

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** What happened to one target. Written in lowercase with dashes. */
    public enum TargetOutcome {
        /** The tag was written. */
        TAGGED,
        /** The tag already named the digest. */
        UNCHANGED,
        /** A target without a tag: the image was copied by digest only. */
        DIGEST_ONLY,
        /** A guard kept the tag where it was. */
        REFUSED,
        /** A dry run: the tag would be written. */
        PLANNED,
        /** Writing the tag failed. */
        FAILED,
        /** The promotion failed before this tag was written. */
        NOT_TAGGED,
        /** The tag was written, then put back on its previous digest after a later failure. */
        ROLLED_BACK,
        /** The tag was written and could not be put back after a later failure. */
        NOT_ROLLED_BACK;

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** What happened to blobs, summed over target repositories (for a dry run: what would happen). */
    public record Blobs(long mounted, long copied, long skipped, long bytesCopied) {}
}
