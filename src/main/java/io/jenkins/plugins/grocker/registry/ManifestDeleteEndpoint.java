package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;

/**
 * {@code DELETE /v2/<repo>/manifests/<digest>}: true when deleted (202), false when the registry has no such
 * manifest (404). A registry that refuses deletion (405 {@code UNSUPPORTED}: distribution without
 * {@code storage.delete.enabled}) is an error that says so. Tags on the manifest go with it in distribution.
 */
final class ManifestDeleteEndpoint extends WriteEndpoint<Boolean> {
    private final Digest digest;

    ManifestDeleteEndpoint(String registry, String repository, Digest digest) {
        super(registry, repository);
        this.digest = digest;
    }

    @Override
    String method() {
        return "DELETE";
    }

    @Override
    String path() {
        return "/v2/" + repository() + "/manifests/" + digest;
    }

    /** Deleting what is already gone answers 404, which is a result: sending it again is harmless. */
    @Override
    boolean retryable() {
        return true;
    }

    @Override
    String scope() {
        // distribution's token auth wants the delete action; other registries take push for it
        return "repository:" + repository() + ":pull,push,delete";
    }

    @Override
    String subject() {
        return subject(repository(), digest.toString());
    }

    @Override
    Boolean handle(Response response) throws RegistryException {
        if (response.status() == 202 || response.status() == 200 || response.status() == 204) {
            return true;
        }
        if (response.status() == 404) {
            return false;
        }
        if (response.status() == 405) {
            String detail = errorDetail(response.body());
            throw new RegistryException("registry " + registry() + " refuses to delete " + subject() + " (HTTP 405"
                    + (detail.isEmpty() ? "" : " " + detail) + "): deletion is disabled on this registry "
                    + "(distribution: set storage.delete.enabled to true)", 405, null);
        }
        throw unexpected(response);
    }
}
