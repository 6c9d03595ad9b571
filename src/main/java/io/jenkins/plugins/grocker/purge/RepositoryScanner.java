package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageConfig;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryAdmin;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

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
    public Map<String, Digest> tags(ImageReference repo) throws RegistryException {
        Map<String, Digest> tags = new LinkedHashMap<>();
        for (String tag : admin.listTags(repo)) {
            Optional<Descriptor> head = client.head(ref(repo, tag));
            head.ifPresent(d -> tags.put(tag, d.digest())); // a tag deleted meanwhile is simply gone
        }
        return tags;
    }

    /** The repository as {@link PurgeSelection} needs it. */
    public RepositoryState scan(ImageReference repo) throws RegistryException {
        Map<String, Digest> tags = tags(repo);
        Map<Digest, RepositoryState.Node> nodes = new HashMap<>();
        for (Digest digest : new TreeSet<>(tags.values())) {
            Manifest manifest = client.getManifest(repo.withDigest(digest));
            String what = "manifest " + repo.repository() + "@" + digest;
            if (manifest.isIndex()) {
                nodes.put(digest, new RepositoryState.Node(digest,
                        ImageIndex.read(manifest, what).entries().stream().map(e -> e.descriptor().digest()).toList(), null, null));
                continue;
            }
            ImageManifest image = MediaTypes.isImageManifest(manifest.mediaType()) ? ImageManifest.read(manifest, what) : null;
            if (image != null && image.effectiveArtifactType() == null) {
                ImageConfig config = ImageConfig.read(client.getBlob(repo, image.config().digest()),
                        "config " + image.config().digest() + " of " + repo.repository() + "@" + digest);
                nodes.put(digest, new RepositoryState.Node(digest, List.of(), config.platform(), config.created()));
            } else {
                nodes.put(digest, new RepositoryState.Node(digest, List.of(), null, null));
            }
        }
        return new RepositoryState(repo.repository(), tags, nodes);
    }

    private static ImageReference ref(ImageReference repo, String tag) {
        try {
            return repo.withTag(tag);
        } catch (InputException e) {
            throw new IllegalStateException("the registry named an invalid tag: " + e.getMessage(), e);
        }
    }
}
