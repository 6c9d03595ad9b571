package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.util.Optional;

/** {@code HEAD /v2/<repo>/blobs/<digest>}: the blob's size when the repository has it, else empty (404). */
final class BlobHeadEndpoint extends Endpoint<Optional<Long>> {
    private final String digest;

    BlobHeadEndpoint(String registry, String repository, String digest) {
        super(registry, repository);
        this.digest = Digests.requireSha256(digest);
    }

    @Override
    String method() {
        return "HEAD";
    }

    @Override
    String path() {
        return "/v2/" + repository() + "/blobs/" + digest;
    }

    @Override
    boolean followRedirects() {
        return true;
    }

    @Override
    String subject() {
        return "blob " + repository() + "@" + digest;
    }

    @Override
    Optional<Long> handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        return Optional.of(response.headers().firstValueAsLong("Content-Length").orElse(-1));
    }
}
