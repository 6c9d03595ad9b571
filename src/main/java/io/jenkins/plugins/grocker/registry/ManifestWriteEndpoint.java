package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;

/**
 * {@code PUT /v2/<repo>/manifests/<reference>} with the manifest's own bytes and media type, where the reference is
 * a tag or the manifest's digest. Sending the same bytes under the same reference again gives the same result, so
 * the call is retried. Subclasses decide what a stored manifest answers, after {@link #checkStored}.
 *
 * @param <T> what a successful call returns
 */
abstract class ManifestWriteEndpoint<T> extends WriteEndpoint<T> {
    private final String reference;
    final Manifest manifest;

    ManifestWriteEndpoint(String registry, String repository, String reference, Manifest manifest) {
        super(registry, repository);
        this.reference = reference;
        this.manifest = manifest;
    }

    @Override
    final String method() {
        return "PUT";
    }

    @Override
    final String path() {
        return "/v2/" + repository() + "/manifests/" + reference;
    }

    @Override
    final byte[] body() {
        return manifest.bytes();
    }

    @Override
    final String contentType() {
        return manifest.mediaType();
    }

    @Override
    final boolean retryable() {
        return true;
    }

    @Override
    final String subject() {
        return subject(repository(), reference);
    }

    /**
     * Refuses an answer that is not a success, and one whose {@code Docker-Content-Digest} differs from the
     * manifest's digest (a registry that rewrote the bytes).
     */
    final void checkStored(Response response) throws RegistryException {
        if (response.status() != 201 && response.status() != 200) {
            throw unexpected(response);
        }
        String digest = response.header("Docker-Content-Digest").orElse(manifest.digest().toString());
        if (!digest.equals(manifest.digest().toString())) {
            throw new RegistryException("registry " + registry() + " stored " + subject() + " under digest " + digest
                    + " but the manifest sent has digest " + manifest.digest());
        }
    }
}
