package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.net.URI;

/** {@code POST /v2/<repo>/blobs/uploads/}: opens an upload session; returns its URL (the {@code Location}). */
final class BlobUploadStartEndpoint extends UploadSessionEndpoint<URI> {
    BlobUploadStartEndpoint(String registry, String repository) {
        super(registry, repository);
    }

    @Override
    String subject() {
        return "an upload to " + repository();
    }

    @Override
    URI handle(Response response) throws RegistryException {
        if (response.status() != 202) {
            throw unexpected(response);
        }
        String location = response.header("Location").orElse(null);
        if (location == null) {
            throw new RegistryException("registry " + registry() + " opened " + subject() + " without a Location", 202, null);
        }
        try {
            return response.uri().resolve(location);
        } catch (IllegalArgumentException e) {
            throw new RegistryException("registry " + registry() + " opened " + subject() + " at an invalid Location", 202, null);
        }
    }
}
