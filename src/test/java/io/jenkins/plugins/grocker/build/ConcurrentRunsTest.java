package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppSpecLoader;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import io.jenkins.plugins.grocker.testing.FakeEngine;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one hierarchy at the same time, on one machine (one engine, one lock directory) or on two (two engines,
 * two lock directories) against one registry, in the interleavings that matter. Every interleaving is forced with
 * hooks (a build held in {@link FakeEngine#beforeBuild}, a registry request held in {@link FakeRegistry#override}),
 * never with sleeps; a hook waits at most {@link #WAIT_SECONDS}, which only a broken build ever reaches.
 */
class ConcurrentRunsTest {
    private static final int WAIT_SECONDS = 60;
    private static final Platform AMD64 = Platform.LINUX_AMD64;
    private static final List<String> CHAIN = List.of("python-base", "kafka-base", "fastapi-base");

    @TempDir
    Path dir;

    private FakeRegistry registry;
    private RegistryClient client;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** Every machine's engine, for what each built. */
    private final List<FakeEngine> engines = new CopyOnWriteArrayList<>();

    /** One agent: its engine and its lock directory. */
    private record Machine(FakeEngine engine, KeyLocks locks) {}

    /** A run's result and what it reported. */
    private record Run(BuildResult result, List<BuildEvent> events) {
        List<String> infos() {
            synchronized (events) {
                return events.stream().filter(e -> e instanceof BuildEvent.Info).map(e -> ((BuildEvent.Info) e).message()).toList();
            }
        }

        Reason reason(String image) {
            return result.image(image).platforms().get(0).reason();
        }
    }

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        client = RegistryClient.create(Map.of());
        TestImages.pushIndex(client, ImageReference.parse(registry.host() + "/debian:bookworm"), 1, 1, 64);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        registry.close();
    }

    private Machine machine(String name) {
        FakeEngine engine = new FakeEngine("fake://" + name, AMD64, client);
        engines.add(engine);
        return new Machine(engine, new KeyLocks(dir.resolve(name + "/locks")));
    }

    /** python-base -> kafka-base -> fastapi-base; {@code kafka} changes kafka-base (and so fastapi-base). */
    private HierarchySpec spec(String kafka) throws Exception {
        Path file = dir.resolve("loom-" + kafka + ".yaml");
        Files.writeString(file, """
                registry: "%1$s/loom"
                platforms: [linux/amd64]
                images:
                  - name: python-base
                    from: "%1$s/debian:bookworm"
                    env: {PYTHONUNBUFFERED: "1"}
                    tags: ["3.11"]
                  - name: kafka-base
                    parent: python-base
                    env: {LOOM_KAFKA: "%2$s"}
                    tags: ["3.11"]
                  - name: fastapi-base
                    parent: kafka-base
                    env: {LOOM_WEB: "fastapi"}
                    tags: ["3.11", latest]
                """.formatted(registry.host(), kafka));
        return new SpecLoader(Map.of()).load(file);
    }

    private ImageBuild build(HierarchySpec spec, Machine machine, boolean push, List<BuildEvent> events) throws Exception {
        return BaseBuild.of(spec, new BuildOptions(List.of(), push, "host", 2, Map.of()),
                new BuildServices(Engines.single(machine.engine()), client, Credentials.none(), events::add, machine.locks()));
    }

    private Run run(HierarchySpec spec, Machine machine) throws Exception {
        return run(spec, machine, e -> { });
    }

    private Run run(HierarchySpec spec, Machine machine, Consumer<BuildEvent> also) throws Exception {
        List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());
        BuildResult result = BaseBuild.of(spec, new BuildOptions(List.of(), true, "host", 2, Map.of()),
                new BuildServices(Engines.single(machine.engine()), client, Credentials.none(), e -> {
                    events.add(e);
                    also.accept(e);
                }, machine.locks())).run();
        return new Run(result, events);
    }

    private CompletableFuture<Run> inBackground(HierarchySpec spec, Machine machine, Consumer<BuildEvent> also) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(spec, machine, also);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    private CompletableFuture<Run> inBackground(HierarchySpec spec, Machine machine) {
        return inBackground(spec, machine, e -> { });
    }

    private static Run done(CompletableFuture<Run> run) throws Exception {
        return run.get(2 * WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits for a latch in a hook; a hook that waits in vain fails the build it holds. */
    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited in vain for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean imageIs(io.jenkins.plugins.grocker.docker.BuildRequest request, String image) {
        return image.equals(request.labels().get(ImageBuild.IMAGE_LABEL));
    }

    @Test
    void twoRunsOnOneMachineBuildEachKeyOnceAndTheSecondSaysItWaits() throws Exception {
        Machine agent = machine("agent");
        HierarchySpec spec = spec("kafka-python");
        CountDownLatch someoneWaits = new CountDownLatch(1);
        Consumer<BuildEvent> watch = e -> {
            if (e instanceof BuildEvent.Info i && i.message().startsWith("waiting for another build of python-base linux/amd64 (key ")) {
                someoneWaits.countDown();
            }
        };
        // whichever run builds python-base first holds it until the other one says it waits for it
        agent.engine().beforeBuild(r -> {
            if (imageIs(r, "python-base")) {
                await(someoneWaits, "the other run to wait for python-base");
            }
        });
        CompletableFuture<Run> one = inBackground(spec, agent, watch);
        CompletableFuture<Run> two = inBackground(spec, agent, watch);
        Run first = done(one);
        Run second = done(two);

        for (String image : CHAIN) {
            assertThat(agent.engine().buildsOf(image)).as("builds of " + image + " on the one machine").hasSize(1);
            assertThat(first.result().image(image).index().digest()).isEqualTo(second.result().image(image).index().digest());
        }
        // the run that waited for python-base (either run may wait later for a child the other one took first)
        Run waited = first.infos().stream().anyMatch(m -> m.startsWith("waiting for another build of python-base ")) ? first : second;
        assertThat(waited.reason("python-base").kind()).isEqualTo(Reason.Kind.MADE_MEANWHILE);
        assertThat(waited.reason("python-base").text()).endsWith("(found in " + registry.host() + ")");
        assertThat(waited.result().image("python-base").status()).isEqualTo(Status.REUSED);
        agreesWithRegistry(first.result());
        agreesWithRegistry(second.result());
        consistentChain();
    }

    @Test
    void aRunAdoptsTheKeyAnotherMachinePublishedWhileItBuilt() throws Exception {
        Machine a = machine("a");
        Machine b = machine("b");
        HierarchySpec spec = spec("kafka-python");
        CountDownLatch aBuilding = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        a.engine().beforeBuild(r -> {
            if (imageIs(r, "python-base")) {
                aBuilding.countDown();
                await(bDone, "run b to finish");
            }
        });
        CompletableFuture<Run> runA = inBackground(spec, a);
        await(aBuilding, "run a to build python-base");
        Run runB = run(spec, b);
        bDone.countDown();
        Run resultA = done(runA);

        // a's own python-base was built but never published; a's children were found, built on b's python-base
        assertThat(a.engine().buildsOf("python-base")).hasSize(1);
        assertThat(a.engine().pushes).isEmpty();
        assertThat(a.engine().buildsOf("kafka-base")).isEmpty();
        assertThat(a.engine().buildsOf("fastapi-base")).isEmpty();
        assertThat(resultA.reason("python-base").kind()).isEqualTo(Reason.Kind.ADOPTED);
        assertThat(resultA.result().image("python-base").platforms().get(0).status()).isEqualTo(Status.REUSED);
        assertThat(resultA.infos()).anyMatch(m -> m.contains("python-base linux/amd64") && m.contains("another build"));
        for (String image : CHAIN) {
            assertThat(resultA.result().image(image).index().digest()).isEqualTo(runB.result().image(image).index().digest());
        }
        agreesWithRegistry(resultA.result());
        agreesWithRegistry(runB.result());
        consistentChain();
    }

    @Test
    void twoPublishesAtTheSameInstantConvergeOnTheLastWrite() throws Exception {
        Machine a = machine("a");
        Machine b = machine("b");
        HierarchySpec spec = spec("kafka-python");
        Decision.Build planned = (Decision.Build) build(spec, a, true, new ArrayList<>()).plan().decisions("python-base").get(AMD64);
        String keyPath = "/v2/loom/python-base/manifests/" + planned.key().tag();

        // both build python-base at once, so both find the key missing right before they push
        CyclicBarrier bothBuilding = new CyclicBarrier(2);
        CountDownLatch aPutArrived = new CountDownLatch(1);
        CountDownLatch bReadBack = new CountDownLatch(1);
        CountDownLatch aDone = new CountDownLatch(1);
        Consumer<io.jenkins.plugins.grocker.docker.BuildRequest> together = r -> {
            if (imageIs(r, "python-base")) {
                try {
                    bothBuilding.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the two builds of python-base did not meet", e);
                }
            }
        };
        a.engine().beforeBuild(together);
        b.engine().beforeBuild(r -> {
            together.accept(r);
            if (imageIs(r, "python-base")) {
                await(aPutArrived, "run a to push python-base"); // b pushes second...
            }
            if (imageIs(r, "kafka-base")) {
                await(aDone, "run a to finish"); // ...and goes on only once a is done
            }
        });
        // a's manifest put arrives first and is held until b has put its own and read the key back: a's lands last
        AtomicInteger puts = new AtomicInteger();
        AtomicBoolean bPut = new AtomicBoolean();
        AtomicBoolean readBackSeen = new AtomicBoolean();
        registry.override(keyPath, exchange -> {
            if (exchange.getRequestMethod().equals("PUT")) {
                if (puts.incrementAndGet() == 1) {
                    aPutArrived.countDown();
                    await(bReadBack, "run b to read the key back");
                    registry.answer(exchange);
                } else {
                    registry.answer(exchange);
                    bPut.set(true);
                }
                return;
            }
            registry.answer(exchange);
            if (exchange.getRequestMethod().equals("HEAD") && bPut.get() && readBackSeen.compareAndSet(false, true)) {
                bReadBack.countDown();
            }
        });

        CompletableFuture<Run> runA = inBackground(spec, a);
        CompletableFuture<Run> runB = inBackground(spec, b);
        Run resultA = done(runA);
        aDone.countDown();
        Run resultB = done(runB);

        // the registry kept a's python-base (the last write); b noticed and moved everything below it onto a's images
        String kept = registry.digestOf("loom/python-base", planned.key().tag()).orElseThrow();
        assertThat(resultA.result().image("python-base").platforms().get(0).digest().toString()).isEqualTo(kept);
        assertThat(resultB.result().image("python-base").platforms().get(0).digest().toString()).isEqualTo(kept);
        assertThat(resultB.reason("python-base").kind()).isEqualTo(Reason.Kind.ADOPTED);
        assertThat(resultB.infos()).anyMatch(m -> m.contains("python-base linux/amd64") && m.contains("another build"));
        for (String image : CHAIN) {
            assertThat(resultB.result().image(image).index().digest()).isEqualTo(resultA.result().image(image).index().digest());
        }
        agreesWithRegistry(resultA.result());
        agreesWithRegistry(resultB.result());
        consistentChain();
    }

    /**
     * As above, with a second run on machine b: it waits for b's python-base, finds it, and then another machine's push
     * of the key (a's) replaces it. Both runs of b move onto a's image; only the run that published b's image says it
     * adopted another build's, and machine b built python-base once.
     */
    @Test
    void aRunThatFoundAKeyAnotherMachineReplacedMovesOnWithoutClaimingItBuiltIt() throws Exception {
        Machine a = machine("a");
        Machine b = machine("b");
        HierarchySpec spec = spec("kafka-python");
        Decision.Build planned = (Decision.Build) build(spec, a, true, new ArrayList<>()).plan().decisions("python-base").get(AMD64);
        String keyPath = "/v2/loom/python-base/manifests/" + planned.key().tag();

        CyclicBarrier bothBuilding = new CyclicBarrier(2);
        CountDownLatch aPutArrived = new CountDownLatch(1);
        CountDownLatch bReadBack = new CountDownLatch(1);
        CountDownLatch foundOnB = new CountDownLatch(1);
        CountDownLatch aDone = new CountDownLatch(1);
        Consumer<io.jenkins.plugins.grocker.docker.BuildRequest> together = r -> {
            if (imageIs(r, "python-base")) {
                try {
                    bothBuilding.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the two builds of python-base did not meet", e);
                }
            }
        };
        a.engine().beforeBuild(together);
        b.engine().beforeBuild(r -> {
            together.accept(r);
            if (imageIs(r, "python-base")) {
                await(aPutArrived, "run a to push python-base");
            }
            if (imageIs(r, "kafka-base")) {
                await(aDone, "run a to finish");
            }
        });
        // a's put is held until b's builder has put and read back its own, and b's other run has found that one
        AtomicInteger puts = new AtomicInteger();
        AtomicBoolean bPut = new AtomicBoolean();
        AtomicBoolean readBackSeen = new AtomicBoolean();
        registry.override(keyPath, exchange -> {
            if (exchange.getRequestMethod().equals("PUT")) {
                if (puts.incrementAndGet() == 1) {
                    aPutArrived.countDown();
                    await(bReadBack, "machine b to read the key back");
                    await(foundOnB, "the other run of machine b to find python-base");
                    registry.answer(exchange);
                } else {
                    registry.answer(exchange);
                    bPut.set(true);
                }
                return;
            }
            registry.answer(exchange);
            if (exchange.getRequestMethod().equals("HEAD") && bPut.get() && readBackSeen.compareAndSet(false, true)) {
                bReadBack.countDown();
            }
        });
        Consumer<BuildEvent> watchB = e -> {
            if (e instanceof BuildEvent.Started s && s.image().equals("python-base") && s.reason().startsWith("another build made key")) {
                foundOnB.countDown();
            }
        };

        CompletableFuture<Run> runA = inBackground(spec, a);
        CompletableFuture<Run> runB1 = inBackground(spec, b, watchB);
        CompletableFuture<Run> runB2 = inBackground(spec, b, watchB);
        Run resultA = done(runA);
        aDone.countDown();
        Run resultB1 = done(runB1);
        Run resultB2 = done(runB2);

        String kept = registry.digestOf("loom/python-base", planned.key().tag()).orElseThrow();
        assertThat(b.engine().buildsOf("python-base")).as("builds of python-base on machine b").hasSize(1);
        Run builder = resultB1.reason("python-base").kind() == Reason.Kind.ADOPTED ? resultB1 : resultB2;
        Run finder = builder == resultB1 ? resultB2 : resultB1;
        assertThat(builder.reason("python-base").kind()).isEqualTo(Reason.Kind.ADOPTED);
        assertThat(builder.infos()).anyMatch(m -> m.startsWith("[python-base linux/amd64] key " + planned.key().shortForm()
                + " was published by another build right after this one ("));
        assertThat(finder.reason("python-base").kind()).isEqualTo(Reason.Kind.MADE_MEANWHILE);
        assertThat(finder.infos()).anyMatch(m -> m.startsWith("[python-base linux/amd64] key " + planned.key().shortForm()
                + " was published again by another build after this one found it (" + kept + " replaced "));
        for (Run run : List.of(resultA, resultB1, resultB2)) {
            assertThat(run.result().image("python-base").platforms().get(0).digest().toString()).isEqualTo(kept);
            for (String image : CHAIN) {
                assertThat(run.result().image(image).index().digest()).isEqualTo(resultA.result().image(image).index().digest());
            }
            agreesWithRegistry(run.result());
        }
        consistentChain();
    }

    @Test
    void aRunThatFindsAParentTagMovedLeavesTheTagsBelowItToTheOtherRun() throws Exception {
        Machine a = machine("a");
        Machine b = machine("b");
        run(spec("cold"), a); // python-base is in the registry: both runs below reuse it and build their own kafka-base
        CountDownLatch aTagging = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        AtomicInteger puts = new AtomicInteger();
        // a's write of kafka-base:3.11 lands, but a hears back only after b has tagged everything
        registry.override("/v2/loom/kafka-base/manifests/3.11", exchange -> {
            if (exchange.getRequestMethod().equals("PUT") && puts.incrementAndGet() == 1) {
                landThenHold(exchange, "loom/kafka-base", "3.11", aTagging, bDone);
            } else {
                registry.answer(exchange);
            }
        });
        CompletableFuture<Run> runA = inBackground(spec("a"), a);
        await(aTagging, "run a to tag kafka-base");
        Run runB = run(spec("b"), b);
        bDone.countDown();
        Run resultA = done(runA);

        consistentChain();
        assertThat(tag("kafka-base", "3.11")).isEqualTo(runB.result().image("kafka-base").index().digest().toString());
        assertThat(tag("fastapi-base", "3.11")).isEqualTo(runB.result().image("fastapi-base").index().digest().toString());
        assertThat(tag("fastapi-base", "latest")).isEqualTo(runB.result().image("fastapi-base").index().digest().toString());
        List<String> said = resultA.infos().stream().filter(m -> m.contains("left to another build")).toList();
        assertThat(said).hasSize(1);
        assertThat(said.get(0)).contains("fastapi-base").contains(registry.host() + "/loom/kafka-base:3.11");
        assertThat(resultA.result().image("kafka-base").tags()).isEmpty();
        assertThat(resultA.result().image("fastapi-base").tags()).isEmpty();
        agreesWithRegistry(resultA.result());
        agreesWithRegistry(runB.result());
    }

    @Test
    void aTagWrittenWhileAnotherRunMovedItsParentIsNoticedAndTheSetMadeWholeAgain() throws Exception {
        Machine a = machine("a");
        Machine b = machine("b");
        run(spec("cold"), a);
        CountDownLatch aTagging = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        AtomicInteger puts = new AtomicInteger();
        // a checked kafka-base:3.11 and is about to tag fastapi-base:3.11; b tags everything in between
        registry.override("/v2/loom/fastapi-base/manifests/3.11", exchange -> {
            if (exchange.getRequestMethod().equals("PUT") && puts.incrementAndGet() == 1) {
                aTagging.countDown();
                await(bDone, "run b to finish");
            }
            registry.answer(exchange);
        });
        CompletableFuture<Run> runA = inBackground(spec("a"), a);
        await(aTagging, "run a to tag fastapi-base");
        run(spec("b"), b);
        bDone.countDown();
        Run resultA = done(runA);

        consistentChain();
        assertThat(resultA.infos()).filteredOn(m -> m.contains("tagging again")).hasSize(1);
        assertThat(resultA.result().image("kafka-base").tags()).containsExactly(registry.host() + "/loom/kafka-base:3.11");
        assertThat(resultA.result().image("fastapi-base").tags())
                .containsExactly(registry.host() + "/loom/fastapi-base:3.11", registry.host() + "/loom/fastapi-base:latest");
        agreesWithRegistry(resultA.result());
    }

    @Test
    void twoCompilationsOnOneMachineBuildTheCompilerImageOnce() throws Exception {
        Machine agent = machine("agent");
        Path appFile = dir.resolve("app.yaml");
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(appFile, """
                app: ./src
                base: "%1$s/debian:bookworm"
                image: "%1$s/apps/hello"
                platforms: [linux/amd64]
                entrypoint: {default: www, services: {www: [python, -m, hello]}}
                """.formatted(registry.host()));
        BuildTarget compiler = AppTargets.compiler(new AppSpecLoader(Map.of()).load(appFile), List.of(AMD64));
        CountDownLatch someoneWaits = new CountDownLatch(1);
        agent.engine().beforeBuild(r -> await(someoneWaits, "the other compilation to wait for the compiler"));
        List<CompletableFuture<BuildResult>> runs = new ArrayList<>();
        List<List<BuildEvent>> events = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<BuildEvent> mine = Collections.synchronizedList(new ArrayList<>());
            events.add(mine);
            BuildServices services = new BuildServices(Engines.single(agent.engine()), client, Credentials.none(), e -> {
                mine.add(e);
                if (e instanceof BuildEvent.Info info && info.message().startsWith("waiting for another build of " + compiler.name())) {
                    someoneWaits.countDown();
                }
            }, agent.locks());
            ImageBuild build = new ImageBuild("app.yaml", List.of(compiler),
                    new BuildOptions(List.of(AMD64), false, "host", 2, Map.of()), services);
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return build.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
        }
        List<BuildResult> results = new ArrayList<>();
        for (CompletableFuture<BuildResult> r : runs) {
            results.add(r.get(2 * WAIT_SECONDS, TimeUnit.SECONDS));
        }
        assertThat(agent.engine().builds).hasSize(1);
        assertThat(results).extracting(r -> r.images().get(0).platforms().get(0).imageId())
                .containsOnly(agent.engine().builds.get(0).id());
        assertThat(results).extracting(r -> r.images().get(0).platforms().get(0).reason().kind())
                .containsExactlyInAnyOrder(Reason.Kind.NEW_KEY, Reason.Kind.MADE_MEANWHILE);
    }

    /** Stores the tag write at once, but answers it only after {@code release}: the writer learns late that it landed. */
    private void landThenHold(HttpExchange exchange, String repository, String tag, CountDownLatch arrived,
            CountDownLatch release) throws java.io.IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String mediaType = exchange.getRequestHeaders().getFirst("Content-Type");
        String digest = FakeRegistry.sha256(body);
        registry.putManifest(repository, tag, mediaType, body);
        arrived.countDown();
        await(release, "the other run to finish");
        exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
        FakeRegistry.send(exchange, 201, null, new byte[0]);
    }

    private String tag(String image, String tag) {
        return registry.digestOf("loom/" + image, tag).orElseThrow(() -> new AssertionError("no tag " + image + ":" + tag));
    }

    /** Every image and platform of the result is what its key tag names, and every tag it reports names its index. */
    private void agreesWithRegistry(BuildResult result) throws Exception {
        for (BuildResult.ImageResult image : result.images()) {
            String repository = ImageReference.parse(image.repository()).repository();
            for (BuildResult.PlatformResult p : image.platforms()) {
                assertThat(registry.digestOf(repository, "gk-" + p.key())).as("key tag of " + image.name())
                        .contains(p.digest().toString());
            }
            for (String tag : image.tags()) {
                assertThat(registry.digestOf(repository, ImageReference.parse(tag).tag())).as(tag)
                        .contains(image.index().digest().toString());
            }
        }
    }

    /**
     * Every tag of a child names an index whose images were built (as the engines recorded it) on the images the
     * parent's tags name, platform by platform.
     */
    private void consistentChain() throws Exception {
        for (int i = 1; i < CHAIN.size(); i++) {
            String parent = CHAIN.get(i - 1);
            String child = CHAIN.get(i);
            for (String parentTag : registry.tags("loom/" + parent)) {
                if (parentTag.startsWith("gk-")) {
                    continue;
                }
                Map<Platform, io.jenkins.plugins.grocker.registry.Descriptor> parents = platforms(parent, parentTag);
                for (String childTag : registry.tags("loom/" + child)) {
                    if (childTag.startsWith("gk-")) {
                        continue;
                    }
                    platforms(child, childTag).forEach((platform, manifest) -> {
                        String from = dockerfileFrom(child, manifest);
                        assertThat(from).as(child + ":" + childTag + " is built on what " + parent + ":" + parentTag + " names")
                                .isEqualTo(registry.host() + "/loom/" + parent + "@" + parents.get(platform).digest());
                    });
                }
            }
        }
    }

    private Map<Platform, io.jenkins.plugins.grocker.registry.Descriptor> platforms(String image, String tag) throws Exception {
        ImageReference ref = ImageReference.parse(registry.host() + "/loom/" + image + ":" + tag);
        return ImageIndex.read(client.getManifest(ref), ref.toString()).platforms();
    }

    /** The {@code FROM} of the build that made the image of this manifest, from the engines' records. */
    private String dockerfileFrom(String image, io.jenkins.plugins.grocker.registry.Descriptor manifest) {
        try {
            ImageReference ref = ImageReference.parse(registry.host() + "/loom/" + image).withDigest(manifest.digest());
            String config = ImageManifest.read(client.getManifest(ref), ref.toString()).config().digest().toString();
            return engines.stream().flatMap(e -> e.builds.stream()).filter(b -> b.id().equals(config)).findFirst()
                    .map(b -> b.dockerfile().lines().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow().substring(5).trim())
                    .orElseThrow(() -> new AssertionError("no engine built " + config));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
