package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.RegistryException;

/**
 * {@code PUT /v2/<repo>/manifests/<reference>} with the manifest's own bytes and media type. Returns the digest;
 * a {@code Docker-Content-Digest} answer that differs from the manifest's digest is an error.
 */
final class ManifestPutEndpoint extends WriteEndpoint<Digest> {
    private final String reference;
    private final Manifest manifest;

    ManifestPutEndpoint(String registry, String repository, String reference, Manifest manifest) {
        super(registry, repository);
        this.reference = reference;
        this.manifest = manifest;
    }

    @Override
    String method() {
        return "PUT";
    }

    @Override
    String path() {
        return "/v2/" + repository() + "/manifests/" + reference;
    }

    @Override
    byte[] body() {
        return manifest.bytes();
    }

    @Override
    String contentType() {
        return manifest.mediaType();
    }

    /** The same bytes under the same reference: sending them again gives the same result. */
    @Override
    boolean retryable() {
        return true;
    }

    @Override
    String subject() {
        return subject(repository(), reference);
    }

    @Override
    Digest handle(Response response) throws RegistryException {
        if (response.status() != 201 && response.status() != 200) {
            throw unexpected(response);
        }
        String digest = response.header("Docker-Content-Digest").orElse(manifest.digest().toString());
        if (!digest.equals(manifest.digest().toString())) {
            throw new RegistryException("registry " + registry() + " stored " + subject() + " under digest " + digest
                    + " but the manifest sent has digest " + manifest.digest());
        }
        return manifest.digest();
    }
}
