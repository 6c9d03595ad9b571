package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.Platform;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A repository as the purge selection sees it: every tag with the digest it names, and what is known of the
 * manifests those tags (and the indexes among them) reach. Immutable.
 *
 * @param repository the repository path, for messages
 * @param tags tag → manifest digest
 * @param manifests digest → manifest; a digest without an entry is treated as a leaf with no known age
 */
public record RepositoryState(String repository, Map<String, Digest> tags, Map<Digest, Node> manifests) {
    public RepositoryState {
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        manifests = Collections.unmodifiableMap(new TreeMap<>(manifests));
    }

    /**
     * One manifest.
     *
     * @param references the manifests it points at: an index's children (a referrers index's artifacts included)
     * @param platform the platform of an image manifest, or null (an index, an artifact, unknown)
     * @param created when the image was made (its config's {@code created}), or null when unknown
     */
    public record Node(Digest digest, List<Digest> references, Platform platform, Instant created) {
        public Node {
            references = List.copyOf(references);
        }
    }

    /** The manifest of this digest, or a leaf of unknown platform and age. */
    public Node node(Digest digest) {
        Node node = manifests.get(digest);
        return node != null ? node : new Node(digest, List.of(), null, null);
    }
}
