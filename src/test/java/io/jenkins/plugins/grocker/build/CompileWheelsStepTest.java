package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.docker.BuildRequest;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.EngineInfo;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.AppSpecLoader;
import io.jenkins.plugins.grocker.wheels.WheelCache;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compilations that share the dependency wheel cache of one machine. */
class CompileWheelsStepTest {
    private static final String DEPENDENCY = "dep-1.0-py3-none-any.whl";
    private static final String APP = "hello-1.0-py3-none-any.whl";

    @TempDir
    Path dir;

    /**
     * A compiler container in memory: it "builds" a dependency wheel unless the input carries it in the cache, and the
     * application wheel; it records what each run was given and how many ran at once.
     */
    private static final class Compiler implements ContainerEngine {
        final List<List<String>> cachedWheelsGiven = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        volatile Runnable duringRun = () -> { };

        @Override
        public String endpoint() {
            return "stub://compiler";
        }

        @Override
        public EngineInfo info() {
            return new EngineInfo("stub", "1", "1.41", "linux", "x86_64");
        }

        @Override
        public String build(BuildRequest request, Consumer<String> output) throws EngineException {
            throw new EngineException("not here");
        }

        @Override
        public Optional<ImageDetails> inspect(String imageRefOrId) {
            return Optional.empty();
        }

        @Override
        public void tag(String imageId, ImageReference target) {}

        @Override
        public String push(ImageReference target, RegistryAuth auth, Consumer<String> output) throws EngineException {
            throw new EngineException("not here");
        }

        @Override
        public io.jenkins.plugins.grocker.docker.ImageFiles files(String imageId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ContainerResult run(RunRequest request, Path input, String outputPath, Path output, Consumer<String> lines) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Map<String, byte[]> cached = new java.util.TreeMap<>();
                try (InputStream in = Files.newInputStream(input); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                    for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                        if (e.getName().startsWith("tmp/grocker/cache/") && e.getName().endsWith(".whl")) {
                            cached.put(e.getName().substring("tmp/grocker/cache/".length()), tar.readAllBytes());
                        }
                    }
                }
                cachedWheelsGiven.add(List.copyOf(cached.keySet()));
                duringRun.run();
                byte[] dependency = cached.getOrDefault(DEPENDENCY,
                        ("dependency built in run " + cachedWheelsGiven.size()).getBytes(StandardCharsets.UTF_8));
                try (OutputStream out = Files.newOutputStream(output); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                    file(tar, "out/app-wheel", APP.getBytes(StandardCharsets.UTF_8));
                    file(tar, "out/python-tag", "cp311".getBytes(StandardCharsets.UTF_8));
                    file(tar, "out/wheels/" + DEPENDENCY, dependency);
                    file(tar, "out/wheels/" + APP, "application".getBytes(StandardCharsets.UTF_8));
                }
                return new ContainerResult(0, "");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }

        private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(bytes.length);
            tar.putArchiveEntry(e);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
    }

    @Test
    void twoCompilationsOnOneMachineTakeTurnsAndTheSecondUsesTheDependencyWheelsOfTheFirst() throws Exception {
        Files.createDirectories(dir.resolve("src/hello"));
        Files.writeString(dir.resolve("src/hello/__init__.py"), "");
        Path appFile = dir.resolve("app.yaml");
        Files.writeString(appFile, """
                app: ./src
                base: "127.0.0.1:5000/debian:bookworm"
                image: "127.0.0.1:5000/apps/hello"
                platforms: [linux/amd64]
                entrypoint: {default: www, services: {www: [python, -m, hello]}}
                """);
        AppSpec app = new AppSpecLoader(Map.of()).load(appFile);
        IndexAccess index = IndexAccess.resolve(app, Map.of());
        WheelCache cache = new WheelCache(dir.resolve("cache"));
        BuildResult.PlatformResult compilerImage = new BuildResult.PlatformResult("linux/amd64", null, "sha256:" + "c".repeat(64),
                "k".repeat(64), Status.BUILT, Reason.newKey("kkkk"), 0, "stub://compiler");
        Compiler compiler = new Compiler();
        CountDownLatch someoneWaits = new CountDownLatch(1);
        List<String> said = new CopyOnWriteArrayList<>();
        BuildListener listener = e -> {
            if (e instanceof BuildEvent.Info info) {
                said.add(info.message());
                if (info.message().startsWith("waiting for another compilation")) {
                    someoneWaits.countDown();
                }
            }
        };
        // whichever compilation runs first goes on only once the other one says it waits
        compiler.duringRun = () -> {
            try {
                if (!someoneWaits.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other compilation did not wait: both compile at once");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        List<CompletableFuture<CompileWheelsStep.Outcome>> compilations = new ArrayList<>();
        for (String workspace : List.of("one", "two")) {
            CompileWheelsStep step = new CompileWheelsStep(app, Platform.LINUX_AMD64, compilerImage, index,
                    dir.resolve(workspace + "/wheels"), null, compiler, cache, "host", listener);
            compilations.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return step.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Wheelhouse.Source> dependencySources = new ArrayList<>();
        for (CompletableFuture<CompileWheelsStep.Outcome> c : compilations) {
            Wheelhouse.PlatformWheels wheels = c.get(40, TimeUnit.SECONDS).wheels();
            dependencySources.add(wheels.wheels().stream().filter(f -> f.file().equals(DEPENDENCY)).findFirst().orElseThrow().source());
        }

        assertThat(compiler.mostAtOnce.get()).isEqualTo(1);
        assertThat(compiler.cachedWheelsGiven).containsExactlyInAnyOrder(List.of(), List.of(DEPENDENCY));
        assertThat(dependencySources).containsExactlyInAnyOrder(Wheelhouse.Source.BUILT, Wheelhouse.Source.CACHE);
        assertThat(said).filteredOn(m -> m.startsWith("waiting for another compilation")).hasSize(1).first().asString()
                .contains("compile hello linux/amd64").contains("wheel pool kkkkkkkkkkkk");
    }
}
