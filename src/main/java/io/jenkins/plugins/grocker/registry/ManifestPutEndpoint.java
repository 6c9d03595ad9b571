package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;

/**
 * {@code PUT /v2/<repo>/manifests/<reference>} with the manifest's own bytes and media type. Returns the digest;
 * a {@code Docker-Content-Digest} answer that differs from the manifest's digest is an error.
 */
final class ManifestPutEndpoint extends ManifestWriteEndpoint<Digest> {
    ManifestPutEndpoint(String registry, String repository, String reference, Manifest manifest) {
        super(registry, repository, reference, manifest);
    }

    @Override
    Digest handle(Response response) throws RegistryException {
        checkStored(response);
        return manifest.digest();
    }
}
