package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code GET /v2/<repo>/blobs/<digest>} as a stream: the caller reads and closes it; the bytes are hashed on the
 * way ({@link BlobStream}).
 */
final class BlobStreamEndpoint extends BlobEndpoint<BlobStream> {
    private final LongAdder counter;

    BlobStreamEndpoint(String registry, String repository, Digest digest, LongAdder counter) {
        super(registry, repository, digest);
        this.counter = counter;
    }

    @Override
    String method() {
        return "GET";
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
    BlobStream handle(Response response) throws RegistryException {
        requireOk(response);
        long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new BlobStream(response.stream(), digest(), size, subject() + " from registry " + registry(), counter);
    }
}
