package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.testing.AuthenticatedIndex;
import io.jenkins.plugins.grocker.testing.RegistryProxy;
import io.jenkins.plugins.grocker.testing.SampleApp;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runner's layers split by how often they change, and no pip in it (issue 13, items 1 and 2), on the real engine
 * and registry: the sample application (a C extension and a console script) with two dependencies, the helper (an
 * sdist compiled by pip) and the web extra served as a ready-made wheel holding a {@code .pth} file, data files, a
 * script of its own and a console script. Version 1.0.0 is built, then 1.1.0 (only the application's wheel changes):
 * the dependency image is the same, the runner has one new layer, and the registry receives four blobs (counted by a
 * proxy every push goes through): that layer, the image's config and the contents of its SBOM and provenance. Both
 * compilations build without pip's isolated
 * build environments (item 3), and the bump is built by {@code grocker app}, compile and runner in one process
 * (item 4); a project needing another build requirement falls back to pip's isolated environments. linux/amd64 only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LayersIT {
    private static final String USER = "layers-reader";
    private static final String PASSWORD = "Layers-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UPLOADED = Pattern.compile("^PUT /v2/layersapp/grocker-sample/blobs/uploads/\\S*[?&]digest=(sha256(?::|%3A)[0-9a-f]{64})");

    private static TestEnvironment t;
    private static RegistryProxy proxy;
    private static AuthenticatedIndex index;
    private static Path work;
    private static Path spec;
    private static Map<String, String> env;

    @BeforeAll
    static void setUp() throws Exception {
        t = TestEnvironment.get();
        proxy = RegistryProxy.counting(t.registry.port());
        work = Files.createTempDirectory("grocker-layers-it-");
        index = new AuthenticatedIndex(USER, PASSWORD);
        for (SampleApp.Project p : List.of(new SampleApp.Project(SampleApp.APP, SampleApp.V1),
                new SampleApp.Project(SampleApp.APP, SampleApp.V2), new SampleApp.Project(SampleApp.HELPER, SampleApp.HELPER_VERSION))) {
            index.add(SampleApp.sdist(p.name(), p.version(), work.resolve("dist")), p.name());
        }
        index.add(webWheel(work.resolve("dist")), SampleApp.WEB);
        Path base = work.resolve("base.yaml");
        Files.writeString(base, "registry: " + proxy.host() + "/layerstest\nplatforms: [linux/amd64]\nimages:\n"
                + "  - {name: py, from: " + t.debian() + ", packages: [python3], tags: [\"1\"]}\n");
        TestEnvironment.Cli built = t.cli(Map.of(), "base", "--spec", base.toString());
        assertThat(built.code()).as(built.err() + built.out()).isZero();
        spec = work.resolve("app.yaml");
        env = Map.of("LAYERS_INDEX_USER", USER, "LAYERS_INDEX_PASSWORD", PASSWORD,
                "GROCKER_CACHE_DIR", work.resolve("cache").toString());
    }

    @AfterAll
    static void tearDown() {
        if (index != null) {
            index.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /**
     * grocker-sample-web 1.0.0 as a wheel made here: its module, a {@code .pth} file that sets a variable at start-up,
     * a data file under the environment's {@code share/}, a script of its own ({@code #!python}) and a console script.
     */
    private static Path webWheel(Path dir) throws Exception {
        String dist = "grocker_sample_web-1.0.0";
        Map<String, String> files = new LinkedHashMap<>();
        files.put("grocker_sample_web/__init__.py", "def main():\n    print('web console script ok')\n\n"
                + "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'ok']\n");
        files.put("grocker_sample_web_start.pth", "import os; os.environ.setdefault('GROCKER_SAMPLE_PTH', 'pth-loaded')\n");
        files.put(dist + ".data/data/share/grocker-sample-web/motd.txt", "data-file-found\n");
        files.put(dist + ".data/scripts/grocker-web-check", "#!python\nimport os, sys\n"
                + "print('web script', os.environ.get('GROCKER_SAMPLE_PTH'),"
                + " open(os.path.join(sys.prefix, 'share', 'grocker-sample-web', 'motd.txt')).read().strip())\n");
        files.put(dist + ".dist-info/METADATA", "Metadata-Version: 2.1\nName: grocker-sample-web\nVersion: 1.0.0\n");
        files.put(dist + ".dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: grocker-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        files.put(dist + ".dist-info/entry_points.txt", "[console_scripts]\ngrocker-web = grocker_sample_web:main\n");
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, String> f : files.entrySet()) {
            byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
            record.append(f.getKey()).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes))).append(',').append(bytes.length).append('\n');
        }
        files.put(dist + ".dist-info/RECORD", record.append(dist).append(".dist-info/RECORD,,\n").toString());
        Files.createDirectories(dir);
        Path wheel = dir.resolve(dist + "-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                ZipEntry e = new ZipEntry(f.getKey());
                e.setTime(SampleApp.MTIME_SECONDS * 1000);
                zip.putNextEntry(e);
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return wheel;
    }

    private static void writeSpec(String version) throws Exception {
        Files.writeString(spec, """
                app: "grocker-sample[web]==%s"
                base: %s/layerstest/py:1
                image: %s/layersapp/grocker-sample
                platforms: [linux/amd64]
                dependencies:
                  build: [gcc, libc6-dev, python3-dev]
                index:
                  url: %s
                  credentials: {usernameEnv: LAYERS_INDEX_USER, passwordEnv: LAYERS_INDEX_PASSWORD}
                entrypoint:
                  default: cli
                  services:
                    cli: [grocker-sample]
                    web: [grocker-web]
                    check: [grocker-web-check]
                user: {name: app, uid: 1001}
                tags: ["{version}"]
                """.formatted(version, proxy.host(), proxy.host(), index.url()));
    }

    /** What grocker app printed. */
    private static String bumpLog = "";
    /** What the compilations printed (with --verbose: pip's lines too). */
    private static final List<String> compileLogs = new java.util.ArrayList<>();

    /**
     * Compiles and builds the runner of {@code version}, with {@code grocker compile} then {@code grocker runner}, or
     * with {@code grocker app} (both in one process); the runner's result file.
     */
    private static JsonNode build(String version, boolean oneProcess) throws Exception {
        writeSpec(version);
        Path wheels = work.resolve("wheels-" + version);
        Path json = work.resolve("runner-" + version + ".json");
        if (oneProcess) {
            proxy.requests.clear();
            Path compileJson = work.resolve("compile-" + version + ".json");
            TestEnvironment.Cli app = t.cli(env, "app", "--spec", spec.toString(), "--wheels", wheels.toString(), "--verbose",
                    "--compile-json", compileJson.toString(), "--output-json", json.toString());
            assertThat(app.code()).as(app.err() + app.out()).isZero();
            compileLogs.add(app.out());
            bumpLog = app.out();
            assertThat(JSON.readTree(compileJson.toFile()).get("manifest").get("version").asText()).isEqualTo(version);
            assertThat(app.out()).contains("compiled in ").contains("done in ");
            return JSON.readTree(json.toFile());
        }
        TestEnvironment.Cli compile = t.cli(env, "compile", "--spec", spec.toString(), "--output", wheels.toString(), "--verbose");
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        compileLogs.add(compile.out());
        proxy.requests.clear();
        TestEnvironment.Cli runner = t.cli(env, "runner", "--spec", spec.toString(), "--wheels", wheels.toString(),
                "--output-json", json.toString());
        assertThat(runner.code()).as(runner.err() + runner.out()).isZero();
        return JSON.readTree(json.toFile());
    }

    private static ImageReference repository() throws Exception {
        // read through the registry itself, so that the proxy counts only what grocker and the engine do
        return ImageReference.parse(t.registry.host() + "/layersapp/grocker-sample");
    }

    private static ImageManifest amd64(ImageReference ref) throws Exception {
        Descriptor amd64 = t.registryClient.platforms(ref).get(Platform.LINUX_AMD64);
        return ImageManifest.read(t.registryClient.getManifest(ref.withDigest(amd64.digest())), ref.toString());
    }

    private static List<Digest> layers(ImageManifest m) {
        return m.layers().stream().map(Descriptor::digest).toList();
    }

    private static ContainerResult run(String version, String... command) throws Exception {
        String ref = proxy.host() + "/layersapp/grocker-sample@" + amd64(repository().withTag(version)).digest();
        return t.engine.run(RunRequest.builder(ref).platform(Platform.LINUX_AMD64).command(List.of(command)).build());
    }

    /** The dependency image of a runner: its io.grocker.from label names it by digest, in the runner's repository. */
    private static Digest dependencyImage(String version) throws Exception {
        ImageReference ref = repository().withTag(version);
        Descriptor amd64 = t.registryClient.platforms(ref).get(Platform.LINUX_AMD64);
        String from = t.registryClient.config(ref.withDigest(amd64.digest())).labels().get("io.grocker.from");
        assertThat(from).startsWith(proxy.host() + "/layersapp/grocker-sample@sha256:");
        return Digest.of(from.substring(from.indexOf('@') + 1));
    }

    /** The blobs the engine uploaded since the requests were cleared (the digest of each completed upload). */
    private static Set<Digest> uploadedBlobs() {
        return proxy.requests.stream().map(UPLOADED::matcher).filter(Matcher::find)
                .map(m -> Digest.of(m.group(1).replace("%3A", ":"))).collect(Collectors.toSet());
    }

    @Test
    @Order(1)
    void theRunnerHoldsNoPipAndTheWheelsWorkInstalledWithoutIt() throws Exception {
        JsonNode result = build(SampleApp.V1, false);
        // the result shows the runner only (grocker index and the library take one image per repository)
        assertThat(result.get("images")).hasSize(1);
        assertThat(result.get("images").get(0).get("name").asText()).isEqualTo("grocker-sample");
        assertThat(result.get("images").get(0).get("parent").isNull()).isTrue();
        assertThat(result.get("images").get(0).get("from").asText()).isEqualTo(proxy.host() + "/layerstest/py:1");

        ContainerResult cli = run(SampleApp.V1);
        assertThat(cli.exitCode()).as(cli.output()).isZero();
        assertThat(cli.output()).contains(SampleApp.LINE_V1);
        ContainerResult check = run(SampleApp.V1, "check");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("web script pth-loaded data-file-found");
        assertThat(run(SampleApp.V1, "web").output()).contains("web console script ok");
        ContainerResult extension = run(SampleApp.V1, "python", "-c",
                "import grocker_sample._fastmath as f, sys; print('extension', f.__file__.startswith(sys.prefix))");
        assertThat(extension.output()).contains("extension True");

        ContainerResult pip = run(SampleApp.V1, "sh", "-c", "command -v pip pip3 pip3.11 || echo no-pip-command;"
                + " python -m pip --version 2>&1; /usr/bin/python3 -m pip --version 2>&1;"
                + " /usr/bin/python3 -c 'import installer' 2>&1; ls $VIRTUAL_ENV/bin; find / -xdev -name '*.whl' | head -3;"
                + " ls $VIRTUAL_ENV/lib/python3.11/site-packages/grocker_sample/__pycache__");
        assertThat(pip.output()).contains("no-pip-command").contains("No module named pip")
                .contains("No module named 'installer'").doesNotContain("/pip").doesNotContain(".whl")
                .contains("grocker-sample").contains("grocker-web-check").contains("cli.cpython-311.pyc");
        assertThat(pip.output().lines().filter(l -> l.startsWith("pip"))).isEmpty();
    }

    @Test
    @Order(2)
    void aVersionBumpPushesOnlyTheApplicationLayerTheConfigAndTheAttachments() throws Exception {
        ImageManifest v1 = amd64(repository().withTag(SampleApp.V1));
        Digest dependencies1 = dependencyImage(SampleApp.V1);

        // item 4: the bump in one process, grocker app (compile, then the runner)
        JsonNode result = build(SampleApp.V2, true);
        // item 3: the compiler's venv has setuptools and wheel, so pip builds the application (and, on the first
        // version, the helper's sdist) without an isolated build environment: no "Installing build dependencies"
        for (String log : compileLogs) {
            assertThat(log).contains("grocker: building the application wheel").contains("Successfully built grocker-sample")
                    .doesNotContain("Installing build dependencies").doesNotContain("building in isolated environments");
        }
        assertThat(dependencyImage(SampleApp.V2)).isEqualTo(dependencies1);
        assertThat(result.get("images").get(0).get("status").asText()).isEqualTo("built");
        assertThat(bumpLog).contains("[grocker-sample-dependencies linux/amd64] reusing: key");

        ImageManifest v2 = amd64(repository().withTag(SampleApp.V2));
        ImageManifest deps = ImageManifest.read(t.registryClient.getManifest(repository().withDigest(dependencies1)),
                "dependency image");
        List<Digest> depLayers = layers(deps);
        // the runner is its dependency image plus one layer, in both versions; that layer differs
        assertThat(layers(v1)).hasSize(depLayers.size() + 1).startsWith(depLayers.toArray(Digest[]::new));
        assertThat(layers(v2)).hasSize(depLayers.size() + 1).startsWith(depLayers.toArray(Digest[]::new));
        Digest appLayer = layers(v2).get(depLayers.size());
        assertThat(appLayer).isNotEqualTo(layers(v1).get(depLayers.size()));
        // the dependency layer (the installed dependency wheels) is the dependency image's last one, shared by both
        assertThat(layers(v1).get(depLayers.size() - 1)).isEqualTo(depLayers.get(depLayers.size() - 1));

        // besides the image, only its SBOM and provenance (issue 12): their content blobs, attached as referrers
        List<Digest> attachments = new java.util.ArrayList<>();
        for (Referrers.Referrer r : new Referrers(t.registryClient).list(repository(), v2.digest()).referrers()) {
            JsonNode artifact = JSON.readTree(t.registryClient.getManifest(repository().withDigest(r.descriptor().digest())).bytes());
            artifact.path("layers").forEach(l -> attachments.add(Digest.of(l.path("digest").asText())));
        }
        assertThat(attachments).hasSize(2);
        List<Digest> expected = new java.util.ArrayList<>(List.of(appLayer, v2.config().digest()));
        expected.addAll(attachments);
        assertThat(uploadedBlobs()).as(String.join("\n", proxy.requests)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(v2.layers().get(depLayers.size()).size()).as("the application layer's size").isLessThan(1_000_000);

        ContainerResult cli = run(SampleApp.V2);
        assertThat(cli.exitCode()).as(cli.output()).isZero();
        assertThat(cli.output()).contains(SampleApp.LINE_V2);
        assertThat(run(SampleApp.V2, "check").output()).contains("web script pth-loaded data-file-found");
    }

    /**
     * Item 3's fall-back: a project whose build requirements the compiler's venv does not satisfy (here it also needs
     * grocker-sample-web, which only the index has) is built in pip's isolated environment, which pip fills from the
     * index and Debian's wheels; the compilation says so and succeeds.
     */
    @Test
    @Order(3)
    void aProjectNeedingAnotherBuildRequirementIsBuiltInAnIsolatedEnvironment() throws Exception {
        Path src = SampleApp.sourceTree(SampleApp.HELPER, SampleApp.HELPER_VERSION, work.resolve("isolated"));
        Path pyproject = src.resolve("pyproject.toml");
        String toml = Files.readString(pyproject);
        assertThat(toml).contains("requires = [\"setuptools>=61\", \"wheel\"]");
        Files.writeString(pyproject, toml.replace("requires = [\"setuptools>=61\", \"wheel\"]",
                "requires = [\"setuptools>=61\", \"wheel\", \"grocker-sample-web==1.0.0\"]"));
        Path isolatedSpec = work.resolve("isolated.yaml");
        Files.writeString(isolatedSpec, """
                app: "./%s"
                base: %s/layerstest/py:1
                image: %s/layersapp/isolated
                platforms: [linux/amd64]
                dependencies:
                  build: [gcc, libc6-dev, python3-dev]
                index:
                  url: %s
                  credentials: {usernameEnv: LAYERS_INDEX_USER, passwordEnv: LAYERS_INDEX_PASSWORD}
                """.formatted(work.relativize(src), proxy.host(), proxy.host(), index.url()));
        Path wheels = work.resolve("wheels-isolated");
        TestEnvironment.Cli compile = t.cli(env, "compile", "--spec", isolatedSpec.toString(), "--output", wheels.toString(),
                "--verbose");
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        assertThat(compile.out()).contains("Some build dependencies for").contains("grocker-sample-web==1.0.0")
                .contains("building in isolated environments").contains("Installing build dependencies")
                .contains("Successfully built grocker-sample-helper");
        try (var files = Files.walk(wheels)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .anyMatch(f -> f.startsWith("grocker_sample_helper-1.0.0-") && f.endsWith(".whl"));
        }
    }

    /**
     * A base is probed once per digest: the runner's and the compiler's probes are kept in the machine's grocker cache
     * ({@code GROCKER_CACHE_DIR/probes}), and a later build reads them instead of starting a container. Shown by
     * changing what a kept probe says: the runner then refuses the base as one without python3, and builds again once
     * the probe is restored.
     */
    @Test
    @Order(4)
    void aBaseIsProbedOncePerDigestAndTheKeptProbeIsRead() throws Exception {
        Path probes = work.resolve("cache/probes");
        List<Path> kept;
        try (var files = Files.list(probes)) {
            kept = files.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(kept).isNotEmpty();
        Map<Path, String> saved = new LinkedHashMap<>();
        for (Path f : kept) {
            saved.put(f, Files.readString(f));
            assertThat(saved.get(f)).contains("grocker-probe python 3.").contains("grocker-probe venv-module yes");
            Files.writeString(f, "grocker-probe no-python3\n");
        }
        writeSpec(SampleApp.V2);
        String[] runner = {"runner", "--spec", spec.toString(), "--wheels", work.resolve("wheels-" + SampleApp.V2).toString(),
            "--no-push"};
        TestEnvironment.Cli refused = t.cli(env, runner);
        assertThat(refused.code()).as(refused.err() + refused.out()).isEqualTo(2);
        assertThat(refused.err()).contains("field 'base': " + proxy.host() + "/layerstest/py:1").contains("has no python3");
        for (Map.Entry<Path, String> e : saved.entrySet()) {
            Files.writeString(e.getKey(), e.getValue());
        }
        TestEnvironment.Cli built = t.cli(env, runner);
        assertThat(built.code()).as(built.err() + built.out()).isZero();
    }
}
