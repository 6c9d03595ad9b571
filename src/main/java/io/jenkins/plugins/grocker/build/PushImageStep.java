package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.function.Consumer;

/**
 * Pushes one platform image under its key tag (a tag that only ever names that exact image) and reads
 * back its manifest descriptor from the registry.
 */
final class PushImageStep {
    private final ContainerEngine engine;
    private final RegistryClient registry;
    private final ImageReference keyTag;
    private final RegistryAuth auth;
    private final Consumer<String> output;

    PushImageStep(ContainerEngine engine, RegistryClient registry, ImageReference keyTag, RegistryAuth auth,
            Consumer<String> output) {
        this.engine = engine;
        this.registry = registry;
        this.keyTag = keyTag;
        this.auth = auth;
        this.output = output;
    }

    Descriptor call() throws EngineException, RegistryException {
        engine.push(keyTag, auth, output);
        return registry.head(keyTag).orElseThrow(() -> new RegistryException(
                "registry " + keyTag.registry() + " does not show " + keyTag + " right after the engine pushed it"));
    }
}
