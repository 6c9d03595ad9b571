package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;

/**
 * Puts the source's manifests into one target repository by digest, with their exact bytes: every child first,
 * then the root (an index only ever names manifests that are already there). No tag is written here.
 */
final class PushManifestsStep {
    private final RegistryClient registry;
    private final SourceImage source;
    private final ImageReference repository;

    PushManifestsStep(RegistryClient registry, SourceImage source, ImageReference repository) {
        this.registry = registry;
        this.source = source;
        this.repository = repository;
    }

    /** @return the number of manifests put */
    int call() throws GrockerException {
        for (Manifest child : source.children()) {
            registry.putManifest(repository, child);
        }
        registry.putManifest(repository, source.root());
        return source.children().size() + 1;
    }
}
