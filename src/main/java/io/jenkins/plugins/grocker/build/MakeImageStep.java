package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.LockFile;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Makes one image the registry does not have yet (a {@link Decision.Build}, or a {@link Decision.Reuse} of an image
 * only the local engine has, when pushing), holding its key's lock on this machine ({@link KeyLocks}) from the first
 * look to the publication:
 * <ol>
 *   <li>looks the key up again ({@link FindCachedImageStep}): another build, on this machine or another, may have made
 *       it since the plan, or while this run waited for the lock; then that image is used;</li>
 *   <li>builds it ({@link BuildImageStep}) unless the local engine has it;</li>
 *   <li>when pushing, publishes it, first writer wins ({@link PublishImageStep}).</li>
 * </ol>
 * Reports the start (build or reuse, and why) and an adoption; the caller reports the end.
 */
final class MakeImageStep {
    private final ContainerEngine engine;
    private final RegistryClient registry;
    private final KeyLocks locks;
    private final BuildOptions options;
    private final RegistryAuth auth;
    private final BuildListener listener;
    private final String on;

    /** @param on how the engine is named in the start line ({@code " (on tcp://…)"}), or empty */
    MakeImageStep(ContainerEngine engine, RegistryClient registry, KeyLocks locks, BuildOptions options, RegistryAuth auth,
            BuildListener listener, String on) {
        this.engine = engine;
        this.registry = registry;
        this.locks = locks;
        this.options = options;
        this.auth = auth;
        this.listener = listener;
        this.on = on;
    }

    /** @param start when work on the image began ({@link System#nanoTime()}), for its duration */
    ImageBuild.Outcome call(Decision decision, long start) throws GrockerException, IOException {
        BuildTarget target = decision.target();
        Platform platform = decision.platform();
        CacheKey key = decision instanceof Decision.Build b ? b.key() : ((Decision.Reuse) decision).key();
        ImageReference keyTag = target.repository().withTag(key.tag());
        Consumer<String> output = line -> listener.on(new BuildEvent.Output(target.name(), platform, line));
        try (LockFile lock = locks.lock(key, target.name(), platform, listener)) {
            Optional<FindCachedImageStep.Found> found =
                    new FindCachedImageStep(registry, engine, target.repository(), key, options.push()).call();
            Descriptor published = found.map(FindCachedImageStep.Found::manifest).orElse(null);
            String imageId = found.map(FindCachedImageStep.Found::imageId).orElse(null);
            if (published != null) {
                Reason reason = Reason.madeMeanwhile(key.shortForm(), target.repository().registry());
                started(target, platform, Status.REUSE, reason);
                return outcome(decision, key, keyTag, Status.REUSED, reason, imageId, published, false, start);
            }
            Status status;
            Reason reason;
            if (imageId != null) {
                status = Status.REUSED;
                reason = decision instanceof Decision.Reuse r ? r.reason() : Reason.madeMeanwhile(key.shortForm(), "the local engine");
                started(target, platform, Status.REUSE, reason);
            } else if (decision instanceof Decision.Build build) {
                status = Status.BUILT;
                reason = build.reason();
                started(target, platform, Status.BUILD, reason);
                imageId = build(build, output);
            } else {
                throw new EngineException(keyTag + " left the local engine during the build (removed by someone); run the build again");
            }
            if (!options.push()) {
                return outcome(decision, key, keyTag, status, reason, imageId, null, false, start);
            }
            PublishImageStep.Published publication = new PublishImageStep(engine, registry, keyTag, imageId, auth, output).call();
            if (publication.adopted()) {
                Reason adopted = Reason.adopted(key.shortForm(), target.repository().registry());
                listener.on(new BuildEvent.Info("[" + target.name() + " " + platform + "] " + adopted + " ("
                        + publication.manifest().digest() + "); this build's own image of the key is not used"));
                return outcome(decision, key, keyTag, Status.REUSED, adopted, null, publication.manifest(), false, start);
            }
            if (decision instanceof Decision.Reuse) {
                reason = Reason.foundLocallyPushed(key.shortForm());
            }
            return outcome(decision, key, keyTag, status, reason, imageId, publication.manifest(), true, start);
        }
    }

    private void started(BuildTarget target, Platform platform, Status action, Reason reason) {
        listener.on(new BuildEvent.Started(target.name(), platform, action, reason + on));
    }

    /** Builds the context; a failure names the last problem the build's scripts reported ({@code grocker: …}). */
    private String build(Decision.Build build, Consumer<String> output) throws EngineException, IOException {
        Map<String, String> labels = new LinkedHashMap<>(options.labels());
        labels.put(ImageBuild.KEY_LABEL, build.key().hex());
        labels.put(ImageBuild.IMAGE_LABEL, build.target().name());
        labels.put(ImageBuild.FROM_LABEL, build.from());
        AtomicReference<String> lastProblem = new AtomicReference<>();
        Consumer<String> watching = line -> {
            if (line.startsWith("grocker: ")) {
                lastProblem.set(line.substring("grocker: ".length()).strip());
            }
            output.accept(line);
        };
        try {
            return new BuildImageStep(engine, build.context(), build.platform(), build.keyTag(), labels,
                    options.networkMode(), watching).call();
        } catch (EngineException e) {
            String problem = lastProblem.get();
            throw problem == null ? e : new EngineException(e.getMessage() + " (" + problem + ")", e);
        }
    }

    private ImageBuild.Outcome outcome(Decision decision, CacheKey key, ImageReference keyTag, Status status, Reason reason,
            String imageId, Descriptor manifest, boolean published, long start) {
        return new ImageBuild.Outcome(decision.platform(), key, status, reason, imageId, manifest, keyTag,
                (System.nanoTime() - start) / 1e9, engine.endpoint(), published);
    }
}
