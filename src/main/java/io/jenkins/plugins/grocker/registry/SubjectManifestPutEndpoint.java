package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;

/**
 * {@code PUT /v2/<repo>/manifests/<digest>} of a manifest that has a {@code subject}: returns whether the registry
 * processed the subject itself (its {@code OCI-Subject} answer header names the subject's digest, OCI distribution
 * 1.1), in which case the referrers API lists it and no referrers tag is needed.
 */
final class SubjectManifestPutEndpoint extends ManifestWriteEndpoint<Boolean> {
    private final Digest subjectDigest;

    SubjectManifestPutEndpoint(String registry, String repository, Manifest manifest, Digest subjectDigest) {
        super(registry, repository, manifest.digest().toString(), manifest);
        this.subjectDigest = subjectDigest;
    }

    @Override
    Boolean handle(Response response) throws RegistryException {
        checkStored(response);
        return response.header("OCI-Subject").map(subjectDigest.toString()::equals).orElse(false);
    }
}
