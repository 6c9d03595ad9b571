package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.AuthenticatedIndex;
import io.jenkins.plugins.grocker.testing.SampleApp;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The sample application (a C extension, a console script, a dependency, an extra) served by a package
 * index with basic auth, compiled to wheels and installed into a runner, for linux/amd64 and linux/arm64.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppIT {
    private static final String USER = "ci-reader";
    private static final String PASSWORD = "Idx-s3cret-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestEnvironment t;
    private static AuthenticatedIndex index;
    private static Path work;
    private static Path spec;
    private static Path wheels;
    private static Map<String, String> env;
    private static final List<String> logs = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        t = TestEnvironment.get();
        work = Files.createTempDirectory("grocker-app-it-");
        index = new AuthenticatedIndex(USER, PASSWORD);
        for (SampleApp.Project p : SampleApp.PROJECTS) {
            index.add(SampleApp.sdist(p.name(), p.version(), work.resolve("dist")), p.name());
        }
        Path base = work.resolve("base.yaml");
        Files.writeString(base, "registry: " + t.registry.host() + "/apptest\nplatforms: [linux/amd64, linux/arm64]\nimages:\n"
                + "  - {name: py, from: " + t.debian() + ", packages: [python3], tags: [\"1\"]}\n");
        TestEnvironment.Cli built = t.cli(Map.of(), "base", "--spec", base.toString());
        assertThat(built.code()).as(built.err() + built.out()).isZero();
        Files.writeString(work.resolve("app.ini"), "[app]\nenv = ${APP_ENV}\n");
        spec = work.resolve("app.yaml");
        writeSpec(SampleApp.V1, "[gcc, libc6-dev, python3-dev]");
        wheels = work.resolve("wheels");
        env = Map.of("SAMPLE_INDEX_USER", USER, "SAMPLE_INDEX_PASSWORD", PASSWORD,
                "GROCKER_CACHE_DIR", work.resolve("cache").toString());
    }

    @AfterAll
    static void tearDown() {
        if (index != null) {
            index.close();
        }
    }

    private static void writeSpec(String version, String buildDependencies) throws Exception {
        Files.writeString(spec, """
                app: "grocker-sample[web]==%s"
                base: %s/apptest/py:1
                image: %s/apps/grocker-sample
                platforms: [linux/amd64, linux/arm64]
                dependencies:
                  build: %s
                index:
                  url: %s
                  credentials: {usernameEnv: SAMPLE_INDEX_USER, passwordEnv: SAMPLE_INDEX_PASSWORD}
                entrypoint:
                  default: cli
                  services:
                    cli: [grocker-sample]
                    worker: [python, -m, grocker_sample_web.worker]
                    scheduler: "python -m grocker_sample_web.scheduler"
                  requiredEnv: [APP_ENV]
                  templates: [{src: app.ini, dest: /app/app.ini}]
                user: {name: app, uid: 1001}
                workdir: /app
                volumes: [/data]
                ports: ["8000"]
                healthcheck: {command: [python, -c, "import grocker_sample"], interval: 30s}
                tags: ["{version}", latest]
                """.formatted(version, t.registry.host(), t.registry.host(), buildDependencies, index.url()));
    }

    private static TestEnvironment.Cli cli(String... args) {
        TestEnvironment.Cli r = t.cli(env, args);
        synchronized (logs) {
            logs.add(r.out());
            logs.add(r.err());
        }
        return r;
    }

    private static ContainerResult run(String image, Platform platform, Map<String, String> vars, String... command) throws Exception {
        RunRequest.Builder request = RunRequest.builder(image).platform(platform).command(List.of(command));
        vars.forEach(request::env);
        return t.engine.run(request.build());
    }

    @Test
    @Order(1)
    void compilesAndRunsOnBothPlatforms() throws Exception {
        Path compileJson = work.resolve("compile.json");
        TestEnvironment.Cli compile = cli("compile", "--spec", spec.toString(), "--output", wheels.toString(),
                "--output-json", compileJson.toString());
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        JsonNode manifest = JSON.readTree(wheels.resolve("wheelhouse.json").toFile());
        assertThat(manifest.get("app").asText()).isEqualTo("grocker-sample");
        assertThat(manifest.get("version").asText()).isEqualTo(SampleApp.V1);
        assertThat(manifest.get("requirement").asText()).isEqualTo("grocker-sample[web]==1.0.0");
        for (String platform : List.of("linux/amd64", "linux/arm64")) {
            JsonNode p = manifest.get("platforms").get(platform);
            assertThat(p.get("pythonTag").asText()).isEqualTo("cp311");
            assertThat(p.get("appWheel").asText()).startsWith("grocker_sample-1.0.0-cp311-cp311-linux_")
                    .endsWith(platform.endsWith("arm64") ? "aarch64.whl" : "x86_64.whl");
            List<String> files = new ArrayList<>();
            for (JsonNode w : p.get("wheels")) {
                files.add(w.get("file").asText());
                Path file = wheels.resolve(p.get("directory").asText()).resolve(w.get("file").asText());
                assertThat(io.jenkins.plugins.grocker.wheels.WheelhouseStore.sha256(file)).isEqualTo(w.get("sha256").asText());
                assertThat(Files.size(file)).isEqualTo(w.get("size").asLong());
            }
            assertThat(files).hasSize(3).anyMatch(f -> f.startsWith("grocker_sample_helper-1.0.0"))
                    .anyMatch(f -> f.startsWith("grocker_sample_web-1.0.0"));
        }
        // The index needs the credentials, and pip had them (it sends them up front, so no 401 shows in the log).
        var anonymous = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(index.url() + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(index.log()).anyMatch(r -> r.status() == 200 && USER.equals(r.user()) && r.path().endsWith(".tar.gz"));

        Path runnerJson = work.resolve("runner.json");
        Path runnerReport = work.resolve("runner-report.html");
        TestEnvironment.Cli runner = cli("runner", "--spec", spec.toString(), "--wheels", wheels.toString(),
                "--output-json", runnerJson.toString(), "--report", runnerReport.toString());
        assertThat(runner.code()).as(runner.err() + runner.out()).isZero();
        assertThat(Files.readString(runnerReport)).contains("apps/grocker-sample").contains("linux/arm64").contains("sbom");
        JsonNode image = JSON.readTree(runnerJson.toFile()).get("images").get(0);
        Digest indexDigest = Digest.of(image.get("index").get("digest").asText());
        ImageReference repo = ImageReference.parse(t.registry.host() + "/apps/grocker-sample");
        Map<Platform, Descriptor> platforms = t.registryClient.platforms(repo.withDigest(indexDigest));
        assertThat(platforms).containsOnlyKeys(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
        assertThat(t.registryClient.head(repo.withTag("1.0.0")).orElseThrow().digest()).isEqualTo(indexDigest);
        assertThat(t.registryClient.head(repo.withTag("latest")).orElseThrow().digest()).isEqualTo(indexDigest);

        // the SBOM attached to each platform image lists the wheels installed in the virtual environment and the
        // Debian packages, read from the image's files (nothing ran in it)
        for (Platform platform : List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64)) {
            TestEnvironment.Cli sbom = cli("sbom", repo.name() + ":1.0.0", "--platform", platform.toString());
            assertThat(sbom.code()).as(sbom.err()).isZero();
            assertThat(sbom.out()).contains("\"purl\" : \"pkg:pypi/grocker-sample@1.0.0\"")
                    .contains("pkg:pypi/grocker-sample-helper@1.0.0").contains("pkg:pypi/grocker-sample-web@1.0.0")
                    .contains("/site-packages/grocker_sample-1.0.0.dist-info")
                    .contains("pkg:deb/debian/python3@").contains("?arch=" + platform.architecture())
                    .doesNotContain(PASSWORD);
        }
        Map<String, String> appEnv = Map.of("APP_ENV", "staging");
        for (Platform platform : List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64)) {
            String ref = repo.name() + "@" + platforms.get(platform).digest();
            ContainerResult service = run(ref, platform, appEnv);
            assertThat(service.exitCode()).as(service.output()).isZero();
            assertThat(service.output()).contains(SampleApp.LINE_V1);
            assertThat(run(ref, platform, appEnv, "worker").output()).contains(SampleApp.WORKER_LINE);
            assertThat(run(ref, platform, appEnv, "scheduler").output()).contains(SampleApp.SCHEDULER_LINE);
            ContainerResult adHoc = run(ref, platform, appEnv, "python", "-c",
                    "import platform, os; print(platform.machine(), os.getuid(), open('/app/app.ini').read().split()[-1])");
            assertThat(adHoc.output()).contains((platform.equals(Platform.LINUX_ARM64) ? "aarch64" : "x86_64") + " 1001 staging");
            ContainerResult missing = run(ref, platform, Map.of());
            assertThat(missing.exitCode()).isEqualTo(78);
            assertThat(missing.output()).contains("missing required environment variables: APP_ENV");
            ContainerResult residue = run(ref, platform, appEnv, "sh", "-c",
                    "command -v gcc cc || echo no-compiler; find / -xdev -name '*.whl' 2>/dev/null | head; ls /tmp/grocker 2>&1 | head -1");
            assertThat(residue.output()).contains("no-compiler").doesNotContain(".whl").contains("No such file");
        }
        ImageDetails details = t.engine.inspect(repo.name() + "@" + platforms.get(Platform.LINUX_AMD64).digest()).orElseThrow();
        assertThat(details.user()).isEqualTo("1001:1001");
        assertThat(details.healthcheck().test()).containsExactly("CMD", "python", "-c", "import grocker_sample");
        assertThat(details.labels()).containsEntry("io.grocker.app.name", "grocker-sample").containsEntry("io.grocker.app.version", "1.0.0");
        assertThat(details.exposedPorts()).contains("8000/tcp");

        // The index password is nowhere: not in logs, result files, image history or any layer.
        String password = PASSWORD;
        synchronized (logs) {
            assertThat(String.join("\n", logs)).doesNotContain(password);
        }
        for (Path file : List.of(compileJson, runnerJson, wheels.resolve("wheelhouse.json"))) {
            assertThat(Files.readString(file)).doesNotContain(password);
        }
        for (String img : List.of(repo.name() + "@" + platforms.get(Platform.LINUX_AMD64).digest(),
                manifest.get("platforms").get("linux/amd64").get("compilerImage").asText())) {
            assertThat(command("docker", "history", "--no-trunc", img)).doesNotContain(password).doesNotContain(USER);
            assertThat(savedImageContains(img, password)).as("a layer of " + img + " holds the password").isFalse();
        }
    }

    @Test
    @Order(2)
    void aTamperedWheelIsRefused() throws Exception {
        Path copy = work.resolve("tampered");
        copyTree(wheels, copy);
        Path wheel;
        try (Stream<Path> files = Files.list(copy.resolve("linux-amd64"))) {
            wheel = files.filter(p -> p.getFileName().toString().startsWith("grocker_sample_helper")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(wheel);
        bytes[bytes.length / 2] ^= 1;
        Files.write(wheel, bytes);
        TestEnvironment.Cli r = cli("runner", "--spec", spec.toString(), "--wheels", copy.toString(), "--platform", "linux/amd64");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains(wheel.getFileName().toString()).contains("differs").doesNotContain("\n");
        assertThat(r.out()).doesNotContain("building");

        Files.delete(wheel);
        TestEnvironment.Cli gone = cli("runner", "--spec", spec.toString(), "--wheels", copy.toString(), "--platform", "linux/amd64");
        assertThat(gone.code()).isEqualTo(2);
        assertThat(gone.err()).contains(wheel.getFileName().toString()).contains("missing");
    }

    @Test
    @Order(3)
    void aNewVersionRecompilesOnlyTheAppAndReusesTheBaseLayers() throws Exception {
        TestEnvironment.Cli same = cli("compile", "--spec", spec.toString(), "--output", wheels.toString(), "--platform", "linux/amd64");
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).contains("reusing: wheelhouse key").doesNotContain("pip wheel");

        writeSpec(SampleApp.V2, "[gcc, libc6-dev, python3-dev]");
        Path compileJson = work.resolve("compile-v2.json");
        TestEnvironment.Cli compile = cli("compile", "--spec", spec.toString(), "--output", wheels.toString(), "--platform", "linux/amd64",
                "--output-json", compileJson.toString());
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        JsonNode amd64 = JSON.readTree(compileJson.toFile()).get("manifest").get("platforms").get("linux/amd64");
        Map<String, String> sources = new HashMap<>();
        amd64.get("wheels").forEach(w -> sources.put(w.get("file").asText().split("-")[0], w.get("source").asText()));
        assertThat(sources).containsEntry("grocker_sample", "built").containsEntry("grocker_sample_helper", "cache")
                .containsEntry("grocker_sample_web", "cache");

        TestEnvironment.Cli runner = cli("runner", "--spec", spec.toString(), "--wheels", wheels.toString(), "--platform", "linux/amd64");
        assertThat(runner.code()).as(runner.err() + runner.out()).isZero();
        ImageReference repo = ImageReference.parse(t.registry.host() + "/apps/grocker-sample");
        List<String> v1 = layers(repo.withTag("1.0.0"));
        List<String> v2 = layers(repo.withTag("1.1.0"));
        List<String> base = layers(ImageReference.parse(t.registry.host() + "/apptest/py:1"));
        assertThat(v2.subList(0, base.size())).isEqualTo(base).isEqualTo(v1.subList(0, base.size()));
        assertThat(v2).isNotEqualTo(v1);
        ContainerResult line = run(repo.withTag("1.1.0").toString(), Platform.LINUX_AMD64, Map.of("APP_ENV", "x"));
        assertThat(line.output()).contains(SampleApp.LINE_V2);
    }

    @Test
    @Order(4)
    void badInputAndFailures() throws Exception {
        TestEnvironment.Cli wrongPassword = t.cli(Map.of("SAMPLE_INDEX_USER", USER, "SAMPLE_INDEX_PASSWORD", "wrong-" + PASSWORD,
                "GROCKER_CACHE_DIR", work.resolve("cache").toString()),
                "compile", "--spec", spec.toString(), "--output", work.resolve("w401").toString(), "--platform", "linux/amd64");
        assertThat(wrongPassword.code()).as(wrongPassword.err()).isEqualTo(2);
        assertThat(wrongPassword.err()).contains("401").contains(index.url()).doesNotContain(PASSWORD);

        TestEnvironment.Cli noWheelhouse = cli("runner", "--spec", spec.toString(), "--wheels", work.resolve("nowhere").toString());
        assertThat(noWheelhouse.code()).isEqualTo(2);
        assertThat(noWheelhouse.err()).contains("wheelhouse.json does not exist");

        Path amd64Only = work.resolve("amd64-only");
        TestEnvironment.Cli compile = cli("compile", "--spec", spec.toString(), "--output", amd64Only.toString(), "--platform", "linux/amd64");
        assertThat(compile.code()).as(compile.err()).isZero();
        TestEnvironment.Cli otherPlatform = cli("runner", "--spec", spec.toString(), "--wheels", amd64Only.toString(),
                "--platform", "linux/arm64");
        assertThat(otherPlatform.code()).isEqualTo(2);
        assertThat(otherPlatform.err()).contains("has no linux/arm64 wheels");

        writeSpec(SampleApp.V2, "[gcc, grocker-no-such-package]");
        TestEnvironment.Cli apt = cli("compile", "--spec", spec.toString(), "--output", work.resolve("wapt").toString(), "--platform", "linux/amd64");
        assertThat(apt.code()).isEqualTo(3);
        assertThat(apt.err()).contains("grocker-no-such-package");
        writeSpec(SampleApp.V2, "[gcc, libc6-dev, python3-dev]");

        try (AuthenticatedIndex partial = new AuthenticatedIndex(USER, PASSWORD)) {
            partial.add(SampleApp.sdist(SampleApp.APP, SampleApp.V2, work.resolve("dist2")), SampleApp.APP);
            Path partialSpec = work.resolve("partial.yaml");
            Files.writeString(partialSpec, Files.readString(spec).replace(index.url(), partial.url()));
            // A fresh dependency cache: with the helper's wheel cached, pip would not need the index for it.
            TestEnvironment.Cli pip = t.cli(Map.of("SAMPLE_INDEX_USER", USER, "SAMPLE_INDEX_PASSWORD", PASSWORD,
                    "GROCKER_CACHE_DIR", work.resolve("cache-empty").toString()),
                    "compile", "--spec", partialSpec.toString(), "--output", work.resolve("wpip").toString(), "--platform", "linux/amd64");
            assertThat(pip.code()).isEqualTo(3);
            assertThat(pip.err()).contains("pip failed on grocker-sample-helper").doesNotContain("\n" + "x");
            assertThat(pip.err().strip().lines()).hasSize(1);
        }

        Path badBase = work.resolve("badbase.yaml");
        Files.writeString(badBase, Files.readString(spec).replace("/apptest/py:1", "/apptest/nope:1"));
        TestEnvironment.Cli base = cli("compile", "--spec", badBase.toString(), "--output", work.resolve("wbase").toString());
        assertThat(base.code()).isEqualTo(2);
        assertThat(base.err()).contains("field 'base'").contains("not found");
    }

    private static List<String> layers(ImageReference ref) throws Exception {
        Manifest m = t.registryClient.getManifest(ref);
        if (m.isIndex()) {
            Descriptor amd64 = t.registryClient.platforms(ref).get(Platform.LINUX_AMD64);
            m = t.registryClient.getManifest(ref.withDigest(amd64.digest()));
        }
        List<String> digests = new ArrayList<>();
        JSON.readTree(m.bytes()).get("layers").forEach(l -> digests.add(l.get("digest").asText()));
        return digests;
    }

    private static String command(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /** Exports the image with {@code docker save} and looks for {@code needle} in every file of every layer. */
    private static boolean savedImageContains(String image, String needle) throws Exception {
        Process p = new ProcessBuilder("docker", "save", image).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] pattern = needle.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        try (InputStream in = p.getInputStream(); TarArchiveInputStream outer = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = outer.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                byte[] content = outer.readAllBytes();
                found |= contains(content, pattern);
                if (e.getName().endsWith(".tar")) {
                    try (TarArchiveInputStream layer = new TarArchiveInputStream(new java.io.ByteArrayInputStream(content))) {
                        TarArchiveEntry f;
                        while ((f = layer.getNextEntry()) != null) {
                            if (!f.isDirectory()) {
                                ByteArrayOutputStream b = new ByteArrayOutputStream();
                                layer.transferTo(b);
                                found |= contains(b.toByteArray(), pattern);
                            }
                        }
                    }
                }
            }
        }
        assertThat(p.waitFor()).isZero();
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
