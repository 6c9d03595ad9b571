package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import io.jenkins.plugins.grocker.scan.ScanRequest;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.time.Instant;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.Parallel;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.EngineInfo;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.BuildGraph;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds a set of {@link BuildTarget}s in two phases. {@link #plan()} decides, changing nothing: it resolves every
 * external base to one digest per platform, then for every target and platform, parents first, renders the
 * context, computes the key and looks it up ({@link Decision}). {@link #run(BuildPlan)} carries the decisions out:
 * parents first and independent images at the same time (at most {@code jobs} at once), it reuses, or makes
 * ({@link MakeImageStep}: under the key's lock on this machine, looked up again, built, published first writer wins)
 * each image, deciding the children of rebuilt parents once their digest is known, and, with a {@link RunInfo},
 * attaches to each image it published an SBOM and a provenance record ({@link AttachArtifactsStep}); then it reads every
 * key back ({@link CheckKeysStep}) and moves onto what the registry holds; then it pushes one index per target; then
 * the scan gate, when there is a scanner, runs on every image and platform (a refusal is a
 * {@link io.jenkins.plugins.grocker.ScanException} carrying the result); then, only when every image succeeded and
 * passed, it moves the tags ({@link TagImagesStep}). A failure before the tags leaves every tag where it was. Other runs of the same images, on this machine or others, may go on at the same time: see
 * {@code docs/architecture.md}, "Concurrent runs".
 *
 * <p>Both hierarchy images ({@link BaseBuild}) and application images (the compiler of {@link CompileBuild}, the
 * runner of {@link RunnerBuild}) are built here. One instance may plan and run once; not thread-safe.
 */
public final class ImageBuild {
    /** Label holding the cache key of an image this project built. */
    public static final String KEY_LABEL = "io.grocker.key";
    /** Label holding the name of the image in its spec. */
    public static final String IMAGE_LABEL = "io.grocker.image";
    /** Label holding what the image was built on: the parent or base pinned by digest, or {@code scratch}. */
    public static final String FROM_LABEL = "io.grocker.from";
    /** How many times a run moves onto keys that other builds published at the same moment before it gives up. */
    static final int SETTLE_ROUNDS = 3;

    private final String origin;
    private final List<BuildTarget> targets;
    private final BuildOptions options;
    private final Engines engines;
    private final RegistryClient registry;
    private final Credentials credentials;
    private final BuildListener listener;
    private final KeyLocks locks;
    /** The images the result shows, in this order; empty for every image, parents first. */
    private List<String> shown = List.of();

    /**
     * @param origin the spec file, for the result
     * @param targets parents may come after their children here; the graph orders them
     */
    public ImageBuild(String origin, List<BuildTarget> targets, BuildOptions options, BuildServices services) {
        this.origin = origin;
        this.targets = List.copyOf(targets);
        this.options = options;
        this.engines = services.engines();
        this.registry = services.registry();
        this.credentials = services.credentials();
        this.listener = services.listener();
        this.locks = services.locks();
    }

    /**
     * Shows only these images in the result, in this order, and pushes an index and moves tags for them only; the
     * others are built (or reused) and pushed under their key tags as usual, for the shown ones to be built on.
     * Returns this.
     */
    public ImageBuild showing(List<String> names) {
        if (names.isEmpty() || !targets.stream().map(BuildTarget::name).toList().containsAll(names)) {
            throw new IllegalArgumentException("showing " + names + ": not names of the targets");
        }
        this.shown = List.copyOf(names);
        return this;
    }

    /** Plans, then runs the plan. */
    public BuildResult run() throws GrockerException {
        return run(plan());
    }

    /**
     * One image on one platform once it is done.
     *
     * @param imageId the image in the local engine, or null (reused from the registry, or another build's image adopted)
     * @param manifest the image in the registry, or null without push
     * @param published whether this run pushed {@code manifest} under the key (built here, or the local engine's),
     *     rather than found it in the registry
     * @param attachments what its manifest has attached in the registry (attached by this run, or found)
     * @param sbom the SBOM this run made for it, or null
     */
    record Outcome(Platform platform, CacheKey key, Status status, Reason reason, String imageId, Descriptor manifest,
            ImageReference keyTag, double seconds, String engine, boolean published, List<BuildResult.Attachment> attachments,
            byte[] sbom) {
        Outcome(Platform platform, CacheKey key, Status status, Reason reason, String imageId, Descriptor manifest,
                ImageReference keyTag, double seconds, String engine, boolean published) {
            this(platform, key, status, reason, imageId, manifest, keyTag, seconds, engine, published, List.of(), null);
        }

        /** The same outcome with what is attached to its manifest. */
        Outcome withAttachments(List<BuildResult.Attachment> value, byte[] madeSbom) {
            return new Outcome(platform, key, status, reason, imageId, manifest, keyTag, seconds, engine, published, value,
                    madeSbom);
        }

        /**
         * The same image slot holding what another build published under the key since: when this run had published
         * its own image, the reason says that another build's is used instead ({@link Reason.Kind#ADOPTED}); when it
         * had found the key in the registry, the reason stays (it found the key there; the key now names another image).
         */
        Outcome adopt(Descriptor theirs) {
            Reason now = published ? Reason.adopted(key.shortForm(), keyTag.registry()) : reason;
            return new Outcome(platform, key, Status.REUSED, now, null, theirs, keyTag, seconds, engine, false);
        }
    }

    /** A node of the walk: one target on one platform. */
    private record Node(String name, Platform platform) {
        @Override
        public String toString() {
            return name + " for " + platform;
        }
    }

    /** Decides for every target and platform; builds, pushes and tags nothing. */
    public BuildPlan plan() throws GrockerException {
        BuildGraph graph = BuildGraph.of(origin, targets.stream().map(BuildTarget::node).toList());
        Map<String, BuildTarget> byName = new LinkedHashMap<>();
        graph.order().forEach(name -> byName.put(name, targets.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow()));
        Platform nativePlatform = nativePlatform(engines.defaultEngine().info());
        Map<String, List<Platform>> platforms = selectPlatforms(graph, byName, nativePlatform);
        if (options.push() && !byName.isEmpty()) {
            registry.ping(byName.values().iterator().next().repository().registry());
        }
        Map<String, Map<Platform, String>> bases = new LinkedHashMap<>();
        for (BuildTarget target : byName.values()) {
            if (target.base() instanceof BuildTarget.Base.External external) {
                bases.put(target.name(), new ResolveBaseStep(registry, external, platforms.get(target.name())).call());
            }
        }
        List<Node> nodes = nodes(graph, platforms);
        Map<Node, Decision> decided = withPool(pool -> Parallel.forest(pool, "planning", nodes, this::parentNode,
                node -> parent -> {
                    BuildTarget target = byName.get(node.name());
                    ContainerEngine engine = engines.forPlatform(node.platform());
                    DecideImageStep decide = new DecideImageStep(registry, engine, options.push());
                    if (target.parent() == null) {
                        return decide.call(target, node.platform(), rootFrom(target, bases, node.platform()), null);
                    }
                    String parentName = target.parent();
                    if (parent instanceof Decision.Reuse reused && (reused.manifest() != null || !options.push())) {
                        String from = options.push() ? reused.target().repository().name() + "@" + reused.manifest().digest()
                                : reused.keyTag().toString();
                        return decide.call(target, node.platform(), from, null);
                    }
                    Reason reason = parent instanceof Decision.Reuse ? Reason.parentWillBePushed(parentName)
                            : Reason.parentWillBeBuilt(parentName);
                    return new Decision.AwaitParent(target, node.platform(), reason, engine.endpoint());
                }));
        Map<String, Map<Platform, Decision>> decisions = new LinkedHashMap<>();
        for (String name : graph.order()) {
            Map<Platform, Decision> perPlatform = new LinkedHashMap<>();
            for (Platform p : platforms.get(name)) {
                perPlatform.put(p, decided.get(new Node(name, p)));
            }
            decisions.put(name, perPlatform);
        }
        return new BuildPlan(origin, options.push(), graph, byName, decisions);
    }

    /** Carries out a plan made by {@link #plan()}: builds, pushes, then tags. */
    public BuildResult run(BuildPlan plan) throws GrockerException {
        Map<String, List<Platform>> platforms = new LinkedHashMap<>();
        plan.decisions().forEach((name, perPlatform) -> platforms.put(name, List.copyOf(perPlatform.keySet())));
        List<Node> nodes = nodes(plan.graph(), platforms);
        Map<Node, Outcome> done = withPool(pool -> Parallel.forest(pool, "building", nodes, this::parentNode,
                node -> parent -> carryOut(plan, plan.decisions(node.name()).get(node.platform()), parent)));
        if (options.push()) {
            done = settle(plan, nodes, done);
        }
        Map<String, Map<Platform, Outcome>> outcomes = new LinkedHashMap<>();
        for (String name : plan.graph().order()) {
            Map<Platform, Outcome> perPlatform = new LinkedHashMap<>();
            for (Platform p : platforms.get(name)) {
                perPlatform.put(p, done.get(new Node(name, p)));
            }
            outcomes.put(name, perPlatform);
        }
        return finish(plan, outcomes);
    }

    /**
     * Reads every key back once all are published ({@link CheckKeysStep}). Where another build's push of the same key
     * landed after this run's read-back, the run takes the registry's image instead of its own, and carries out again
     * everything below it, now on that image; then it reads the keys back again, at most {@link #SETTLE_ROUNDS} times.
     */
    private Map<Node, Outcome> settle(BuildPlan plan, List<Node> nodes, Map<Node, Outcome> done) throws GrockerException {
        Map<Node, Outcome> settled = new LinkedHashMap<>(done);
        for (int round = 1; ; round++) {
            Map<Node, Descriptor> moved = new CheckKeysStep<>(registry, settled).call();
            if (moved.isEmpty()) {
                return settled;
            }
            if (round > SETTLE_ROUNDS) {
                throw new RegistryException("the key tags of " + moved.keySet() + " keep changing: other builds publish "
                        + "the same keys at the same moment; run this build again");
            }
            List<Node> below = nodes.stream().filter(n -> ancestors(n).stream().anyMatch(moved::containsKey)).toList();
            moved.forEach((node, theirs) -> {
                if (!below.contains(node)) {
                    Outcome ours = settled.get(node);
                    listener.on(new BuildEvent.Info("[" + node.name() + " " + node.platform() + "] key " + ours.key().shortForm()
                            + (ours.published() ? " was published by another build right after this one ("
                                    : " was published again by another build after this one found it (")
                            + theirs.digest() + " replaced " + ours.manifest().digest()
                            + "); moving onto the registry's image and what is built on it"));
                    settled.put(node, ours.adopt(theirs));
                }
            });
            settled.putAll(withPool(pool -> Parallel.forest(pool, "building", below,
                    n -> below.contains(parentNode(n)) ? parentNode(n) : null,
                    node -> parent -> carryOut(plan, awaitParent(plan, node), parent != null ? parent : settled.get(parentNode(node))))));
        }
    }

    private Decision awaitParent(BuildPlan plan, Node node) {
        BuildTarget target = plan.targets().get(node.name());
        return new Decision.AwaitParent(target, node.platform(), Reason.parentWillBeBuilt(target.parent()),
                engines.forPlatform(node.platform()).endpoint());
    }

    /** The node's parent, grandparent, … */
    private List<Node> ancestors(Node node) {
        List<Node> ancestors = new ArrayList<>();
        for (Node n = parentNode(node); n != null; n = parentNode(n)) {
            ancestors.add(n);
        }
        return ancestors;
    }

    private <T> T withPool(PoolWork<T> work) throws GrockerException {
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), r -> {
            Thread t = new Thread(r, "grocker-build");
            t.setDaemon(true);
            return t;
        });
        try {
            return work.run(pool);
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface PoolWork<T> {
        T run(ExecutorService pool) throws GrockerException;
    }

    private List<Node> nodes(BuildGraph graph, Map<String, List<Platform>> platforms) {
        List<Node> nodes = new ArrayList<>();
        for (String name : graph.order()) {
            for (Platform p : platforms.get(name)) {
                nodes.add(new Node(name, p));
            }
        }
        return nodes;
    }

    private Node parentNode(Node node) {
        String parent = targets.stream().filter(t -> t.name().equals(node.name())).findFirst().orElseThrow().parent();
        return parent == null ? null : new Node(parent, node.platform());
    }

    private static String rootFrom(BuildTarget target, Map<String, Map<Platform, String>> bases, Platform platform) {
        return target.base() instanceof BuildTarget.Base.Scratch ? "scratch" : bases.get(target.name()).get(platform);
    }

    /**
     * Reuses what the registry has (or, without push, the local engine), or makes the image ({@link MakeImageStep}:
     * under its key's lock, looked up again, built unless the engine has it, published), deciding first if it had to
     * wait for its parent.
     */
    private Outcome carryOut(BuildPlan plan, Decision decision, Outcome parent) throws GrockerException, IOException {
        BuildTarget target = decision.target();
        Platform platform = decision.platform();
        ContainerEngine engine = engines.forPlatform(platform);
        long start = System.nanoTime();
        if (decision instanceof Decision.AwaitParent) {
            String from = options.push() ? plan.targets().get(target.parent()).repository().name() + "@" + parent.manifest().digest()
                    : parent.keyTag().toString();
            decision = new DecideImageStep(registry, engine, options.push())
                    .call(target, platform, from, parent.status() == Status.BUILT ? target.parent() : null);
        }
        String on = engines.distributed() ? " (on " + engine.endpoint() + ")" : "";
        Instant startedOn = Instant.now();
        Outcome outcome;
        if (decision instanceof Decision.Reuse reuse && (reuse.manifest() != null || !options.push())) {
            listener.on(new BuildEvent.Started(target.name(), platform, Status.REUSE, reuse.reason() + on));
            outcome = new Outcome(platform, reuse.key(), Status.REUSED, reuse.reason(), reuse.imageId(), reuse.manifest(),
                    reuse.keyTag(), seconds(start), engine.endpoint(), false);
        } else {
            outcome = new MakeImageStep(engine, registry, locks, options, auth(target.repository()), listener, on)
                    .call(decision, start);
        }
        if (options.push() && options.run() != null && outcome.manifest() != null) {
            AttachArtifactsStep attach = new AttachArtifactsStep(registry, options.run());
            if (outcome.published() && outcome.imageId() != null) {
                String from = decision instanceof Decision.Build b ? b.from() : ((Decision.Reuse) decision).from();
                AttachArtifactsStep.Attached attached = attach.attach(target, platform, engine, outcome.imageId(),
                        outcome.manifest(), from, outcome.key(), outcome.status() == Status.BUILT, startedOn, Instant.now());
                outcome = outcome.withAttachments(attached.attachments(), attached.sbom());
                listener.on(new BuildEvent.Info("[" + target.name() + " " + platform + "] attached " + String.join(" and ",
                        attached.attachments().stream().map(a -> a.kind() + " " + a.digest()).toList())));
            } else {
                outcome = outcome.withAttachments(attach.existing(target.repository(), outcome.manifest().digest()), null);
            }
        }
        listener.on(new BuildEvent.Finished(target.name(), platform, outcome.status(),
                outcome.manifest() != null ? outcome.manifest().digest().toString() : outcome.imageId(), outcome.seconds()));
        return outcome;
    }

    /** Pushes the indexes, then (all of them, last) moves the tags, then makes the result. */
    private BuildResult finish(BuildPlan plan, Map<String, Map<Platform, Outcome>> outcomes) throws GrockerException {
        BuildGraph graph = plan.graph();
        List<String> listed = shown.isEmpty() ? graph.order() : shown;
        List<String> ordered = graph.order().stream().filter(listed::contains).toList();
        Map<String, Manifest> indexes = new LinkedHashMap<>();
        if (options.push()) {
            for (String name : ordered) {
                List<Map.Entry<Platform, Descriptor>> children = new ArrayList<>();
                outcomes.get(name).forEach((p, o) -> children.add(Map.entry(p, o.manifest())));
                ImageReference repository = plan.targets().get(name).repository();
                Manifest index = new PushIndexStep(registry, repository, children).call();
                indexes.put(name, index);
                listener.on(new BuildEvent.Info("pushed index " + repository.name() + "@" + index.digest()));
            }
        }
        Map<String, Map<Platform, ScanResult>> scans = scan(plan, outcomes);
        if (scans.values().stream().flatMap(m -> m.values().stream()).anyMatch(r -> !r.passed())) {
            List<ScanResult> all = scans.values().stream().flatMap(m -> m.values().stream()).toList();
            Map<String, List<String>> noTags = new LinkedHashMap<>();
            graph.order().forEach(name -> noTags.put(name, List.of()));
            throw new ScanException("the scan gate refused " + Scanner.failures(all) + ": no tag was moved",
                    result(plan, outcomes, indexes, noTags, scans));
        }
        Map<String, List<String>> tags;
        if (options.push() && !options.moveTags()) {
            tags = leaveTags(plan);
        } else if (options.push()) {
            tags = new TagImagesStep(registry, ordered.stream().map(plan.targets()::get)
                    .map(t -> new TagImagesStep.Image(t.name(), listed.contains(t.parent()) ? t.parent() : null, t.repository(), t.tags()))
                    .toList(), indexes, listener).call();
        } else {
            tags = tagLocally(plan, outcomes);
        }
        return result(plan, outcomes, indexes, tags, scans);
    }

    /**
     * The scan gate: the scanner on every image and platform of the run, in the graph's order, each told the image
     * (its manifest by digest when pushed, else its key tag in the local engine) and given its SBOM (made in this
     * run, else the one attached in the registry, else none). Empty without a scanner.
     */
    private Map<String, Map<Platform, ScanResult>> scan(BuildPlan plan, Map<String, Map<Platform, Outcome>> outcomes)
            throws GrockerException {
        Map<String, Map<Platform, ScanResult>> scans = new LinkedHashMap<>();
        Scanner scanner = options.scanner();
        if (scanner == null) {
            return scans;
        }
        Referrers referrers = new Referrers(registry);
        for (String name : plan.graph().order()) {
            ImageReference repository = plan.targets().get(name).repository();
            Map<Platform, ScanResult> perPlatform = new LinkedHashMap<>();
            for (Outcome o : outcomes.get(name).values()) {
                String image = o.manifest() != null ? repository.name() + "@" + o.manifest().digest() : o.keyTag().toString();
                byte[] sbom = o.sbom();
                if (sbom == null && o.manifest() != null) {
                    sbom = referrers.content(repository, o.manifest().digest(), CycloneDx.MEDIA_TYPE).orElse(null);
                }
                listener.on(new BuildEvent.Info("scanning " + image + " (" + o.platform() + ")"));
                ScanResult result = scanner.scan(new ScanRequest(name, o.platform(), image, sbom));
                result.output().lines().forEach(line -> listener.on(result.passed()
                        ? new BuildEvent.Output(name, o.platform(), line) : new BuildEvent.Info("[" + name + " " + o.platform() + "] | " + line)));
                listener.on(new BuildEvent.Info("scan of " + name + " (" + o.platform() + "): "
                        + (result.passed() ? "passed" : "failed, exit code " + result.exitCode())));
                perPlatform.put(o.platform(), result);
            }
            scans.put(name, perPlatform);
        }
        return scans;
    }

    private BuildResult result(BuildPlan plan, Map<String, Map<Platform, Outcome>> outcomes, Map<String, Manifest> indexes,
            Map<String, List<String>> tags, Map<String, Map<Platform, ScanResult>> scans) {
        BuildGraph graph = plan.graph();
        List<String> listed = shown.isEmpty() ? graph.order() : shown;
        List<BuildResult.ImageResult> images = new ArrayList<>();
        for (String name : listed) {
            BuildTarget target = plan.targets().get(name);
            List<BuildResult.PlatformResult> platformResults = new ArrayList<>();
            boolean anyBuilt = false;
            for (Outcome o : outcomes.get(name).values()) {
                anyBuilt |= o.status() == Status.BUILT;
                platformResults.add(new BuildResult.PlatformResult(o.platform().toString(),
                        o.manifest() == null ? null : o.manifest().digest(), o.imageId(), o.key().hex(), o.status(),
                        o.reason(), round(o.seconds()), o.engine(), o.attachments(),
                        scans.getOrDefault(name, Map.of()).get(o.platform())));
            }
            Manifest index = indexes.get(name);
            // an image whose parent is not shown says what that parent started from
            BuildTarget root = target;
            while (root.parent() != null && !listed.contains(root.parent())) {
                root = plan.targets().get(root.parent());
            }
            images.add(new BuildResult.ImageResult(name, target.repository().name(), listed.contains(target.parent()) ? target.parent() : null,
                    BuildPlan.from(root),
                    anyBuilt ? Status.BUILT : Status.REUSED,
                    index == null ? null : new BuildResult.IndexResult(index.digest(), MediaTypes.OCI_INDEX, index.size()),
                    tags.get(name), platformResults));
        }
        return new BuildResult(origin, options.push(), images);
    }

    /** With push but without moving tags: every tag is listed for {@code grocker index}, none is written. */
    private Map<String, List<String>> leaveTags(BuildPlan plan) throws InputException {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (String name : plan.graph().order()) {
            BuildTarget target = plan.targets().get(name);
            List<String> listed = new ArrayList<>();
            for (String tag : target.tags()) {
                ImageReference ref = target.repository().withTag(tag);
                listener.on(new BuildEvent.Info("not tagged (left to grocker index): " + ref));
                listed.add(ref.toString());
            }
            tags.put(name, listed);
        }
        return tags;
    }

    /** Without push: the spec's tags on the local engine's image of its own platform, where there is one. */
    private Map<String, List<String>> tagLocally(BuildPlan plan, Map<String, Map<Platform, Outcome>> outcomes)
            throws GrockerException {
        Platform nativePlatform = nativePlatform(engines.defaultEngine().info());
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (String name : plan.graph().order()) {
            BuildTarget target = plan.targets().get(name);
            List<String> applied = new ArrayList<>();
            Outcome local = outcomes.get(name).get(nativePlatform);
            for (String tag : target.tags()) {
                ImageReference ref = target.repository().withTag(tag);
                if (local != null && local.imageId() != null) {
                    engines.defaultEngine().tag(local.imageId(), ref);
                    listener.on(new BuildEvent.Info("tagged " + ref + " in the local engine (" + local.platform() + ")"));
                    applied.add(ref.toString());
                }
            }
            tags.put(name, applied);
        }
        return tags;
    }

    /**
     * The platforms of each target: a {@code --platform} list (within the declared ones), else the declared ones,
     * else the engine's own; a child's must all be its parent's; the recipe must serve each.
     */
    private Map<String, List<Platform>> selectPlatforms(BuildGraph graph, Map<String, BuildTarget> byName,
            Platform nativePlatform) throws InputException {
        Map<String, List<Platform>> selected = new LinkedHashMap<>();
        for (String name : graph.order()) {
            BuildTarget target = byName.get(name);
            List<Platform> declared = target.platforms();
            List<Platform> chosen;
            if (!options.platforms().isEmpty()) {
                for (Platform p : options.platforms()) {
                    if (!declared.isEmpty() && !declared.contains(p)) {
                        throw new InputException("--platform " + p + ": image '" + name + "' of " + origin
                                + " is declared for " + declared + " only");
                    }
                }
                chosen = options.platforms();
            } else if (!declared.isEmpty()) {
                chosen = declared;
            } else {
                chosen = List.of(nativePlatform);
            }
            if (target.parent() != null) {
                List<Platform> parentPlatforms = selected.get(target.parent());
                for (Platform p : chosen) {
                    if (!parentPlatforms.contains(p)) {
                        throw new InputException(target.origin() + ": field 'platforms': " + p + " is not built for parent '"
                                + target.parent() + "' (" + parentPlatforms + ")");
                    }
                }
            }
            for (Platform p : chosen) {
                target.recipe().check(p);
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
