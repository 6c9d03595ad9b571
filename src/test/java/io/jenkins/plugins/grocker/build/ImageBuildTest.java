package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import io.jenkins.plugins.grocker.testing.FakeEngine;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises of {@code grocker base}, proven on the in-memory engine and the fake registry (which refuses what a
 * real registry refuses): reuse by key, only descendants rebuilt after a change, siblings at the same time, each
 * platform on its own engine, tags moved last and only when every image succeeded.
 */
class ImageBuildTest {
    private static final List<String> IMAGES = List.of("python-base", "kafka-base", "fastapi-base", "probe-base");

    @TempDir
    Path dir;

    private FakeRegistry registry;
    private RegistryClient client;
    private FakeEngine amd64;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        client = RegistryClient.create(Map.of());
        TestImages.pushIndex(client, ImageReference.parse(registry.host() + "/debian:bookworm"), 1, 1, 64);
        amd64 = new FakeEngine("fake://amd64", Platform.LINUX_AMD64, client);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** python-base -> kafka-base -> fastapi-base, and probe-base beside kafka-base. */
    private HierarchySpec spec(String platforms, String kafkaEnv) throws Exception {
        Path file = dir.resolve("loom.yaml");
        Files.writeString(file, """
                registry: "%1$s/loom"
                platforms: [%2$s]
                images:
                  - name: python-base
                    from: "%1$s/debian:bookworm"
                    env: {PYTHONUNBUFFERED: "1"}
                    tags: ["3.11"]
                  - name: kafka-base
                    parent: python-base
                    env: {LOOM_KAFKA: "%3$s"}
                    tags: ["3.11"]
                  - name: fastapi-base
                    parent: kafka-base
                    env: {LOOM_WEB: "fastapi"}
                    tags: ["3.11", latest]
                  - name: probe-base
                    parent: python-base
                    env: {PROBE: "1"}
                    tags: ["3.11"]
                """.formatted(registry.host(), platforms, kafkaEnv));
        return new SpecLoader(Map.of()).load(file);
    }

    private ImageBuild build(HierarchySpec spec, Engines engines, boolean push, int jobs, List<BuildEvent> events)
            throws Exception {
        return BaseBuild.of(spec, new BuildOptions(List.of(), push, "host", jobs, Map.of()),
                new BuildServices(engines, client, Credentials.none(), events::add));
    }

    private BuildResult run(HierarchySpec spec) throws Exception {
        return build(spec, Engines.single(amd64), true, 2, new ArrayList<>()).run();
    }

