package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;

/**
 * {@code GET /v2/<repo>/manifests/<reference>} accepting indexes, manifest lists and image manifests. The bytes
 * must hash to the {@code Docker-Content-Digest} header and, when asked for by digest, to that digest. 404 is
 * an error naming the reference.
 */
final class ManifestGetEndpoint extends ManifestReadEndpoint<Manifest> {
    ManifestGetEndpoint(ImageReference ref) {
        super(ref);
    }

    @Override
    String method() {
        return "GET";
    }

    @Override
    Manifest handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            throw new RegistryException(subject() + " not found in registry " + registry(), 404, null);
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        byte[] bytes = response.body();
        Digest actual = Digest.sha256(bytes);
        String announced = response.header("Docker-Content-Digest").orElse(null);
        if (announced != null && !announced.equals(actual.toString())) {
            throw new RegistryException("registry " + registry() + " sent a manifest for " + subject() + " whose content ("
                    + actual + ") does not match its Docker-Content-Digest " + announced + "; refusing it");
        }
        if (Digest.isValid(reference()) && !reference().equals(actual.toString())) {
            throw new RegistryException("registry " + registry() + " sent a manifest for " + subject()
                    + " whose content has digest " + actual + "; refusing it");
        }
        return Manifest.of(mediaType(response, bytes), bytes);
    }

    /** The Content-Type when it is a manifest type, else the {@code mediaType} field, else a guess from the shape. */
    private String mediaType(Response response, byte[] bytes) throws RegistryException {
        String contentType = MediaTypes.strip(response.header("Content-Type").orElse(null));
        if (MediaTypes.MANIFEST_TYPES.contains(contentType)) {
            return contentType;
        }
        JsonNode json = Json.readObject(bytes, "manifest " + subject() + " from registry " + registry());
        String field = Json.text(json, "mediaType");
        if (field != null) {
            return field;
        }
        if (json.path("schemaVersion").asInt() != 2) {
            throw new RegistryException("manifest " + subject() + " from registry " + registry()
                    + " is not a schema 2 manifest (Content-Type " + contentType + ")");
        }
        return json.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
}
