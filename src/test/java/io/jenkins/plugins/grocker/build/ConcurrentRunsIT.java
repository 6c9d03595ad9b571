package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.LockFile;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Loom chain (python-base -> kafka-python-base -> fastapi-base, from examples/loom without Debian packages, so
 * that four builds at once stay quick) built by several {@code grocker base} processes at the same time against the
 * real engine and a real registry, with a change that makes every image new. A machine is a cache directory (its
 * locks); runs on one machine share it. To be sure the runs meet, the test holds python-base's lock on every machine
 * until every run says it waits for it, then lets go: the runs of a machine line up behind one key, and the machines
 * race each other to publish it.
 *
 * <p>Every run exits 0; each key is built at most once per machine; every run's result names what the registry holds
 * at the end (key tags, indexes, tags); the tags form one chain (each child's image was built on the image its parent's
 * tag names, as its {@code io.grocker.from} label says).
 */
class ConcurrentRunsIT {
    private static final List<String> CHAIN = List.of("python-base", "kafka-python-base", "fastapi-base");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

    @TempDir
    Path dir;

    @Test
    void twoRunsOnOneMachineBuildEachImageOnce() throws Exception {
        List<JsonNode> results = runTogether(List.of("agent", "agent"));
        for (String image : CHAIN) {
            String key = platform(results.get(0), image).path("key").asText();
            assertThat(TestEnvironment.get().engine.imagesWithLabel(ImageBuild.KEY_LABEL, key))
                    .as("images of " + image + " with key " + key + " in the engine").hasSize(1);
        }
    }

    @Test
    void fourRunsOnTwoMachinesAgreeOnOneSetOfImages() throws Exception {
        runTogether(List.of("agent-1", "agent-2", "agent-1", "agent-2"));
    }