    private Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String image : IMAGES) {
            for (String tag : registry.tags("loom/" + image)) {
                if (!tag.startsWith("gk-")) {
                    tags.put(image + ":" + tag, registry.digestOf("loom/" + image, tag).orElseThrow());
                }
            }
        }
        return tags;
    }

    @Test
    void aSecondRunReusesEveryImageByKeyEvenOnAnotherEngine() throws Exception {
        HierarchySpec spec = spec("linux/amd64", "kafka-python");
        BuildResult cold = run(spec);
        assertThat(cold.images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.BUILT);
        assertThat(amd64.builds).hasSize(4);
        for (BuildResult.ImageResult image : cold.images()) {
            for (String tag : image.tags()) {
                ImageReference ref = ImageReference.parse(tag);
                assertThat(registry.digestOf(ref.repository(), ref.tag())).contains(image.index().digest().toString());
            }
        }

        BuildResult again = run(spec);
        assertThat(amd64.builds).hasSize(4);
        assertThat(again.images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSED);
        assertThat(again.images().get(0).platforms().get(0).reason().kind()).isEqualTo(Reason.Kind.FOUND_IN_REGISTRY);
        for (String name : IMAGES) {
            assertThat(again.image(name).index().digest()).isEqualTo(cold.image(name).index().digest());
        }

        // another agent, with an empty engine, finds every key in the registry
        FakeEngine other = new FakeEngine("fake://other", Platform.LINUX_AMD64, client);
        BuildResult elsewhere = build(spec, Engines.single(other), true, 2, new ArrayList<>()).run();
        assertThat(other.builds).isEmpty();
        assertThat(elsewhere.images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSED);
        BuildPlan plan = build(spec, Engines.single(other), true, 2, new ArrayList<>()).plan();
        assertThat(plan.all()).extracting(Decision::status).containsOnly(Status.REUSE);
    }

    @Test
    void aChangeRebuildsTheImageAndItsDescendantsOnly() throws Exception {
        run(spec("linux/amd64", "kafka-python"));
        amd64.builds.clear();
        HierarchySpec changed = spec("linux/amd64", "aiokafka");

        BuildPlan plan = build(changed, Engines.single(amd64), true, 2, new ArrayList<>()).plan();
        assertThat(plan.decisions("python-base").get(Platform.LINUX_AMD64)).isInstanceOf(Decision.Reuse.class);
        assertThat(plan.decisions("probe-base").get(Platform.LINUX_AMD64)).isInstanceOf(Decision.Reuse.class);
        assertThat(plan.decisions("kafka-base").get(Platform.LINUX_AMD64)).isInstanceOf(Decision.Build.class);
        Decision fastapi = plan.decisions("fastapi-base").get(Platform.LINUX_AMD64);
        assertThat(fastapi).isInstanceOf(Decision.AwaitParent.class);
        assertThat(fastapi.reason().text()).isEqualTo("parent 'kafka-base' will be built");
        assertThat(amd64.builds).isEmpty();

        BuildResult result = run(changed);
        assertThat(amd64.builds).extracting(FakeEngine.Build::image).containsExactly("kafka-base", "fastapi-base");
        assertThat(result.image("python-base").status()).isEqualTo(Status.REUSED);
        assertThat(result.image("probe-base").status()).isEqualTo(Status.REUSED);
        assertThat(result.image("fastapi-base").platforms().get(0).reason()).isEqualTo(Reason.parentRebuilt("kafka-base"));
        // the new fastapi-base is built on the new kafka-base, pinned by its digest
        String kafka = result.image("kafka-base").platforms().get(0).digest().toString();
        assertThat(amd64.buildsOf("fastapi-base").get(0).dockerfile()).contains("FROM " + registry.host() + "/loom/kafka-base@" + kafka);
    }

    @Test
    void siblingsBuildAtTheSameTime() throws Exception {
        CyclicBarrier bothSiblings = new CyclicBarrier(2);
        amd64.beforeBuild(request -> {
            String image = request.labels().get(ImageBuild.IMAGE_LABEL);
            if (image.equals("kafka-base") || image.equals("probe-base")) {
                try {
                    // a sibling that waited here alone would time out: they must be in their builds together
                    bothSiblings.await(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(image + " was built alone: siblings did not run at the same time", e);
                }
            }
        });
        List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());
        build(spec("linux/amd64", "x"), Engines.single(amd64), true, 2, events).run();
        assertThat(amd64.maxConcurrentBuilds()).isEqualTo(2);
        // parents first: python-base finished before either child started
        int parentDone = indexOf(events, BuildEvent.Finished.class, "python-base");
        assertThat(parentDone).isLessThan(indexOf(events, BuildEvent.Started.class, "kafka-base"))
                .isLessThan(indexOf(events, BuildEvent.Started.class, "probe-base"));
        assertThat(indexOf(events, BuildEvent.Finished.class, "kafka-base"))
                .isLessThan(indexOf(events, BuildEvent.Started.class, "fastapi-base"));
    }

    @Test
    void eachPlatformIsBuiltOnItsOwnEngine() throws Exception {
        FakeEngine arm64 = new FakeEngine("fake://arm64", Platform.LINUX_ARM64, client);
        Engines engines = new Engines(amd64, Map.of(Platform.LINUX_ARM64, arm64));
        BuildResult result = build(spec("linux/amd64, linux/arm64", "x"), engines, true, 2, new ArrayList<>()).run();

        assertThat(amd64.builds).hasSize(4).extracting(FakeEngine.Build::platform).containsOnly(Platform.LINUX_AMD64);
        assertThat(arm64.builds).hasSize(4).extracting(FakeEngine.Build::platform).containsOnly(Platform.LINUX_ARM64);
        for (BuildResult.ImageResult image : result.images()) {
            assertThat(image.platforms()).extracting(BuildResult.PlatformResult::engine).containsExactly("fake://amd64", "fake://arm64");
            ImageIndex index = ImageIndex.read(client.getManifest(ImageReference.parse(image.repository())
                    .withDigest(image.index().digest())), "index");
            assertThat(index.platforms().keySet()).containsExactly(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
        }
    }

    @Test
    void tagsMoveLastAndOnlyWhenEveryImageSucceeded() throws Exception {
        run(spec("linux/amd64", "kafka-python"));
        List<String> firstRun = new ArrayList<>(registry.requests);
        int lastDigestPut = lastIndexOf(firstRun, r -> r.startsWith("PUT ") && r.contains("/manifests/sha256:"));
        int firstTagPut = indexOf(firstRun, r -> r.startsWith("PUT ") && (r.endsWith("/manifests/3.11") || r.endsWith("/manifests/latest")));
        assertThat(lastDigestPut).as("every index is pushed before the first tag moves").isLessThan(firstTagPut);
        Map<String, String> before = tags();
        assertThat(before).hasSize(5);

        // everything changes (the root), and the last image fails: no tag moves, none is created
        amd64.failBuildsOf("fastapi-base");
        registry.requests.clear();
        Path file = dir.resolve("loom.yaml");
        Files.writeString(file, Files.readString(file).replace("PYTHONUNBUFFERED: \"1\"", "PYTHONUNBUFFERED: \"0\""));
        EngineException failed = catchThrowableOfType(EngineException.class, () -> run(new SpecLoader(Map.of()).load(file)));
        assertThat(failed.getMessage()).contains("fastapi-base").contains("(E: Unable to locate package no-such-package)");
        assertThat(tags()).isEqualTo(before);
        assertThat(registry.requests).noneMatch(r -> r.startsWith("PUT ") && (r.endsWith("/3.11") || r.endsWith("/latest")));
    }

    @Test
    void planningChangesNothing() throws Exception {
        HierarchySpec spec = spec("linux/amd64", "x");
        BuildPlan plan = build(spec, Engines.single(amd64), true, 2, new ArrayList<>()).plan();
        assertThat(plan.builds()).isEqualTo(4);
        assertThat(plan.toResult().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.BUILD);
        assertThat(amd64.builds).isEmpty();
        assertThat(amd64.pushes).isEmpty();
        assertThat(registry.requests).allMatch(r -> r.startsWith("GET ") || r.startsWith("HEAD ") || r.startsWith("PUT /v2/debian")
                || r.startsWith("POST /v2/debian") || r.startsWith("PATCH /v2/debian"));
    }

    @Test
    void withoutPushImagesStayInTheEngineUnderTheirTags() throws Exception {
        registry.requests.clear();
        BuildResult result = build(spec("linux/amd64", "x"), Engines.single(amd64), false, 2, new ArrayList<>()).run();
        assertThat(result.pushed()).isFalse();
        assertThat(amd64.pushes).isEmpty();
        assertThat(registry.requests).noneMatch(r -> r.startsWith("PUT ") || r.startsWith("POST "));
        assertThat(result.image("fastapi-base").index()).isNull();
        String tagged = registry.host() + "/loom/fastapi-base:latest";
        assertThat(amd64.inspect(tagged)).map(d -> d.id()).contains(result.image("fastapi-base").platforms().get(0).imageId());

        BuildResult again = build(spec("linux/amd64", "x"), Engines.single(amd64), false, 2, new ArrayList<>()).run();
        assertThat(again.images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSED);
        assertThat(again.image("kafka-base").platforms().get(0).reason().kind()).isEqualTo(Reason.Kind.FOUND_LOCALLY);
    }

    private static int indexOf(List<String> list, java.util.function.Predicate<String> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no matching request");
    }

    private static int lastIndexOf(List<String> list, java.util.function.Predicate<String> p) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no matching request");
    }

    private static int indexOf(List<BuildEvent> events, Class<?> type, String image) {
        synchronized (events) {
            for (int i = 0; i < events.size(); i++) {
                BuildEvent e = events.get(i);
                String name = e instanceof BuildEvent.Started s ? s.image() : e instanceof BuildEvent.Finished f ? f.image() : null;
                if (type.isInstance(e) && image.equals(name)) {
                    return i;
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " event for " + image);
    }
}
