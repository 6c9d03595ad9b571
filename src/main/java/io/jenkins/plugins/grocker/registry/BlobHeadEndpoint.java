package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.util.Optional;

/** {@code HEAD /v2/<repo>/blobs/<digest>}: the blob's size when the repository has it, else empty (404). */
final class BlobHeadEndpoint extends BlobEndpoint<Optional<Long>> {
    BlobHeadEndpoint(String registry, String repository, Digest digest) {
        super(registry, repository, digest);
    }

    @Override
    String method() {
        return "HEAD";
    }

    @Override
    Optional<Long> handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            return Optional.empty();
        }
        requireOk(response);
        return Optional.of(response.headers().firstValueAsLong("Content-Length").orElse(-1));
    }
}
