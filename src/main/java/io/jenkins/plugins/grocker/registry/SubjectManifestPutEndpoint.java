package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;

/**
 * {@code PUT /v2/<repo>/manifests/<digest>} of a manifest that has a {@code subject}: returns whether the registry
 * processed the subject itself (its {@code OCI-Subject} answer header names the subject's digest, OCI distribution
 * 1.1), in which case the referrers API lists it and no referrers tag is needed.
 */
final class SubjectManifestPutEndpoint extends WriteEndpoint<Boolean> {
    private final Manifest manifest;
    private final Digest subjectDigest;

    SubjectManifestPutEndpoint(String registry, String repository, Manifest manifest, Digest subjectDigest) {
        super(registry, repository);
        this.manifest = manifest;
        this.subjectDigest = subjectDigest;
    }

    @Override
    String method() {
        return "PUT";
    }

    @Override
    String path() {
        return "/v2/" + repository() + "/manifests/" + manifest.digest();
    }

    @Override
    byte[] body() {
        return manifest.bytes();
    }

    @Override
    String contentType() {
        return manifest.mediaType();
    }

    /** The same bytes under their own digest: sending them again gives the same result. */
    @Override
    boolean retryable() {
        return true;
    }

    @Override
    String subject() {
        return subject(repository(), manifest.digest().toString());
    }

    @Override
    Boolean handle(Response response) throws RegistryException {
        if (response.status() != 201 && response.status() != 200) {
            throw unexpected(response);
        }
        String stored = response.header("Docker-Content-Digest").orElse(manifest.digest().toString());
        if (!stored.equals(manifest.digest().toString())) {
            throw new RegistryException("registry " + registry() + " stored " + subject() + " under digest " + stored);
        }
        return response.header("OCI-Subject").map(subjectDigest.toString()::equals).orElse(false);
    }
}
