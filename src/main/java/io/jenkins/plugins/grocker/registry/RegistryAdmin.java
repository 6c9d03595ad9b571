package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Housekeeping calls of the distribution API that building and promoting never make: listing a repository's tags
 * (every page) and deleting manifests. Thread-safe as {@link RegistryClient} is.
 */
public final class RegistryAdmin {
    private static final int MAX_PAGES = 10_000;

    private final RegistryClient client;

    public RegistryAdmin(RegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Every tag of {@code repo}'s repository, in the registry's order (not necessarily sorted).
     *
     * @throws RegistryException with status 404 when the registry does not know the repository
     */
    public List<String> listTags(ImageReference repo) throws RegistryException {
        List<String> tags = new ArrayList<>();
        String page = null;
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            TagsListEndpoint.Page answer = client.transport().call(new TagsListEndpoint(repo.registry(), repo.repository(), page));
            tags.addAll(answer.tags());
            if (answer.next().isEmpty() || answer.next().get().equals(page)) {
                return tags;
            }
            page = answer.next().get();
        }
        throw new RegistryException("registry " + repo.registry() + " sent more than " + MAX_PAGES + " pages of tags for "
                + repo.repository());
    }

    /**
     * Deletes the manifest {@code digest} of {@code repo}'s repository (in distribution, with every tag on it; its
     * blobs stay until the registry's garbage collection).
     *
     * @return false when the repository had no such manifest
     * @throws RegistryException with status 405 and a message saying so when the registry refuses deletion
     */
    public boolean deleteManifest(ImageReference repo, Digest digest) throws RegistryException {
        return client.transport().call(new ManifestDeleteEndpoint(repo.registry(), repo.repository(), digest));
    }
}
