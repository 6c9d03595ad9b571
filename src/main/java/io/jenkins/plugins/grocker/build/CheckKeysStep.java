package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the key tag of every image of a run once more, after all of them are published, and returns those that name
 * another manifest than the run holds: another build pushed the same key at the same moment as this run, and the
 * registry kept the last write. A key tag that is gone (deleted during the run) is an error.
 *
 * @param <K> what the images are known by
 */
final class CheckKeysStep<K> {
    private final RegistryClient registry;
    private final Map<K, ImageBuild.Outcome> outcomes;

    /** @param outcomes published images (with a manifest) */
    CheckKeysStep(RegistryClient registry, Map<K, ImageBuild.Outcome> outcomes) {
        this.registry = registry;
        this.outcomes = outcomes;
    }

    /** The images whose key tag moved, with what it names now. */
    Map<K, Descriptor> call() throws RegistryException {
        Map<K, Descriptor> moved = new LinkedHashMap<>();
        for (Map.Entry<K, ImageBuild.Outcome> e : outcomes.entrySet()) {
            ImageBuild.Outcome o = e.getValue();
            Descriptor now = registry.head(o.keyTag()).orElseThrow(() -> new RegistryException(o.keyTag()
                    + " left the registry during the build (deleted by someone); run the build again"));
            if (!now.digest().equals(o.manifest().digest())) {
                moved.put(e.getKey(), now);
            }
        }
        return moved;
    }
}
