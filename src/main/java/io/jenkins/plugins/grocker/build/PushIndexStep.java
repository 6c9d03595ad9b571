package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.util.List;
import java.util.Map;

/**
 * Pushes an OCI image index over an image's platform manifests, by digest only (no tag): the children are
 * already in the repository, and tags are moved later, after every image of the run is complete.
 */
final class PushIndexStep {
    private final RegistryClient registry;
    private final ImageReference repository;
    private final List<Map.Entry<Platform, Descriptor>> children;

    PushIndexStep(RegistryClient registry, ImageReference repository, List<Map.Entry<Platform, Descriptor>> children) {
        this.registry = registry;
        this.repository = repository;
        this.children = children;
    }

    Manifest call() throws RegistryException {
        Manifest index = ImageIndex.create(children, Map.of());
        registry.putManifest(repository, index);
        return index;
    }
}
