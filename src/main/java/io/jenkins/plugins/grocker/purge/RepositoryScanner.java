package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.ConfigParts;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.ManifestParts;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryAdmin;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.ImageReference;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a repository for {@link PurgeSelection}: every tag (HEAD for its digest), each tagged manifest once (its
 * children, for an index), and the config of each tagged image manifest (platform and {@code created}). Untagged
 * children are not read: they only need to be reached, never judged. Thread-safe as {@link RegistryClient} is.
 */
public final class RepositoryScanner {
    private final RegistryClient client;
    private final RegistryAdmin admin;

    public RepositoryScanner(RegistryClient client) {
        this.client = client;
        this.admin = new RegistryAdmin(client);
    }

    /** The tags of {@code repo}'s repository and the digest each names now. */
    public Map<String, String> tags(ImageReference repo) throws RegistryException {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : admin.listTags(repo)) {
            Optional<Descriptor> head = client.head(ref(repo, tag, null));
            head.ifPresent(d -> tags.put(tag, d.digest())); // a tag deleted meanwhile is simply gone
        }
        return tags;
    }

    /** The repository as {@link PurgeSelection} needs it. */
    public RepositoryState scan(ImageReference repo) throws RegistryException {
        Map<String, String> tags = tags(repo);
        Map<String, RepositoryState.Node> nodes = new HashMap<>();
        for (String digest : new java.util.TreeSet<>(tags.values())) {
            Manifest manifest = client.getManifest(ref(repo, null, digest));
            ManifestParts parts = ManifestParts.of(manifest, "manifest " + repo.repository() + "@" + digest);
            if (parts.isIndex()) {
                nodes.put(digest, new RepositoryState.Node(digest,
                        parts.children().stream().map(c -> c.descriptor().digest()).toList(), null, null));
            } else if (parts.config() != null && isImageConfig(parts.config().mediaType()) && parts.artifactType() == null) {
                ConfigParts config = ConfigParts.of(client.getBlob(repo, parts.config().digest()),
                        "config " + parts.config().digest() + " of " + repo.repository() + "@" + digest);
                nodes.put(digest, new RepositoryState.Node(digest, List.of(), config.platform(), config.created()));
            } else {
                nodes.put(digest, new RepositoryState.Node(digest, List.of(), null, null));
            }
        }
        return new RepositoryState(repo.repository(), tags, nodes);
    }

    private static boolean isImageConfig(String mediaType) {
        return MediaTypes.OCI_CONFIG.equals(mediaType) || MediaTypes.DOCKER_CONFIG.equals(mediaType);
    }

    static ImageReference ref(ImageReference repo, String tag, String digest) {
        try {
            return tag != null ? repo.withTag(tag) : repo.withDigest(digest);
        } catch (InputException e) {
            throw new IllegalStateException("the registry named an invalid tag or digest: " + e.getMessage(), e);
        }
    }
}
