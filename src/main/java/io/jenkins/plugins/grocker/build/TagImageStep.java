package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.Optional;

/** Points one tag at a complete index (the same bytes, so the same digest). Returns whether the tag moved. */
final class TagImageStep {
    private final RegistryClient registry;
    private final ImageReference target;
    private final Manifest index;

    TagImageStep(RegistryClient registry, ImageReference target, Manifest index) {
        this.registry = registry;
        this.target = target;
        this.index = index;
    }

    boolean call() throws RegistryException {
        Optional<Descriptor> current = registry.head(target);
        if (current.isPresent() && current.get().digest().equals(index.digest())) {
            return false;
        }
        registry.putManifest(target, target.tag(), index);
        return true;
    }
}
