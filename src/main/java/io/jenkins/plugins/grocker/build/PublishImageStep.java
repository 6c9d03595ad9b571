package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Publishes one platform image under its key tag, first writer wins. Right before the push it looks the key up once
 * more: when another build published the key meanwhile, this image is not pushed and the registry's is adopted. After
 * the push it reads the key back: when another build's push of the same key landed after this one (a registry has no
 * compare-and-swap, so two pushes at the same moment both succeed and the last one stays), the registry's image is
 * adopted too. Either way the caller goes on with the image the registry holds.
 */
final class PublishImageStep {
    /**
     * @param manifest what the key tag names in the registry now
     * @param adopted whether that is another build's image rather than this one
     */
    record Published(Descriptor manifest, boolean adopted) {}

    private final ContainerEngine engine;
    private final RegistryClient registry;
    private final ImageReference keyTag;
    private final String imageId;
    private final RegistryAuth auth;
    private final Consumer<String> output;

    /** @param imageId the local image, named {@code keyTag} in the engine */
    PublishImageStep(ContainerEngine engine, RegistryClient registry, ImageReference keyTag, String imageId, RegistryAuth auth,
            Consumer<String> output) {
        this.engine = engine;
        this.registry = registry;
        this.keyTag = keyTag;
        this.imageId = imageId;
        this.auth = auth;
        this.output = output;
    }

    Published call() throws EngineException, RegistryException {
        Optional<Descriptor> before = registry.head(keyTag);
        if (before.isPresent()) {
            return new Published(before.get(), !isLocalImage(before.get()));
        }
        String pushed = engine.push(keyTag, auth, output);
        Descriptor after = registry.head(keyTag).orElseThrow(() -> new RegistryException(
                "registry " + keyTag.registry() + " does not show " + keyTag + " right after the engine pushed it"));
        boolean ours = pushed != null ? after.digest().toString().equals(pushed) : isLocalImage(after);
        return new Published(after, !ours);
    }

    /** Whether a manifest in the registry is the local image: an image's id is the digest of its config. */
    private boolean isLocalImage(Descriptor manifest) throws RegistryException {
        ImageManifest image = ImageManifest.read(registry.getManifest(keyTag.withDigest(manifest.digest())), keyTag.toString());
        return image.config().digest().toString().equals(imageId);
    }
}
