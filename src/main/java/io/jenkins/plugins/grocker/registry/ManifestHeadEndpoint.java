package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.Optional;

/**
 * {@code HEAD /v2/<repo>/manifests/<reference>}: the descriptor of a manifest without its body; empty on 404.
 * A descriptor without digest header comes back with a null digest, for the caller to fetch the manifest.
 */
final class ManifestHeadEndpoint extends ManifestReadEndpoint<Optional<ManifestHeadEndpoint.Head>> {
    /** What the headers said; {@code digest} may be null. */
    record Head(String mediaType, Digest digest, long size) {}

    ManifestHeadEndpoint(ImageReference ref) {
        super(ref);
    }

    @Override
    String method() {
        return "HEAD";
    }

    @Override
    Optional<Head> handle(Response response) throws RegistryException {
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (response.status() != 200) {
            throw unexpected(response);
        }
        String digest = response.header("Docker-Content-Digest").orElse(null);
        if (digest != null && !Digest.isValid(digest)) {
            throw new RegistryException("registry " + registry() + " answered HEAD " + subject()
                    + " with an unsupported digest '" + digest + "' (only sha256 is supported)");
        }
        if (digest != null && Digest.isValid(reference()) && !digest.equals(reference())) {
            throw new RegistryException("registry " + registry() + " answered HEAD " + subject() + " with digest " + digest);
        }
        long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return Optional.of(new Head(MediaTypes.strip(response.header("Content-Type").orElse(null)), digest == null ? null : Digest.of(digest), size));
    }
}
