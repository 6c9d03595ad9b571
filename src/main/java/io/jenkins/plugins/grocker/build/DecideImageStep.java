package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.io.IOException;
import java.util.Optional;

/**
 * Decides for one image on one platform whose {@code FROM} is known: renders its context, computes its key
 * ({@link ComputeKeyStep}), looks the key up ({@link FindCachedImageStep}) and says reuse or build, and why.
 * Changes nothing.
 */
final class DecideImageStep {
    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final boolean push;

    DecideImageStep(RegistryClient registry, ContainerEngine engine, boolean push) {
        this.registry = registry;
        this.engine = engine;
        this.push = push;
    }

    /**
     * @param from the base or parent pinned by digest (or by key tag without push), or {@code scratch}
     * @param rebuiltParent the parent's name when it was built in this run (the reason for building), else null
     */
    Decision call(BuildTarget target, Platform platform, String from, String rebuiltParent)
            throws GrockerException, IOException {
        BuildContext context = target.recipe().render(platform, from);
        CacheKey key = new ComputeKeyStep(context, platform, engine.info()).call();
        ImageReference keyTag = target.repository().withTag(key.tag());
        Optional<FindCachedImageStep.Found> found =
                new FindCachedImageStep(registry, engine, target.repository(), key, push).call();
        String endpoint = engine.endpoint();
        if (found.isEmpty()) {
            Reason reason = rebuiltParent != null ? Reason.parentRebuilt(rebuiltParent) : Reason.newKey(key.shortForm());
            return new Decision.Build(target, platform, key, keyTag, context, from, reason, endpoint);
        }
        FindCachedImageStep.Found hit = found.get();
        Reason reason = !push ? Reason.foundLocally(key.shortForm())
                : hit.manifest() != null ? Reason.foundInRegistry(key.shortForm(), target.repository().registry())
                : Reason.foundLocallyToPush(key.shortForm());
        return new Decision.Reuse(target, platform, key, keyTag, hit.manifest(), hit.imageId(), reason, endpoint, from);
    }
}
