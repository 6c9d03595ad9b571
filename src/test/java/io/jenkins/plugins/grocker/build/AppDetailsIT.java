package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.ContainerCli;
import io.jenkins.plugins.grocker.testing.PackageIndex;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a new application meets, for linux/amd64, on small bases made here: {@code py} (Python with a venv holding
 * base-lib 1.0.0 from a local index, labels of its own), {@code minimal} (python3-minimal only: no venv module) and
 * the Debian base (no Python at all). Applications are local source trees written by the test: extras of a local
 * source, one compiler and one dependency wheel cache shared by applications of different image names,
 * {@code venv: inherit} (the application sees the base's base-lib; a wheelhouse with another base-lib is refused
 * before building), www with gunicorn, the runner's labels, and bases without Python or venv refused before building.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppDetailsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestEnvironment t;
    private static PackageIndex index;
    private static ContainerCli docker;
    private static Path work;
    private static String py;
    private static String minimal;
    private static Map<String, String> env;

    @BeforeAll
    static void setUp() throws Exception {
        t = TestEnvironment.get();
        docker = new ContainerCli("grocker-details-it");
        work = Files.createTempDirectory("grocker-details-it-");
        index = new PackageIndex();
        index.addWheel("base-lib", "1.0.0", "base_lib", "from the base");
        index.addWheel("fancy-dep", "1.0.0", "fancy_dep", "fancy");
        Path bases = work.resolve("bases.yaml");
        Files.writeString(bases, """
                registry: %s/details
                source: https://git.example.invalid/details-bases.git
                platforms: [linux/amd64]
                images:
                  - name: py
                    from: %s
                    python: {interpreter: apt, venv: /opt/base-venv, indexUrl: "%s", packages: ["base-lib==1.0.0"]}
                    user: {name: app, uid: 1000}
                    labels: {org.opencontainers.image.description: "details base", org.opencontainers.image.url: "https://base.example.invalid"}
                    tags: ["1"]
                  - name: minimal
                    from: %s
                    packages: [python3-minimal]
                    tags: ["1"]
                """.formatted(t.registry.host(), t.debian(), index.url(), t.debian()));
        TestEnvironment.Cli built = t.cli(Map.of(), "base", "--spec", bases.toString());
        assertThat(built.code()).as(built.err() + built.out()).isZero();
        py = t.registry.host() + "/details/py:1";
        minimal = t.registry.host() + "/details/minimal:1";
        env = Map.of("GROCKER_CACHE_DIR", work.resolve("cache").toString());

        project("fancy-app", "1.0.0", "The fancy application of AppDetailsIT", "fancy = [\"fancy-dep>=1.0\"]", "fancy_app", Map.of(
                "__init__.py", "",
                "wsgi.py", """
                        import os

                        def app(environ, start_response):
                            import base_lib  # only in the base image's venv
                            body = ("fancy-app sees base_lib %s in %s" % (base_lib.VALUE, os.path.dirname(base_lib.__file__))).encode()
                            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
                            return [body]
                        """));
        project("base-lib", "2.0.0", "Another base-lib", null, "base_lib", Map.of("__init__.py", "VALUE = 'from the app'\n"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (docker != null) {
            docker.close();
        }
        if (index != null) {
            index.close();
        }
    }

    /** A setuptools project at work/NAME. */
    private static void project(String name, String version, String description, String extras, String module,
            Map<String, String> files) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir.resolve(module));
        Files.writeString(dir.resolve("pyproject.toml"), """
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "%s"
                version = "%s"
                description = "%s"
                %s
                [tool.setuptools]
                packages = ["%s"]
                """.formatted(name, version, description, extras == null ? "" : "\n[project.optional-dependencies]\n" + extras + "\n", module));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(module).resolve(f.getKey()), f.getValue());
        }
    }

    private static Path spec(String name, String text) throws Exception {
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, "platforms: [linux/amd64]\nindex: {url: \"" + index.url() + "\"}\n" + text);
        return file;
    }

    private static TestEnvironment.Cli cli(String... args) {
        return t.cli(env, args);
    }

    @Test
    @Order(1)
    void extrasOfALocalSourceAndOneCompilerAndWheelCacheForApplicationsOfAnyName() throws Exception {
        Path one = spec("one", "app: \"./fancy-app[fancy]\"\nbase: " + py + "\nimage: " + t.registry.host() + "/apps/fancy-one\n");
        TestEnvironment.Cli compile = cli("compile", "--spec", one.toString(), "--output", work.resolve("w-one").toString());
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        assertThat(compile.out()).contains("[compiler linux/amd64] building");
        JsonNode manifest = JSON.readTree(work.resolve("w-one/wheelhouse.json").toFile());
        assertThat(manifest.get("requirement").asText()).isEqualTo("fancy-app[fancy]==1.0.0");
        assertThat(manifest.get("extras").toString()).isEqualTo("[\"fancy\"]");
        assertThat(manifest.get("platforms").get("linux/amd64").get("wheels").toString())
                .contains("fancy_app-1.0.0-py3-none-any.whl").contains("fancy_dep-1.0.0-py3-none-any.whl");

        // Another application name, another image: the same compiler, the dependency from the cache.
        Path two = spec("two", "app: ./fancy-app\nextras: [fancy]\nbase: " + py + "\nimage: " + t.registry.host() + "/otherteam/fancy-two\n");
        Path json = work.resolve("two.json");
        TestEnvironment.Cli again = cli("compile", "--spec", two.toString(), "--output", work.resolve("w-two").toString(),
                "--output-json", json.toString());
        assertThat(again.code()).as(again.err() + again.out()).isZero();
        assertThat(again.out()).contains("[compiler linux/amd64] reusing").doesNotContain("[compiler linux/amd64] building");
        Map<String, String> sources = new HashMap<>();
        JSON.readTree(json.toFile()).get("manifest").get("platforms").get("linux/amd64").get("wheels")
                .forEach(w -> sources.put(w.get("file").asText().split("-")[0], w.get("source").asText()));
        assertThat(sources).containsEntry("fancy_dep", "cache").containsEntry("fancy_app", "built");
    }

    @Test
    @Order(2)
    void theApplicationGoesIntoTheBasesVenvAndSeesItsPackagesBehindNginxAndGunicorn() throws Exception {
        Path spec = spec("inherit", "app: ./fancy-app\nbase: " + py + "\nimage: " + t.registry.host() + "/apps/fancy\n"
                + "venv: inherit\nwww: {app: \"fancy_app.wsgi:app\", server: gunicorn}\n");
        Path wheels = work.resolve("w-inherit");
        TestEnvironment.Cli compile = cli("compile", "--spec", spec.toString(), "--output", wheels.toString());
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        Path json = work.resolve("inherit.json");
        TestEnvironment.Cli runner = cli("runner", "--spec", spec.toString(), "--wheels", wheels.toString(), "--output-json", json.toString());
        assertThat(runner.code()).as(runner.err() + runner.out()).isZero();
        String image = runnerImage(json);

        int port = ContainerCli.freePort();
        String www = docker.start(List.of("-e", "GROCKER_WWW_LISTEN=127.0.0.1:" + port), image);
        docker.awaitHttp(www, port, "/", 120);
        HttpResponse<String> answer = ContainerCli.get(port, "/");
        assertThat(answer.body()).isEqualTo("fancy-app sees base_lib from the base in /opt/base-venv/lib/python3.11/site-packages/base_lib");
        assertThat(answer.headers().firstValue("server")).hasValue("nginx");
        assertThat(docker.logs(www).err()).contains("in front of gunicorn");
        double seconds = docker.stop(www);
        assertThat(seconds).as("stopped in %.1f s", seconds).isLessThan(8);
        assertThat(docker.exitCode(www)).isZero();
        ContainerCli.Result where = docker.run(List.of(), image, "python", "-c", "import fancy_app, sys; print(fancy_app.__file__, sys.prefix)");
        assertThat(where.out()).isEqualTo("/opt/base-venv/lib/python3.11/site-packages/fancy_app/__init__.py /opt/base-venv\n");

        // The labels describe the application, not the base (whose description, url and source are blanked).
        Map<String, String> labels = t.engine.inspect(image).orElseThrow().labels();
        assertThat(labels).containsEntry("org.opencontainers.image.title", "fancy-app")
                .containsEntry("org.opencontainers.image.version", "1.0.0")
                .containsEntry("org.opencontainers.image.description", "The fancy application of AppDetailsIT")
                .containsEntry("org.opencontainers.image.url", "")
                .containsEntry("org.opencontainers.image.source", "")
                .containsEntry("org.opencontainers.image.revision", "")
                .containsEntry("org.opencontainers.image.base.name", py);
        assertThat(amd64Labels(py)).containsEntry("org.opencontainers.image.description", "details base")
                .containsEntry("org.opencontainers.image.source", "https://git.example.invalid/details-bases.git");
    }

    @Test
    @Order(3)
    void aWheelhouseThatConflictsWithTheBasesVenvIsRefusedBeforeBuilding() throws Exception {
        Path spec = spec("conflict", "app: ./base-lib\nbase: " + py + "\nimage: " + t.registry.host() + "/apps/conflict\nvenv: inherit\n");
        Path wheels = work.resolve("w-conflict");
        TestEnvironment.Cli compile = cli("compile", "--spec", spec.toString(), "--output", wheels.toString());
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        TestEnvironment.Cli runner = cli("runner", "--spec", spec.toString(), "--wheels", wheels.toString());
        assertThat(runner.code()).as(runner.err() + runner.out()).isEqualTo(2);
        assertThat(runner.err().strip()).startsWith("grocker: " + spec + ": field 'venv': inherit: " + py + " (linux/amd64)")
                .contains("base-lib 2.0.0 (the base's /opt/base-venv has 1.0.0)").doesNotContain("\n");
        assertThat(runner.out()).doesNotContain("building");
    }

    @Test
    @Order(4)
    void aBaseWithoutPythonOrWithoutVenvIsRefusedBeforeBuildingNamingBaseAndField() throws Exception {
        Path none = spec("none", "app: ./fancy-app\nbase: " + t.debian() + "\nimage: " + t.registry.host() + "/apps/none\n");
        TestEnvironment.Cli compile = cli("compile", "--spec", none.toString(), "--output", work.resolve("w-none").toString());
        assertThat(compile.code()).as(compile.err() + compile.out()).isEqualTo(2);
        assertThat(compile.err().strip()).isEqualTo("grocker: " + none + ": field 'base': " + t.debian() + " (linux/amd64) has no python3:"
                + " an application needs a base with Python 3 (Debian: python3; a Grocker base: python.interpreter apt)");
        assertThat(compile.out()).doesNotContain("building");
        TestEnvironment.Cli runner = cli("runner", "--spec", none.toString(), "--wheels", work.resolve("w-inherit").toString());
        assertThat(runner.code()).isEqualTo(2);
        assertThat(runner.err()).contains("field 'base': " + t.debian()).contains("has no python3");
        assertThat(runner.out()).doesNotContain("building");

        Path noVenv = spec("novenv", "app: ./fancy-app\nbase: " + minimal + "\nimage: " + t.registry.host() + "/apps/novenv\n");
        TestEnvironment.Cli minimalCompile = cli("compile", "--spec", noVenv.toString(), "--output", work.resolve("w-novenv").toString());
        assertThat(minimalCompile.code()).isEqualTo(2);
        assertThat(minimalCompile.err().strip()).startsWith("grocker: " + noVenv + ": field 'base': " + minimal + " (linux/amd64) has python3 3.11"
                + " without the venv module").doesNotContain("\n");

        Path badBuild = spec("badbuild", "app: ./fancy-app\nbase: " + py + "\nbuildBase: " + t.debian() + "\nimage: "
                + t.registry.host() + "/apps/badbuild\n");
        TestEnvironment.Cli build = cli("compile", "--spec", badBuild.toString(), "--output", work.resolve("w-badbuild").toString());
        assertThat(build.code()).isEqualTo(2);
        assertThat(build.err()).contains("field 'buildBase': " + t.debian()).contains("has no python3");
    }

    private static String runnerImage(Path json) throws Exception {
        JsonNode image = JSON.readTree(json.toFile()).get("images").get(0);
        ImageReference repo = ImageReference.parse(image.get("repository").asText());
        Digest digest = Digest.of(image.get("index").get("digest").asText());
        return repo.name() + "@" + t.registryClient.platforms(repo.withDigest(digest)).get(Platform.LINUX_AMD64).digest();
    }

    /** The labels of the linux/amd64 image of a tag, from the registry. */
    private static Map<String, String> amd64Labels(String tag) throws Exception {
        ImageReference ref = ImageReference.parse(tag);
        return t.registryClient.config(ref.withDigest(t.registryClient.platforms(ref).get(Platform.LINUX_AMD64).digest())).labels();
    }
}
