package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.time.Duration;

/**
 * {@code GET /v2/<repo>/blobs/<digest>}, following redirects (to storage that may live elsewhere); the bytes
 * must hash to the digest. Reads the blob into memory: meant for configs and small blobs.
 */
final class BlobGetEndpoint extends Endpoint<byte[]> {
    private final String digest;

    BlobGetEndpoint(String registry, String repository, String digest) {
        super(registry, repository);
        this.digest = Digests.requireSha256(digest);
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
    Duration timeout() {
        return BLOB_TIMEOUT;
    }

    @Override
    String subject() {
        return "blob " + repository() + "@" + digest;
    }

    @Override
    byte[] handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            throw new RegistryException(subject() + " not found in registry " + registry(), 404, null);
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        String actual = Digests.sha256(response.body());
        if (!actual.equals(digest)) {
            throw new RegistryException("registry " + registry() + " sent " + subject() + " whose content has digest "
                    + actual + "; refusing it");
        }
        return response.body();
    }
}
