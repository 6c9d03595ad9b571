package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code GET /v2/<repo>/blobs/<digest>} as a stream (following redirects to storage elsewhere): the caller reads
 * and closes it; the bytes are hashed on the way ({@link BlobStream}).
 */
final class BlobStreamEndpoint extends Endpoint<BlobStream> {
    private final String digest;
    private final LongAdder counter;

    BlobStreamEndpoint(String registry, String repository, String digest, LongAdder counter) {
        super(registry, repository);
        this.digest = Digests.requireSha256(digest);
        this.counter = counter;
    }

    @Override
    String method() {
        return "GET";
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
    boolean streaming() {
        return true;
    }

    @Override
    Duration timeout() {
        return BLOB_TIMEOUT;
    }

    @Override
    String subject() {
        return "blob " + repository() + "@" + digest;
    }

    @Override
    BlobStream handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            throw new RegistryException(subject() + " not found in registry " + registry(), 404, null);
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new BlobStream(response.stream(), digest, size, subject() + " from registry " + registry(), counter);
    }
}
