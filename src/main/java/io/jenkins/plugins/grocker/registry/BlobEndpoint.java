package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.util.Objects;

/**
 * A call on {@code /v2/<repo>/blobs/<digest>}: the path, the subject named in messages, and the redirects blob
 * reads follow (registries may send them to storage elsewhere). Subclasses say the method and map the answer.
 *
 * @param <T> what a successful call returns
 */
abstract class BlobEndpoint<T> extends Endpoint<T> {
    private final Digest digest;

    BlobEndpoint(String registry, String repository, Digest digest) {
        super(registry, repository);
        this.digest = Objects.requireNonNull(digest, "digest");
    }

    final Digest digest() {
        return digest;
    }

    @Override
    final String path() {
        return "/v2/" + repository() + "/blobs/" + digest;
    }

    @Override
    final boolean followRedirects() {
        return true;
    }

    @Override
    final String subject() {
        return "blob " + repository() + "@" + digest;
    }

    /** The error for a 404: the blob is not in this repository. */
    final RegistryException notFound() {
        return new RegistryException(subject() + " not found in registry " + registry(), 404, null);
    }

    /** Fails unless the answer is 200: 404 as {@link #notFound()}, anything else as {@link #unexpected}. */
    final void requireOk(Response response) throws RegistryException {
        if (response.status() == 404) {
            throw notFound();
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
    }
}