    /** Runs {@code grocker base} once per entry, on the machine it names, all at once; checks and returns the results. */
    private List<JsonNode> runTogether(List<String> machines) throws Exception {
        TestEnvironment t = TestEnvironment.get();
        long started = System.nanoTime();
        String change = UUID.randomUUID().toString();
        Path spec = spec(t);
        String pythonKey = pythonBaseKey(t, spec, change);

        List<LockFile> held = new ArrayList<>();
        for (String machine : new LinkedHashSet<>(machines)) {
            Path locks = KeyLocks.fromEnvironment(Map.of("GROCKER_CACHE_DIR", dir.resolve(machine).toString())).directory();
            held.add(LockFile.acquire(locks.resolve(pythonKey + ".lock"), Duration.ofMinutes(1), d -> { }));
        }
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int i = 0; i < machines.size(); i++) {
                logs.add(dir.resolve("run-" + i + ".log"));
                processes.add(start(t, spec, change, machines.get(i), i));
            }
            // every run has planned and lines up behind python-base's key on its machine
            awaitInEveryLog(processes, logs, "waiting for another build of python-base linux/amd64 (key ");
        } finally {
            for (LockFile lock : held) {
                lock.close();
            }
        }
        for (int i = 0; i < processes.size(); i++) {
            assertThat(processes.get(i).waitFor(RUN_TIMEOUT.toMinutes(), TimeUnit.MINUTES)).as("run " + i + " ends").isTrue();
            assertThat(processes.get(i).exitValue()).as("exit code of run " + i + ":\n" + Files.readString(logs.get(i))).isZero();
        }
        List<JsonNode> results = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            results.add(JSON.readTree(dir.resolve("result-" + i + ".json").toFile()));
        }

        builtAtMostOncePerMachine(machines, results, logs);
        for (int i = 0; i < results.size(); i++) {
            agreesWithRegistry(t, results.get(i), "run " + i);
            for (String image : CHAIN) {
                assertThat(image(results.get(i), image).path("index").path("digest").asText()).as(image + " in run " + i)
                        .isEqualTo(image(results.get(0), image).path("index").path("digest").asText());
            }
        }
        consistentChain(t);
        System.out.printf("ConcurrentRunsIT: %d runs on %d machine(s) in %.1fs%n", machines.size(),
                new LinkedHashSet<>(machines).size(), (System.nanoTime() - started) / 1e9);
        for (int i = 0; i < results.size(); i++) {
            for (String image : CHAIN) {
                JsonNode p = platform(results.get(i), image);
                System.out.printf("  run %d on %s: %s %s (%s)%n", i, machines.get(i), image, p.path("status").asText(),
                        p.path("reason").asText());
            }
        }
        return results;
    }

    /** examples/loom without Debian packages, a change in python-base (and so in every image) from LOOM_CHANGE. */
    private Path spec(TestEnvironment t) throws Exception {
        Files.copy(t.root.resolve("examples/loom/healthcheck.py"), dir.resolve("healthcheck.py"));
        Path spec = dir.resolve("loom.yaml");
        Files.writeString(spec, """
                registry: "${GROCKER_REGISTRY}/loom-concurrent"
                platforms: [linux/amd64]
                images:
                  - name: python-base
                    from: "${GROCKER_REGISTRY}/debian:bookworm"
                    env: {PYTHONUNBUFFERED: "1", TZ: UTC, LOOM_CHANGE: "${LOOM_CHANGE}"}
                    user: {name: appuser, uid: 1000}
                    workdir: /app
                    files:
                      - {src: healthcheck.py, dest: /usr/local/bin/healthcheck, mode: "0755"}
                    tags: ["3.11"]
                  - name: kafka-python-base
                    parent: python-base
                    env: {LOOM_LAYER: kafka}
                    tags: ["3.11"]
                  - name: fastapi-base
                    parent: kafka-python-base
                    ports: ["8000"]
                    env: {HEALTHCHECK_URL: "http://127.0.0.1:8000/health"}
                    tags: ["3.11", latest]
                """);
        return spec;
    }

    /** The key python-base will have in the runs (the plan changes nothing). */
    private static String pythonBaseKey(TestEnvironment t, Path spec, String change) throws Exception {
        BuildPlan plan = BaseBuild.of(new SpecLoader(t.env(Map.of("LOOM_CHANGE", change))).load(spec),
                new BuildOptions(List.of(Platform.LINUX_AMD64), true, "host", 2, Map.of()),
                BuildServices.of(t.engine, t.registryClient, Credentials.none(), e -> { })).plan();
        Decision python = plan.decisions("python-base").get(Platform.LINUX_AMD64);
        assertThat(python).as("the change makes python-base new").isInstanceOf(Decision.Build.class);
        return ((Decision.Build) python).key().hex();
    }

    private Process start(TestEnvironment t, Path spec, String change, String machine, int i) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("grocker.jar", t.root.resolve("target/grocker.jar").toString());
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar, "base", "--spec", spec.toString(),
                "--platform", "linux/amd64", "--output-json", dir.resolve("result-" + i + ".json").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("run-" + i + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.putAll(t.env(Map.of()));
        env.put("LOOM_CHANGE", change);
        env.put("GROCKER_CACHE_DIR", dir.resolve(machine).toString());
        return builder.start();
    }

    private static void awaitInEveryLog(List<Process> processes, List<Path> logs, String line) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        for (int i = 0; i < logs.size(); i++) {
            while (!Files.readString(logs.get(i)).contains(line)) {
                assertThat(processes.get(i).isAlive()).as("run " + i + " is still going:\n" + Files.readString(logs.get(i))).isTrue();
                assertThat(System.nanoTime()).as("run " + i + " says '" + line + "' in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /**
     * Per machine and key, at most one run built the image: status built, or a build another machine's image won
     * over (an adoption).
     */
    private static void builtAtMostOncePerMachine(List<String> machines, List<JsonNode> results, List<Path> logs) throws Exception {
        Map<String, Map<String, List<Integer>>> builders = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
            for (String image : CHAIN) {
                JsonNode p = platform(results.get(i), image);
                boolean built = p.path("status").asText().equals("built")
                        || p.path("reason").asText().startsWith("another build published key ");
                if (built) {
                    builders.computeIfAbsent(machines.get(i), m -> new HashMap<>())
                            .computeIfAbsent(image + " key " + p.path("key").asText(), k -> new ArrayList<>()).add(i);
                }
            }
        }
        StringBuilder all = new StringBuilder();
        for (Path log : logs) {
            all.append(log.getFileName()).append(":\n").append(Files.readString(log)).append('\n');
        }
        builders.forEach((machine, byKey) -> byKey.forEach((key, runs) ->
                assertThat(runs).as(key + " built on " + machine + " by runs " + runs + "\n" + all).hasSize(1)));
        Set<String> builtSomewhere = new LinkedHashSet<>();
        builders.values().forEach(byKey -> byKey.keySet().forEach(k -> builtSomewhere.add(k.substring(0, k.indexOf(" key ")))));
        assertThat(builtSomewhere).as("the change made every image new").containsExactlyInAnyOrderElementsOf(CHAIN);
    }

    /** The registry holds what the result says: every key tag, every index, every tag. */
    private static void agreesWithRegistry(TestEnvironment t, JsonNode result, String run) throws Exception {
        for (JsonNode image : result.path("images")) {
            ImageReference repository = ImageReference.parse(image.path("repository").asText());
            for (JsonNode p : image.path("platforms")) {
                Descriptor key = t.registryClient.head(repository.withTag("gk-" + p.path("key").asText())).orElseThrow();
                assertThat(key.digest().toString()).as(run + ": key tag of " + image.path("name").asText())
                        .isEqualTo(p.path("digest").asText());
            }
            assertThat(image.path("tags")).as(run + ": tags of " + image.path("name").asText()).isNotEmpty();
            for (JsonNode tag : image.path("tags")) {
                assertThat(t.registryClient.head(ImageReference.parse(tag.asText())).orElseThrow().digest().toString())
                        .as(run + ": " + tag.asText()).isEqualTo(image.path("index").path("digest").asText());
            }
        }
    }

    /** Every child tag names an image whose io.grocker.from label is the image its parent's tag names. */
    private static void consistentChain(TestEnvironment t) throws Exception {
        String repository = t.registry.host() + "/loom-concurrent/";
        Map<String, List<String>> tags = new LinkedHashMap<>();
        tags.put("python-base", List.of("3.11"));
        tags.put("kafka-python-base", List.of("3.11"));
        tags.put("fastapi-base", List.of("3.11", "latest"));
        for (int i = 1; i < CHAIN.size(); i++) {
            String parent = CHAIN.get(i - 1);
            String child = CHAIN.get(i);
            for (String parentTag : tags.get(parent)) {
                Descriptor parentImage = t.registryClient.platforms(ImageReference.parse(repository + parent + ":" + parentTag))
                        .get(Platform.LINUX_AMD64);
                for (String childTag : tags.get(child)) {
                    Descriptor childImage = t.registryClient.platforms(ImageReference.parse(repository + child + ":" + childTag))
                            .get(Platform.LINUX_AMD64);
                    String from = t.registryClient.config(ImageReference.parse(repository + child).withDigest(childImage.digest()))
                            .labels().get(ImageBuild.FROM_LABEL);
                    assertThat(from).as(child + ":" + childTag + " is built on what " + parent + ":" + parentTag + " names")
                            .isEqualTo(repository + parent + "@" + parentImage.digest());
                }
            }
        }
    }

    private static JsonNode image(JsonNode result, String name) {
        for (JsonNode image : result.path("images")) {
            if (image.path("name").asText().equals(name)) {
                return image;
            }
        }
        throw new AssertionError("no image " + name + " in " + result);
    }

    private static JsonNode platform(JsonNode result, String name) {
        return image(result, name).path("platforms").get(0);
    }
}
