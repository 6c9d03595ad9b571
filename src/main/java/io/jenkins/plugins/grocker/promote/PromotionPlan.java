package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.List;
import java.util.Map;

/**
 * What a promotion will do: for each target its current digest and whether the guard lets it move, for each target
 * repository what happens to each blob (the image's and its attachments'), and the attachments that travel with the
 * image. Immutable.
 */
public record PromotionPlan(SourceImage source, List<Target> targets, List<Repository> repositories,
        List<SourceAttachment> attachments) {
    public PromotionPlan {
        targets = List.copyOf(targets);
        repositories = List.copyOf(repositories);
        attachments = List.copyOf(attachments);
    }

    /** What happens to a blob in a target repository. */
    public enum BlobAction { SKIP, MOUNT, COPY }

    /**
     * One target: {@code ref} is a repository with a tag, or without one for a copy by digest only.
     *
     * @param previousDigest what the tag points to now, or null
     * @param refusal why the guard keeps it where it is, or null
     */
    public record Target(ImageReference ref, Digest previousDigest, String refusal) {
        public boolean moves(Digest digest) {
            return ref.tag() != null && !digest.equals(previousDigest);
        }
    }

    /** One target repository and, for each blob of the source, its action there. */
    public record Repository(ImageReference repository, Map<Descriptor, BlobAction> blobs) {
        public Repository {
            blobs = Map.copyOf(blobs);
        }

        public long count(BlobAction action) {
            return blobs.values().stream().filter(a -> a == action).count();
        }

        public long bytes(BlobAction action) {
            return blobs.entrySet().stream().filter(e -> e.getValue() == action).mapToLong(e -> e.getKey().size()).sum();
        }
    }

    public List<String> refusals() {
        return targets.stream().map(Target::refusal).filter(r -> r != null).toList();
    }
}
