package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.image.Digest;
import java.util.List;

/**
 * What a purge removes and what it keeps, with reasons: the dry-run listing and the core of the audit record.
 * Deletions are in the order to run them: each image's attachments (artifacts, then the tags that hold them)
 * before the image itself, oldest image first. Immutable.
 */
public record PurgePlan(String repository, List<Deletion> deletions, List<Kept> kept) {
    public PurgePlan {
        deletions = List.copyOf(deletions);
        kept = List.copyOf(kept);
    }

    /**
     * A manifest to delete (with every tag on it).
     *
     * @param tags the tags that go with it (none for an artifact listed only by a referrers index)
     * @param attachmentOf the image it is attached to, or null for a superseded image itself
     */
    public record Deletion(Digest digest, List<String> tags, String reason, Digest attachmentOf) {
        public Deletion {
            tags = List.copyOf(tags);
        }
    }

    /** A tag that stays, and why. */
    public record Kept(String tag, Digest digest, String reason) {}

    /** The digests to delete, in order. */
    public List<Digest> digests() {
        return deletions.stream().map(Deletion::digest).toList();
    }
}
