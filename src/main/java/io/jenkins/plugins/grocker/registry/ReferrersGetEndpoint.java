package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.util.Optional;

/**
 * {@code GET /v2/<repo>/referrers/<digest>} (OCI distribution 1.1), one page: an image index whose entries are
 * the manifests with that {@code subject}, and the next page. Empty when the registry has no referrers API
 * (404), so that the caller falls back to the referrers tag schema.
 */
final class ReferrersGetEndpoint extends Endpoint<Optional<ReferrersGetEndpoint.Page>> {
    record Page(Manifest index, Optional<String> next) {}

    private final Digest digest;
    private final String pathAndQuery;

    /** @param pathAndQuery the page to read, or null for the first one */
    ReferrersGetEndpoint(String registry, String repository, Digest digest, String pathAndQuery) {
        super(registry, repository);
        this.digest = digest;
        this.pathAndQuery = pathAndQuery != null ? pathAndQuery : "/v2/" + repository + "/referrers/" + digest;
    }

    @Override
    String method() {
        return "GET";
    }

    @Override
    String path() {
        return pathAndQuery;
    }

    @Override
    String accept() {
        return MediaTypes.OCI_INDEX;
    }

    @Override
    String subject() {
        return "the referrers of " + subject(repository(), digest.toString());
    }

    @Override
    Optional<Page> handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        String contentType = MediaTypes.strip(response.header("Content-Type").orElse(null));
        if (contentType != null && !contentType.equals(MediaTypes.OCI_INDEX)) {
            throw new RegistryException("registry " + registry() + " answered " + subject() + " with " + contentType
                    + ", not an OCI image index");
        }
        return Optional.of(new Page(Manifest.of(MediaTypes.OCI_INDEX, response.body()), Link.next(response)));
    }
}
