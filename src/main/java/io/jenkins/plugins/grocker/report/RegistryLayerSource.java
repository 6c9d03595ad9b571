package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.List;
import java.util.Objects;

/** {@link LayerSource} on the registry client: the {@code layers} of the manifest, or nothing when it cannot be read. Thread-safe. */
public final class RegistryLayerSource implements LayerSource {
    private final RegistryClient client;

    public RegistryLayerSource(RegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public List<Layer> layers(String repository, Digest digest) {
        try {
            ImageReference ref = ImageReference.parse(repository).withDigest(digest);
            ImageManifest parts = ImageManifest.read(client.getManifest(ref), "manifest " + ref);
            return parts.layers().stream().map(d -> new Layer(d.digest(), d.size())).toList();
        } catch (GrockerException e) {
            return List.of();
        }
    }
}
