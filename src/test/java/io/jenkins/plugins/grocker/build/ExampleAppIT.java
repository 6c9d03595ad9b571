package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.Git;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.testing.ContainerCli;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The examples as a user runs them, for linux/amd64: examples/flowcore (the runtime image flowcore and the development
 * image flowcore-dev on it), then examples/app compiled on flowcore-dev and its runner on flowcore, with the
 * application in FlowCore's own venv. Then the runner is used the Grocker way: www (nginx in front of uwsgi) answering
 * the application, a static file and a media file through X-Accel-Redirect and stopping cleanly on SIGTERM; cron
 * running the application's job; ops running the shipped script; /config, /scripts and the media volume.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleAppIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ENV = List.of("-e", "FLOWCORE_ENV=it");

    private static TestEnvironment t;
    private static ContainerCli docker;
    private static Path work;
    private static String runner;
    private static String flowcore;
    private static String flowcoreDev;
    private static JsonNode wheelhouse;

    @BeforeAll
    static void buildTheExamples() throws Exception {
        t = TestEnvironment.get();
        docker = new ContainerCli("grocker-example-it");
        work = Files.createTempDirectory("grocker-example-it-");
        TestEnvironment.Cli bases = t.cli(Map.of(), "base", "--spec", t.root.resolve("examples/flowcore/flowcore.yaml").toString(),
                "--platform", "linux/amd64");
        assertThat(bases.code()).as(bases.err() + bases.out()).isZero();
        flowcore = t.registry.host() + "/flowcore/flowcore:3.11";
        flowcoreDev = t.registry.host() + "/flowcore/flowcore-dev:3.11";

        Path spec = t.root.resolve("examples/app/app.yaml");
        Path wheels = work.resolve("wheels");
        Map<String, String> env = Map.of("GROCKER_CACHE_DIR", work.resolve("cache").toString());
        TestEnvironment.Cli compile = t.cli(env, "compile", "--spec", spec.toString(), "--output", wheels.toString(),
                "--platform", "linux/amd64");
        assertThat(compile.code()).as(compile.err() + compile.out()).isZero();
        wheelhouse = JSON.readTree(wheels.resolve("wheelhouse.json").toFile());

        Path json = work.resolve("runner.json");
        TestEnvironment.Cli built = t.cli(env, "runner", "--spec", spec.toString(), "--wheels", wheels.toString(),
                "--platform", "linux/amd64", "--output-json", json.toString());
        assertThat(built.code()).as(built.err() + built.out()).isZero();
        JsonNode image = JSON.readTree(json.toFile()).get("images").get(0);
        ImageReference repo = ImageReference.parse(image.get("repository").asText());
        Map<Platform, Descriptor> platforms = t.registryClient.platforms(repo.withDigest(
                io.jenkins.plugins.grocker.image.Digest.of(image.get("index").get("digest").asText())));
        runner = repo.name() + "@" + platforms.get(Platform.LINUX_AMD64).digest();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (docker != null) {
            docker.close();
        }
    }

    private static String sh(String image, String script) throws Exception {
        ContainerCli.Result r = docker.run(ENV, image, "sh", "-c", script);
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out();
    }

    @Test
    @Order(1)
    void theApplicationCompilesOnTheBuildImageAndRunsOnTheRuntimeImageWithoutCompilerOrWheelFile() throws Exception {
        String noResidue = "for c in gcc cc g++ make; do command -v $c || true; done; echo compilers-end;"
                + " find / -xdev -name '*.whl' 2>/dev/null; echo wheels-end; ls /usr/include/python3.11 2>&1 | head -1";
        assertThat(sh(flowcore, noResidue)).startsWith("compilers-end\nwheels-end\n").contains("No such file");
        assertThat(sh(flowcoreDev, "command -v gcc; /code/venv/bin/pip --version"))
                .contains("/usr/bin/gcc").contains("from /code/venv/lib/python3.11/site-packages/pip");

        // the compiler started from flowcore-dev, the runner from flowcore
        String compiler = wheelhouse.get("platforms").get("linux/amd64").get("compilerImage").asText();
        assertThat(sh(compiler, "command -v gcc")).contains("/usr/bin/gcc");
        ImageDetails details = t.engine.inspect(runner).orElseThrow();
        assertThat(details.labels()).containsEntry("org.opencontainers.image.base.name", flowcore);

        assertThat(sh(runner, noResidue)).startsWith("compilers-end\nwheels-end\n").contains("No such file");
        // the runner keeps what its base holds: FlowCore's locales, user and environment
        assertThat(sh(runner, "locale -a; id -un; echo SITE_ROOT=$SITE_ROOT"))
                .contains("fr_FR.utf8", "ko_KR.utf8", "troc\n", "SITE_ROOT=/code");
    }

    @Test
    @Order(2)
    void theApplicationIsInFlowCoresOwnVenv() throws Exception {
        String out = sh(runner, "command -v python; python -c 'import flowcore_hello, sys; print(flowcore_hello.__file__); print(sys.prefix)';"
                + " echo VIRTUAL_ENV=$VIRTUAL_ENV; ls /opt/app 2>&1 | head -1; stat -c %U /code/venv/lib/python3.11/site-packages/flowcore_hello");
        assertThat(out).contains("/code/venv/bin/python\n", "/code/venv/lib/python3.11/site-packages/flowcore_hello/__init__.py\n",
                "/code/venv\n", "VIRTUAL_ENV=/code/venv\n", "No such file", "troc\n");
        assertThat(sh(runner, "echo $PATH")).startsWith("/code/venv/bin:").doesNotContain("/code/venv/bin:/code/venv/bin");
    }

    @Test
    @Order(3)
    void wwwServesTheApplicationAStaticFileAndMediaThroughNginxAndStopsCleanly() throws Exception {
        String media = docker.volume();
        int port = ContainerCli.freePort();
        List<String> options = new ArrayList<>(ENV);
        options.addAll(List.of("-v", media + ":/media", "-e", "GROCKER_WWW_LISTEN=127.0.0.1:" + port));
        String www = docker.start(options, runner);
        docker.awaitHttp(www, port, "/health", 120);

        HttpResponse<String> app = ContainerCli.get(port, "/");
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.body()).isEqualTo("flowcore-hello 1.0.0 (it)\n");
        assertThat(app.headers().firstValue("server")).hasValue("nginx");
        HttpResponse<String> css = ContainerCli.get(port, "/static/hello.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).isEqualTo(Files.readString(t.root.resolve("examples/app/src/flowcore_hello/static/hello.css")));
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css");
        assertThat(ContainerCli.get(port, "/report").statusCode()).isEqualTo(404);

        // ops writes into the media volume; www sends the file through X-Accel-Redirect
        List<String> withMedia = new ArrayList<>(ENV);
        withMedia.addAll(List.of("-v", media + ":/media"));
        ContainerCli.Result ops = docker.run(withMedia, runner, "ops", "report", "weekly");
        assertThat(ops.exit()).as(ops.all()).isZero();
        assertThat(ops.out()).contains("ops: wrote /media/report.txt");
        HttpResponse<String> report = ContainerCli.get(port, "/report");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).isEqualTo("report 'weekly' by flowcore-hello 1.0.0 (it)\n");
        assertThat(ContainerCli.get(port, "/_media/report.txt").statusCode()).as("the media location is internal").isEqualTo(404);
        assertThat(docker.exec(www, "for p in $(cat /tmp/grocker-www.*/nginx.pid /tmp/grocker-www.*/app.pid); do stat -c %U /proc/$p; done"))
                .isEqualTo("troc\ntroc\n");

        double seconds = docker.stop(www);
        assertThat(seconds).as("stopped in %.1f s", seconds).isLessThan(8);
        assertThat(docker.exitCode(www)).isZero();
        ContainerCli.Result logs = docker.logs(www);
        assertThat(logs.out()).contains("\"GET /static/hello.css HTTP/1.1\" 200").contains("\"GET /report HTTP/1.1\" 200");
        assertThat(logs.err()).contains("grocker-entrypoint: www: nginx (pid").contains("in front of uwsgi")
                .contains("grocker-entrypoint: www: stopped");
    }

    @Test
    @Order(4)
    void cronRunsTheApplicationsJobAsTrocWithTheContainersEnvironment() throws Exception {
        List<String> options = new ArrayList<>(ENV);
        options.addAll(List.of("-e", "GROCKER_CRON_TICK=1"));
        String cron = docker.start(options, runner, "cron");
        String logs = docker.awaitLogs(cron, "tick: flowcore-hello 1.0.0 (it) at ", 2, 120);
        assertThat(logs).containsPattern("tick: flowcore-hello 1\\.0\\.0 \\(it\\) at [0-9]+ as uid 1000\n");
        assertThat(docker.exec(cron, "cat /media/ticks.log")).contains("tick: flowcore-hello 1.0.0 (it)");
        docker.stop(cron);
        assertThat(docker.exitCode(cron)).isZero();
    }

    @Test
    @Order(5)
    void theContainerContractConfigScriptsAndMedia() throws Exception {
        String out = sh(runner, "cat /config/flowcore-hello.ini; stat -c '%U %n' /config /scripts /media; ls -l /scripts/report");
        assertThat(out).contains("environment = it\nschedule_seconds = 60\n")
                .contains("troc /config\n", "troc /scripts\n", "troc /media\n").contains("-rwxr-xr-x");
        ContainerCli.Result list = docker.run(ENV, runner, "ops");
        assertThat(list.exit()).isEqualTo(64);
        assertThat(list.out()).isEqualTo("Usage: ops SCRIPT [ARGS...]\nScripts in /scripts:\n  report\n");
        ImageDetails details = t.engine.inspect(runner).orElseThrow();
        assertThat(details.exposedPorts()).contains("5000/tcp");
        String volumes = ContainerCli.docker(60, "inspect", "-f", "{{json .Config.Volumes}}", runner).out();
        assertThat(volumes).contains("\"/media\"").contains("\"/var/log/troc\"");
    }

    @Test
    @Order(6)
    void theWorkerAndTheSchedulerRunAndTheLabelsDescribeTheApplication() throws Exception {
        assertThat(docker.run(ENV, runner, "worker").out()).contains("worker: flowcore-hello 1.0.0 (it) processed 3 jobs");
        assertThat(docker.run(ENV, runner, "scheduler").out()).contains("would run the worker every 60s");
        Map<String, String> labels = t.engine.inspect(runner).orElseThrow().labels();
        assertThat(labels).containsEntry("org.opencontainers.image.title", "flowcore-hello")
                .containsEntry("org.opencontainers.image.version", "1.0.0")
                .containsEntry("org.opencontainers.image.description",
                        "A small FlowCore service: a web endpoint, a worker, a scheduler, a cron job and an ops report.")
                .containsEntry("org.opencontainers.image.revision", Git.head(t.root))
                .containsEntry("io.grocker.app.name", "flowcore-hello");
        // no OCI label describes the base (its own labels outside org.opencontainers.image, e.g. maintainer, stay)
        assertThat(labels.entrySet()).filteredOn(e -> e.getKey().startsWith("org.opencontainers.image."))
                .noneMatch(e -> e.getValue().contains("FlowCore - Base Image") || e.getValue().contains("Navigator Team"));
        assertThat(amd64Labels(flowcore))
                .containsEntry("org.opencontainers.image.description", "FlowCore - Base Image for Navigator Applications")
                .containsEntry("org.opencontainers.image.vendor", "Navigator Team");
    }

    /** The labels of the linux/amd64 image of a tag, from the registry. */
    private static Map<String, String> amd64Labels(String tag) throws Exception {
        ImageReference ref = ImageReference.parse(tag);
        return t.registryClient.config(ref.withDigest(t.registryClient.platforms(ref).get(Platform.LINUX_AMD64).digest())).labels();
    }
}
