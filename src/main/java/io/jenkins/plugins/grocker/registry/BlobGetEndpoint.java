package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.time.Duration;

/**
 * {@code GET /v2/<repo>/blobs/<digest>}; the bytes must hash to the digest. Reads the blob into memory: meant
 * for configs and small blobs.
 */
final class BlobGetEndpoint extends BlobEndpoint<byte[]> {
    BlobGetEndpoint(String registry, String repository, Digest digest) {
        super(registry, repository, digest);
    }

    @Override
    String method() {
        return "GET";
    }

    @Override
    Duration timeout() {
        return BLOB_TIMEOUT;
    }

    @Override
    byte[] handle(Response response) throws RegistryException {
        requireOk(response);
        Digest actual = Digest.sha256(response.body());
        if (!actual.equals(digest())) {
            throw new RegistryException("registry " + registry() + " sent " + subject() + " whose content has digest "
                    + actual + "; refusing it");
        }
        return response.body();
    }
}
