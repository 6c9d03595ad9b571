package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.Optional;

/**
 * Looks for an image with the given key: in the registry (tag {@code gk-<key>} of the image's repository)
 * when pushing, and in the local engine (the same tag) in any case.
 */
final class FindCachedImageStep {
    /** Where a cached image was found: its manifest in the registry and/or its id in the engine. */
    record Found(Descriptor manifest, String imageId) {}

    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final ImageReference repository;
    private final CacheKey key;
    private final boolean checkRegistry;

    FindCachedImageStep(RegistryClient registry, ContainerEngine engine, ImageReference repository, CacheKey key,
            boolean checkRegistry) {
        this.registry = registry;
        this.engine = engine;
        this.repository = repository;
        this.key = key;
        this.checkRegistry = checkRegistry;
    }

    Optional<Found> call() throws RegistryException, EngineException, InputException {
        ImageReference keyTag = repository.withTag(key.tag());
        Descriptor remote = checkRegistry ? registry.head(keyTag).orElse(null) : null;
        String local = engine.inspect(keyTag.toString())
                .filter(d -> key.hex().equals(d.labels().get(ImageBuild.KEY_LABEL)))
                .map(ImageDetails::id)
                .orElse(null);
        return remote == null && local == null ? Optional.empty() : Optional.of(new Found(remote, local));
    }
}
