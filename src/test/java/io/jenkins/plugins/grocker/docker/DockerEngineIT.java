package io.jenkins.plugins.grocker.docker;

import io.jenkins.plugins.grocker.image.Digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real Docker engine ({@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}). Needs the engine
 * running, qemu binfmt for arm64, a statically linked {@code /bin/busybox} (Debian: {@code busybox-static})
 * for the tests that run a shell, and {@code docker-registry} + {@code apache2-utils} for {@link LocalRegistry}. Fails, never skips, when something is missing. Every image it makes carries
 * a label with this run's id and is removed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerEngineIT {
    private static final String TEST_LABEL = "io.jenkins.plugins.grocker.test";
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private final String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String repo = "grocker-it/docker-engine";
    private DockerEngine engine;
    private String busyboxImage;

    @TempDir
    Path tmp;

    @BeforeAll
    void connect() throws EngineException {
        engine = DockerEngine.connect(null);
    }

    @AfterAll
    void cleanUp() throws EngineException {
        if (engine == null) {
            return;
        }
        try {
            // Children before parents: the engine lists images in no guaranteed order (several are made in the same
            // second), and a parent with a child cannot be removed. Each pass removes what it can.
            List<String> left = new ArrayList<>(engine.imagesWithLabel(TEST_LABEL, run));
            EngineException last = null;
            while (!left.isEmpty()) {
                List<String> refused = new ArrayList<>();
                for (String id : left) {
                    try {
                        engine.removeImage(id, true);
                    } catch (EngineException e) {
                        refused.add(id);
                        last = e;
                    }
                }
                if (refused.size() == left.size()) {
                    throw last;
                }
                left = refused;
            }
        } finally {
            engine.close();
        }
    }

    @Test
    void reportsVersionAndPlatform() throws EngineException {
        EngineInfo info = engine.info();

        assertThat(info.endpoint()).isEqualTo(engine.endpoint());
        assertThat(info.version()).isNotBlank();
        assertThat(info.apiVersion()).matches("1\\.\\d+");
        assertThat(info.os()).isEqualTo("linux");
        assertThat(info.architecture()).isNotBlank();
        assertThat(engine.info()).isSameAs(info);
    }

    @Test
    void unreachableEngineFailsQuicklyNamingTheEndpoint() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> DockerEngine.connect("unix:///nonexistent.sock"))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("Docker engine at unix:///nonexistent.sock is unreachable: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void buildsScratchImageForAmd64AndArm64() throws Exception {
        // the same Dockerfile twice: the engine's build cache ignores the platform, so the second build
        // only comes out right because build() checks the result
        Map<String, byte[]> files = Map.of(
                "Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n".getBytes(StandardCharsets.UTF_8),
                "hello.txt", ("hello from " + run + "\n").getBytes(StandardCharsets.UTF_8));
        Path context = contextTar(files);
        List<String> output = new ArrayList<>();

        for (Platform platform : List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64)) {
            String tag = repo + ":scratch-" + platform.slug() + "-" + run;
            String id = engine.build(BuildRequest.builder(context)
                    .platform(platform)
                    .tag(tag)
                    .label(TEST_LABEL, run)
                    .label("org.opencontainers.image.title", "hello " + platform)
                    .build(), output::add);

            assertThat(id).matches("sha256:[0-9a-f]{64}");
            ImageDetails image = engine.inspect(tag).orElseThrow();
            assertThat(image.id()).isEqualTo(id);
            assertThat(image.os()).isEqualTo("linux");
            assertThat(image.architecture()).as("architecture of %s", tag).isEqualTo(platform.architecture());
            assertThat(image.labels())
                    .containsEntry(TEST_LABEL, run)
                    .containsEntry("org.opencontainers.image.title", "hello " + platform);
        }
        assertThat(output).anyMatch(line -> line.startsWith("Step 1/"));
        assertThat(engine.imagesWithLabel(TEST_LABEL, run)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void unknownInstructionFailsWithTheDaemonsMessage() throws IOException {
        Path context = contextTar(Map.of("Dockerfile", "FROMM scratch\n".getBytes(StandardCharsets.UTF_8)));
        String tag = repo + ":bad-" + run;

        assertThatThrownBy(() -> engine.build(BuildRequest.builder(context)
                        .platform(Platform.LINUX_AMD64)
                        .tag(tag)
                        .label(TEST_LABEL, run)
                        .build(), line -> {}))
                .isInstanceOf(EngineException.class)
                .hasMessage("build of " + tag + " for linux/amd64 failed: dockerfile parse error line 1: unknown instruction: FROMM");
    }

    @Test
    void failingRunStepFailsWithTheDaemonsMessage() throws Exception {
        Path context = contextTar(Map.of(
                "Dockerfile", ("FROM " + busyboxImage() + "\nRUN echo about to fail && false\n").getBytes(StandardCharsets.UTF_8)));
        String tag = repo + ":runfalse-" + run;
        List<String> output = new ArrayList<>();

        assertThatThrownBy(() -> engine.build(BuildRequest.builder(context).tag(tag).label(TEST_LABEL, run).build(), output::add))
                .isInstanceOf(EngineException.class)
                .hasMessage("build of " + tag + " for the engine's platform failed: "
                        + "The command '/bin/sh -c echo about to fail && false' returned a non-zero code: 1");
        assertThat(output).contains("about to fail");
    }

    @Test
    void runsACommandAndCollectsOutputAndExitCode() throws Exception {
        ContainerResult result = engine.run(RunRequest.builder(busyboxImage())
                .command("sh", "-c", "echo hi; echo oops >&2; exit 3")
                .timeout(Duration.ofMinutes(1))
                .build());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output().lines().toList()).containsExactlyInAnyOrder("hi", "oops");
    }

    @Test
    void runsAsTheGivenUserWithTheGivenEnvironment() throws Exception {
        ContainerResult result = engine.run(RunRequest.builder(busyboxImage())
                .command("sh", "-c", "id -u; echo \"$GREETING\"")
                .user("1000")
                .env("GREETING", "hello world")
                .build());

        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).isEqualTo("1000\nhello world\n");
    }

    @Test
    void entrypointCanBeReplaced() throws Exception {
        ContainerResult result = engine.run(RunRequest.builder(busyboxImage())
                .entrypoint("/bin/busybox", "echo")
                .command("from", "entrypoint")
                .build());

        assertThat(result.output()).isEqualTo("from entrypoint\n");
    }

    @Test
    void containerThatRunsTooLongIsKilled() throws Exception {
        String image = busyboxImage();
        long start = System.nanoTime();

        assertThatThrownBy(() -> engine.run(RunRequest.builder(image)
                        .command("sleep", "60")
                        .timeout(Duration.ofSeconds(2))
                        .build()))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("did not finish within PT2S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void missingExecutableFailsToStart() throws Exception {
        String image = busyboxImage();

        assertThatThrownBy(() -> engine.run(RunRequest.builder(image).command("/no/such/program").build()))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("starting a container from " + image + " failed: ")
                .hasMessageContaining("/no/such/program");
    }

    @Test
    void absentImagesAreEmptyAndRemovingThemIsNoError() throws EngineException {
        String absent = repo + ":absent-" + run;

        assertThat(engine.inspect(absent)).isEmpty();
        engine.removeImage(absent, false);
        // run pulls what the engine does not have, as docker run does; here the pull cannot succeed
        assertThatThrownBy(() -> engine.run(RunRequest.builder(absent).build()))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("pull of docker.io/" + absent + " failed: ");
    }

    @Test
    void tagsMoveToTheImage() throws Exception {
        String image = busyboxImage();
        ImageReference target = ImageReference.parse("127.0.0.1:5999/" + repo + ":tagged-" + run);

        engine.tag(image, target);

        assertThat(engine.inspect(target.toString())).map(ImageDetails::id).contains(image);
        engine.removeImage(target.toString(), false);
        assertThat(engine.inspect(image)).isPresent();
    }

    @Test
    void pushReportsTheManifestDigestAndArm64ChildrenBuildFromIt() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            String base = engine.build(BuildRequest.builder(contextTar(Map.of(
                            "Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n".getBytes(StandardCharsets.UTF_8),
                            "hello.txt", ("arm64 base " + run + "\n").getBytes(StandardCharsets.UTF_8))))
                    .platform(Platform.LINUX_ARM64)
                    .label(TEST_LABEL, run)
                    .build(), line -> {});
            ImageReference target = ImageReference.parse(registry.host() + "/grocker-it/base:arm64-" + run);
            List<String> output = new ArrayList<>();

            engine.tag(base, target);
            String digest = engine.push(target, null, output::add);

            assertThat(digest).matches("sha256:[0-9a-f]{64}");
            assertThat(registryDigest(target)).isEqualTo(digest);
            assertThat(output).anyMatch(line -> line.contains("digest: " + digest));
            assertThat(engine.inspect(base).orElseThrow().repoDigests()).contains(target.name() + "@" + digest);

            // FROM by digest and FROM by image id both give arm64 children when the platform is set
            for (String from : List.of(target.name() + "@" + digest, base)) {
                String child = engine.build(BuildRequest.builder(contextTar(Map.of(
                                "Dockerfile", ("FROM " + from + "\nLABEL child=yes\n").getBytes(StandardCharsets.UTF_8))))
                        .platform(Platform.LINUX_ARM64)
                        .label(TEST_LABEL, run)
                        .build(), line -> {});
                ImageDetails details = engine.inspect(child).orElseThrow();
                assertThat(details.architecture()).as("child of %s", from).isEqualTo("arm64");
                assertThat(details.labels()).containsEntry("child", "yes");
            }

            // pull by digest brings the same image back
            ImageReference byDigest = target.withDigest(Digest.of(digest));
            engine.removeImage(target.toString(), false);
            engine.pull(byDigest, Platform.LINUX_ARM64, null, line -> {});
            assertThat(engine.inspect(byDigest.toString())).map(ImageDetails::id).contains(base);
        }
    }

    @Test
    void pushNeedsTheRegistrysCredentials() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithUser("ci", "s3cret")) {
            ImageReference target = ImageReference.parse(registry.host() + "/grocker-it/private:" + run);
            engine.tag(busyboxImage(), target);
            try {
                assertThatThrownBy(() -> engine.push(target, null, line -> {}))
                        .isInstanceOf(EngineException.class)
                        .hasMessageStartingWith("push of " + target + " failed: ")
                        .hasMessageContaining("basic auth");

                String digest = engine.push(target, new RegistryAuth(registry.host(), "ci", "s3cret"), line -> {});

                assertThat(digest).matches("sha256:[0-9a-f]{64}");
            } finally {
                engine.removeImage(target.toString(), false);
            }
        }
    }

    @Test
    void pullOfAnAbsentTagNamesIt() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            ImageReference absent = ImageReference.parse(registry.host() + "/grocker-it/absent:" + run);

            assertThatThrownBy(() -> engine.pull(absent, null, null, line -> {}))
                    .isInstanceOf(EngineException.class)
                    .hasMessageStartingWith("pull of " + absent + " failed: ")
                    .hasMessageContaining("not found");
        }
    }

    // ---- helpers

    /** The digest the registry serves for a tag (Docker-Content-Digest of a HEAD request). */
    private static String registryDigest(ImageReference ref) throws IOException, InterruptedException {
        HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://" + ref.registry() + "/v2/" + ref.repository() + "/manifests/" + ref.tag()))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                                + "application/vnd.oci.image.manifest.v1+json")
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).as("HEAD %s", ref).isEqualTo(200);
        return head.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    /** A FROM scratch image holding a static busybox with its applets linked into /bin; built once per run. */
    private synchronized String busyboxImage() throws Exception {
        if (busyboxImage == null) {
            requireStaticBusybox();
            Path context = contextTar(Map.of(
                    "Dockerfile", ("FROM scratch\nCOPY busybox /bin/busybox\n"
                            + "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
                            + "ENV PATH=/bin\n").getBytes(StandardCharsets.UTF_8),
                    "busybox", Files.readAllBytes(BUSYBOX)));
            busyboxImage = engine.build(BuildRequest.builder(context)
                    .platform(Platform.LINUX_AMD64)
                    .tag(repo + ":busybox-" + run)
                    .label(TEST_LABEL, run)
                    .build(), line -> {});
        }
        return busyboxImage;
    }

    /** Fails (does not skip) unless /bin/busybox is an x86-64 ELF without a program interpreter. */
    static void requireStaticBusybox() throws IOException {
        String hint = "these tests need a statically linked /bin/busybox: apt-get install -y busybox-static";
        if (!Files.isRegularFile(BUSYBOX)) {
            fail(BUSYBOX + " is missing; " + hint);
        }
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(BUSYBOX)).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.getShort(18) != 0x3e) {
            fail(BUSYBOX + " is not an x86-64 ELF executable; " + hint);
        }
        long phoff = elf.getLong(32);
        int phentsize = Short.toUnsignedInt(elf.getShort(54));
        int phnum = Short.toUnsignedInt(elf.getShort(56));
        for (int i = 0; i < phnum; i++) {
            int type = elf.getInt((int) (phoff + (long) i * phentsize));
            if (type == 3) { // PT_INTERP: dynamically linked
                fail(BUSYBOX + " is dynamically linked; " + hint);
            }
        }
    }

    /** A build context tar with the given files (executable when named busybox). */
    Path contextTar(Map<String, byte[]> files) throws IOException {
        Path tar = Files.createTempFile(tmp, "context-", ".tar");
        try (OutputStream out = Files.newOutputStream(tar);
                TarArchiveOutputStream archive = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> file : new LinkedHashMap<>(files).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(file.getKey().endsWith("busybox") ? 0100755 : 0100644);
                archive.putArchiveEntry(entry);
                archive.write(file.getValue());
                archive.closeArchiveEntry();
            }
        }
        return tar;
    }
}
