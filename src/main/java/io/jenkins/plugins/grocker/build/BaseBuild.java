package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import io.jenkins.plugins.grocker.docker.EngineInfo;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.dockerfile.DockerfileRenderer;
import io.jenkins.plugins.grocker.plan.BuildGraph;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageReference;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.spec.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a hierarchy spec: for every image and platform, parents first and independent images at the same
 * time (at most {@code jobs} at once), it renders the build context, computes the cache key, reuses an image
 * with that key or builds and pushes one; then it pushes one index per image; then, only when every image
 * succeeded, it moves the tags. A failure before the tags leaves every tag where it was.
 *
 * <p>Also answers {@link #plan()}: the same walk without building, pushing or tagging.
 *
 * <p>One instance runs once; not thread-safe.
 */
public final class BaseBuild {
    public static final String KEY_LABEL = "io.grocker.key";
    public static final String IMAGE_LABEL = "io.grocker.image";

    private final HierarchySpec spec;
    private final BuildOptions options;
    private final Engines engines;
    private final RegistryClient registry;
    private final Credentials credentials;
    private final BuildListener listener;
    private final ContextRenderer renderer;
    private final AtomicBoolean failed = new AtomicBoolean();

    public BaseBuild(HierarchySpec spec, BuildOptions options, DockerEngine engine, RegistryClient registry,
            Credentials credentials, BuildListener listener) {
        this(spec, options, Engines.single(engine), registry, credentials, listener, new DockerfileRenderer()::render);
    }

    /** A build whose platforms may each go to an engine of their own. */
    public BaseBuild(HierarchySpec spec, BuildOptions options, Engines engines, RegistryClient registry,
            Credentials credentials, BuildListener listener) {
        this(spec, options, engines, registry, credentials, listener, new DockerfileRenderer()::render);
    }

    /** A build whose contexts come from {@code renderer} instead of the base-image template. */
    public BaseBuild(HierarchySpec spec, BuildOptions options, Engines engines, RegistryClient registry,
            Credentials credentials, BuildListener listener, ContextRenderer renderer) {
        this.renderer = renderer;
        this.spec = spec;
        this.options = options;
        this.engines = engines;
        this.registry = registry;
        this.credentials = credentials;
        this.listener = listener;
    }

    /** Builds, pushes and tags. */
    public BuildResult run() throws GrockerException {
        return walk(false);
    }

    /** Says, for each image and platform, whether it would be built or reused, and why. Changes nothing. */
    public BuildResult plan() throws GrockerException {
        return walk(true);
    }

    /** The result of one image on one platform. */
    private record Outcome(Platform platform, CacheKey key, String status, String reason, String imageId,
            Descriptor manifest, String keyTag, double seconds, String engine) {
        boolean planned() {
            return status.equals("build") || status.equals("reuse");
        }
    }

    private BuildResult walk(boolean dryRun) throws GrockerException {
        BuildGraph graph = BuildGraph.of(spec);
        EngineInfo info = engines.defaultEngine().info();
        Map<String, List<Platform>> platforms = selectPlatforms(graph, nativePlatform(info));
        Map<String, ImageReference> repositories = new LinkedHashMap<>();
        for (ImageSpec image : spec.images()) {
            try {
                repositories.put(image.name(), ImageReference.parse(spec.repository(image)));
            } catch (InputException e) {
                throw new InputException(spec.file() + ": image '" + image.name() + "': field 'name': " + e.getMessage());
            }
        }
        if (options.push()) {
            registry.ping(repositories.values().iterator().next().registry());
        }
        Map<String, Map<Platform, String>> bases = new LinkedHashMap<>();
        for (ImageSpec image : spec.images()) {
            if (image.from() != null && !image.isScratch()) {
                bases.put(image.name(), new ResolveBaseStep(registry, spec, image, platforms.get(image.name())).call());
            }
        }

        ExecutorService executor = Executors.newFixedThreadPool(options.jobs());
        Map<String, Map<Platform, CompletableFuture<Outcome>>> futures = new LinkedHashMap<>();
        try {
            for (String name : graph.order()) {
                ImageSpec image = graph.image(name);
                Map<Platform, CompletableFuture<Outcome>> perPlatform = new LinkedHashMap<>();
                for (Platform p : platforms.get(name)) {
                    CompletableFuture<Outcome> parent = image.parent() == null
                            ? CompletableFuture.completedFuture(null)
                            : futures.get(image.parent()).get(p);
                    perPlatform.put(p, parent.thenApplyAsync(parentOutcome -> {
                        try {
                            return runPlatform(image, p, parentOutcome, repositories, bases, dryRun);
                        } catch (GrockerException | IOException e) {
                            failed.set(true);
                            throw new CompletionException(e);
                        }
                    }, executor));
                }
                futures.put(name, perPlatform);
            }
            Map<String, Map<Platform, Outcome>> outcomes = await(futures);
            return finish(graph, outcomes, repositories, info, dryRun);
        } finally {
            executor.shutdownNow();
        }
    }

    private Map<String, Map<Platform, Outcome>> await(Map<String, Map<Platform, CompletableFuture<Outcome>>> futures)
            throws GrockerException {
        Map<String, Map<Platform, Outcome>> outcomes = new LinkedHashMap<>();
        GrockerException first = null;
        for (var image : futures.entrySet()) {
            Map<Platform, Outcome> done = new LinkedHashMap<>();
            for (var platform : image.getValue().entrySet()) {
                try {
                    done.put(platform.getKey(), platform.getValue().get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                    if (cause instanceof Cancelled) {
                        continue;
                    }
                    if (first == null) {
                        first = cause instanceof GrockerException g ? g
                                : new EngineException("building " + image.getKey() + " for " + platform.getKey()
                                        + " failed: " + cause, cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineException("interrupted while building " + image.getKey());
                }
            }
            outcomes.put(image.getKey(), done);
        }
        if (first != null) {
            throw first;
        }
        return outcomes;
    }

    /** Marks work skipped because another image failed first. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private Outcome runPlatform(ImageSpec image, Platform platform, Outcome parent, Map<String, ImageReference> repositories,
            Map<String, Map<Platform, String>> bases, boolean dryRun) throws GrockerException, IOException {
        if (failed.get()) {
            throw new Cancelled();
        }
        DockerEngine engine = engines.forPlatform(platform);
        EngineInfo info = engine.info();
        String on = engines.distributed() ? " (on " + engine.endpoint() + ")" : "";
        long start = System.nanoTime();
        ImageReference repository = repositories.get(image.name());
        String from;
        if (image.isScratch()) {
            from = ImageSpec.SCRATCH;
        } else if (image.parent() == null) {
            from = bases.get(image.name()).get(platform);
        } else if (parent.planned() && parent.manifest() == null && parent.imageId() == null) {
            return new Outcome(platform, null, "build", "parent '" + image.parent() + "' will be built", null, null,
                    null, 0, engine.endpoint());
        } else if (options.push()) {
            from = repositories.get(image.parent()).name() + "@" + parent.manifest().digest();
        } else {
            from = parent.keyTag();
        }
        BuildContext context = renderer.render(spec, image, platform, from);
        CacheKey key = new ComputeKeyStep(context, platform, info).call();
        ImageReference keyTag = repository.withTag(key.tag());
        Optional<FindCachedImageStep.Found> found =
                new FindCachedImageStep(registry, engine, repository, key, options.push()).call();

        if (dryRun) {
            if (found.isPresent() && (!options.push() || found.get().manifest() != null)) {
                String where = found.get().manifest() != null ? "registry" : "local engine";
                return new Outcome(platform, key, "reuse", "key " + key.shortForm() + " found in the " + where,
                        found.get().imageId(), found.get().manifest(), keyTag.toString(), 0, engine.endpoint());
            }
            String reason = found.isPresent() ? "key " + key.shortForm() + " found in the local engine; it will be pushed"
                    : "no image with key " + key.shortForm() + " yet";
            return new Outcome(platform, key, found.isPresent() ? "reuse" : "build", reason,
                    found.map(FindCachedImageStep.Found::imageId).orElse(null), null,
                    found.isPresent() ? keyTag.toString() : null, 0, engine.endpoint());
        }

        Consumer<String> output = line -> listener.on(new BuildEvent.Output(image.name(), platform, line));
        if (found.isPresent()) {
            FindCachedImageStep.Found hit = found.get();
            Descriptor manifest = hit.manifest();
            String reason;
            if (!options.push()) {
                reason = "key " + key.shortForm() + " found in the local engine";
            } else if (manifest != null) {
                reason = "key " + key.shortForm() + " found in " + repository.registry();
            } else {
                reason = "key " + key.shortForm() + " found in the local engine; pushed";
            }
            listener.on(new BuildEvent.Started(image.name(), platform, "reuse", reason + on));
            if (options.push() && manifest == null) {
                manifest = new PushImageStep(engine, registry, keyTag, auth(repository), output).call();
            }
            double seconds = seconds(start);
            listener.on(new BuildEvent.Finished(image.name(), platform, "reused",
                    manifest != null ? manifest.digest() : hit.imageId(), seconds));
            return new Outcome(platform, key, "reused", reason, hit.imageId(), manifest, keyTag.toString(), seconds, engine.endpoint());
        }

        String reason = image.parent() != null && parent.status().equals("built")
                ? "parent '" + image.parent() + "' was rebuilt" : "no image with key " + key.shortForm() + " yet";
        listener.on(new BuildEvent.Started(image.name(), platform, "build", reason + on));
        Map<String, String> labels = new LinkedHashMap<>(options.labels());
        labels.put(KEY_LABEL, key.hex());
        labels.put(IMAGE_LABEL, image.name());
        AtomicReference<String> lastProblem = new AtomicReference<>();
        Consumer<String> watching = line -> {
            if (line.startsWith("grocker: ")) {
                lastProblem.set(line.substring("grocker: ".length()).strip());
            }
            output.accept(line);
        };
        String imageId;
        try {
            imageId = new BuildImageStep(engine, context, platform, keyTag, labels, options.networkMode(), watching).call();
        } catch (EngineException e) {
            String problem = lastProblem.get();
            throw problem == null ? e : new EngineException(e.getMessage() + " (" + problem + ")", e);
        }
        Descriptor manifest = options.push() ? new PushImageStep(engine, registry, keyTag, auth(repository), output).call() : null;
        double seconds = seconds(start);
        listener.on(new BuildEvent.Finished(image.name(), platform, "built", manifest != null ? manifest.digest() : imageId,
                seconds));
        return new Outcome(platform, key, "built", reason, imageId, manifest, keyTag.toString(), seconds, engine.endpoint());
    }

    private BuildResult finish(BuildGraph graph, Map<String, Map<Platform, Outcome>> outcomes,
            Map<String, ImageReference> repositories, EngineInfo info, boolean dryRun) throws GrockerException {
        Map<String, Manifest> indexes = new LinkedHashMap<>();
        if (options.push() && !dryRun) {
            for (String name : graph.order()) {
                List<Map.Entry<Platform, Descriptor>> children = new ArrayList<>();
                outcomes.get(name).forEach((p, o) -> children.add(Map.entry(p, o.manifest())));
                Manifest index = new PushIndexStep(registry, repositories.get(name), children).call();
                indexes.put(name, index);
                listener.on(new BuildEvent.Info("pushed index " + repositories.get(name).name() + "@" + index.digest()));
            }
        }
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (String name : graph.order()) {
            ImageSpec image = graph.image(name);
            ImageReference repository = repositories.get(name);
            List<String> applied = new ArrayList<>();
            for (String tag : image.tags()) {
                ImageReference target = repository.withTag(tag);
                if (dryRun) {
                    applied.add(target.toString());
                } else if (options.push() && !options.moveTags()) {
                    listener.on(new BuildEvent.Info("not tagged (left to grocker index): " + target));
                    applied.add(target.toString());
                } else if (options.push()) {
                    boolean moved = new TagImageStep(registry, target, indexes.get(name)).call();
                    listener.on(new BuildEvent.Info((moved ? "tagged " : "unchanged ") + target));
                    applied.add(target.toString());
                } else {
                    Outcome local = outcomes.get(name).get(nativePlatform(info));
                    if (local != null && local.imageId() != null) {
                        engines.defaultEngine().tag(local.imageId(), target);
                        listener.on(new BuildEvent.Info("tagged " + target + " in the local engine (" + local.platform() + ")"));
                        applied.add(target.toString());
                    }
                }
            }
            tags.put(name, applied);
        }
        List<BuildResult.ImageResult> images = new ArrayList<>();
        for (String name : graph.order()) {
            ImageSpec image = graph.image(name);
            List<BuildResult.PlatformResult> platformResults = new ArrayList<>();
            boolean anyBuilt = false;
            for (Outcome o : outcomes.get(name).values()) {
                anyBuilt |= o.status().equals("built") || o.status().equals("build");
                platformResults.add(new BuildResult.PlatformResult(o.platform().toString(),
                        o.manifest() == null ? null : o.manifest().digest(), o.imageId(),
                        o.key() == null ? null : o.key().hex(), o.status(), o.reason(), round(o.seconds()), o.engine()));
            }
            Manifest index = indexes.get(name);
            String status = dryRun ? (anyBuilt ? "build" : "reuse") : anyBuilt ? "built" : "reused";
            images.add(new BuildResult.ImageResult(name, repositories.get(name).name(), image.parent(), image.from(), status,
                    index == null ? null : new BuildResult.IndexResult(index.digest(), MediaTypes.OCI_INDEX, index.bytes().length),
                    tags.get(name), platformResults));
        }
        return new BuildResult(String.valueOf(spec.file()), options.push() && !dryRun, images);
    }

    private Map<String, List<Platform>> selectPlatforms(BuildGraph graph, Platform nativePlatform) throws InputException {
        Map<String, List<Platform>> selected = new LinkedHashMap<>();
        for (String name : graph.order()) {
            ImageSpec image = graph.image(name);
            List<Platform> declared = spec.declaredPlatforms(image);
            List<Platform> chosen;
            if (!options.platforms().isEmpty()) {
                for (Platform p : options.platforms()) {
                    if (!declared.isEmpty() && !declared.contains(p)) {
                        throw new InputException("--platform " + p + ": image '" + name + "' of " + spec.file()
                                + " is declared for " + declared + " only");
                    }
                }
                chosen = options.platforms();
            } else if (!declared.isEmpty()) {
                chosen = declared;
            } else {
                chosen = List.of(nativePlatform);
            }
            if (image.parent() != null) {
                List<Platform> parentPlatforms = selected.get(image.parent());
                for (Platform p : chosen) {
                    if (!parentPlatforms.contains(p)) {
                        throw new InputException(spec.file() + ": image '" + name + "': field 'platforms': " + p
                                + " is not built for parent '" + image.parent() + "' (" + parentPlatforms + ")");
                    }
                }
            }
            if (image.isScratch()) {
                for (Platform p : chosen) {
                    if (!image.rootfs().containsKey(p)) {
                        throw new InputException(spec.file() + ": image '" + name + "': field 'rootfs': has no root filesystem for " + p);
                    }
                    if (!java.nio.file.Files.isRegularFile(image.rootfs().get(p))) {
                        throw new InputException(spec.file() + ": image '" + name + "': field 'rootfs." + p + "': "
                                + image.rootfs().get(p) + " does not exist");
                    }
                }
            }
            selected.put(name, chosen);
        }
        return selected;
    }

    /** The engine's own platform, in OCI names. */
    static Platform nativePlatform(EngineInfo info) {
        String arch = switch (info.architecture()) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> info.architecture();
        };
        return Platform.of(info.os() == null || info.os().isBlank() ? "linux" : info.os().toLowerCase(), arch, null);
    }

    private RegistryAuth auth(ImageReference repository) {
        return credentials.lookup(repository.registry())
                .map(c -> new RegistryAuth(repository.registry(), c.username(), c.password()))
                .orElse(null);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
