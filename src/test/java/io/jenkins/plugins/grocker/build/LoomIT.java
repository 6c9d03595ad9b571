package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.events.BuildEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.PackageIndex;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Loom chain (python-base -> kafka-python-base -> fastapi-base) from examples/loom, plus one image that
 * takes a package from the index python-base names: built in order, with the tags, venv location, variables and
 * packages of the Loom document (aiokafka and orjson from a local index), the root for linux/arm64 too, reused
 * entirely on a second run, and rebuilt only below the image that changed.
 */
class LoomIT {
    private static final List<Platform> AMD64 = List.of(Platform.LINUX_AMD64);
    private final java.util.Map<String, String> LOOM_ENV = new java.util.HashMap<>();

    @TempDir
    Path dir;

    @Test
    void chainBuildsInOrderIsReusedAndRebuildsOnlyBelowAChange() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        try (PackageIndex index = new PackageIndex()) {
            // aiokafka and orjson are in no index these machines reach: the test's index serves stand-ins
            index.addWheel("aiokafka", "0.10.0", "aiokafka", "aiokafka-from-index");
            index.addWheel("orjson", "3.10.0", "orjson", "orjson-from-index");
            index.addWheel("grocker-probe", "1.0", "grocker_probe", "probe-from-index");
            Path spec = dir.resolve("loom.yaml");
            Files.copy(t.root.resolve("examples/loom/healthcheck.py"), dir.resolve("healthcheck.py"));
            String example = Files.readString(t.root.resolve("examples/loom/loom.yaml"));
            // probe-base takes a package from the index python-base names, which it inherits
            Files.writeString(spec, example + """

                      - name: probe-base
                        parent: python-base
                        python:
                          packages: [grocker-probe==1.0]
                    """);
            LOOM_ENV.put("LOOM_INDEX_URL", index.url());

            // 1. Cold: everything is built, parents before children.
            TestEnvironment.Run cold = t.build(spec, AMD64, true, LOOM_ENV);
            assertThat(cold.result().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.BUILT);
            assertThat(cold.indexOf(BuildEvent.Finished.class, "python-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Started.class, "kafka-python-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Started.class, "probe-base"));
            assertThat(cold.indexOf(BuildEvent.Finished.class, "kafka-python-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Started.class, "fastapi-base"));
            // Siblings run at the same time: probe-base starts before kafka-python-base (an apt install) ends.
            assertThat(cold.indexOf(BuildEvent.Started.class, "probe-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Finished.class, "kafka-python-base"));

            // The images do what the document says.
            String fastapi = t.registry.host() + "/loom/fastapi-base:3.11-slim";
            for (String image : List.of("python-base", "kafka-python-base", "fastapi-base")) {
                for (String tag : List.of("3.11-slim", "latest")) {
                    assertThat(t.registryClient.head(ImageReference.parse(t.registry.host() + "/loom/" + image + ":" + tag)).orElseThrow()
                            .digest()).isEqualTo(cold.image(image).index().digest());
                }
            }
            ContainerResult check = t.engine.run(RunRequest.builder(fastapi)
                    .command("sh", "-c", "id -un; id -u; echo TZ=$TZ UNBUF=$PYTHONUNBUFFERED NOBYTECODE=$PYTHONDONTWRITEBYTECODE; "
                            + "echo KAFKA=$LOOM_KAFKA_BOOTSTRAP_SERVERS PREFIX=[$LOOM_KAFKA_TOPIC_PREFIX] LEVEL=$LOOM_LOG_LEVEL; echo PATH=$PATH; "
                            + "for c in python gcc curl nc; do command -v $c; done; ls /usr/share/zoneinfo/UTC; date +%Z; "
                            + "python -c 'import kafka, aiokafka, structlog, pydantic, dotenv, dateutil, orjson, fastapi, uvicorn, asyncpg, "
                            + "httpx, prometheus_client, websockets; print(\"imports-ok\", aiokafka.VALUE, orjson.VALUE)'; "
                            + "/usr/local/bin/healthcheck; echo health=$?")
                    .build());
            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(check.output()).contains("appuser\n1000\n", "TZ=UTC UNBUF=1 NOBYTECODE=1",
                    "KAFKA=localhost:9092 PREFIX=[] LEVEL=INFO", "PATH=/app/.venv/bin:", "/app/.venv/bin/python", "/usr/bin/gcc",
                    "/usr/bin/curl", "/usr/bin/nc", "/usr/share/zoneinfo/UTC", "UTC\n",
                    "imports-ok aiokafka-from-index orjson-from-index", "health=1");
            ImageDetails details = t.engine.inspect(fastapi).orElseThrow();
            assertThat(details.user()).isEqualTo("1000:1000");
            assertThat(details.healthcheck().test()).containsExactly("CMD", "/usr/local/bin/healthcheck");
            assertThat(details.exposedPorts()).contains("8000/tcp");
            // An API service on fastapi-base: FastAPI served by uvicorn, and the health-check script says healthy.
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            ContainerResult api = t.engine.run(RunRequest.builder(fastapi)
                    .env("HEALTHCHECK_URL", "http://127.0.0.1:" + port + "/health")
                    .command("sh", "-c", "cd /tmp && printf '%s\\n' 'from fastapi import FastAPI' 'app = FastAPI()' "
                            + "'@app.get(\"/health\")' 'def health():' '    return {\"status\": \"ok\"}' > api.py && "
                            + "(python -m uvicorn api:app --host 127.0.0.1 --port " + port + " &) && "
                            + "for i in $(seq 1 60); do /usr/local/bin/healthcheck 2>/dev/null && break; sleep 1; done; "
                            + "/usr/local/bin/healthcheck; echo health=$?; curl -fsS $HEALTHCHECK_URL")
                    .build());
            assertThat(api.output()).as(api.output()).contains("health=0", "{\"status\":\"ok\"}");

            // The document's service Dockerfile runs `pip install -r requirements.txt` as the image's user: the venv is appuser's.
            ContainerResult service = t.engine.run(RunRequest.builder(fastapi).command("sh", "-c",
                    "echo grocker-probe==1.0 > /tmp/requirements.txt && pip install -q --no-cache-dir --index-url " + index.url()
                            + " -r /tmp/requirements.txt && python -c 'import grocker_probe; print(grocker_probe.VALUE, grocker_probe.__file__)'")
                    .build());
            assertThat(service.exitCode()).as(service.output()).isZero();
            assertThat(service.output()).contains("probe-from-index /app/.venv/lib/python3.11/site-packages/grocker_probe/");
            ContainerResult probe = t.engine.run(RunRequest.builder(t.registry.host() + "/loom/probe-base@"
                    + cold.image("probe-base").index().digest())
                    .command("python", "-c", "import grocker_probe; print(grocker_probe.VALUE)").build());
            assertThat(probe.output()).as(probe.output()).contains("probe-from-index");

            // The root, python-base, for linux/arm64 too (under emulation): amd64 is reused.
            Path root = dir.resolve("loom-root.yaml");
            Files.writeString(root, example.substring(0, example.indexOf("\n  - name: kafka-python-base")) + "\n");
            TestEnvironment.Cli both = t.cli(LOOM_ENV, "base", "--spec", root.toString());
            assertThat(both.code()).as(both.err() + both.out()).isZero();
            assertThat(both.out()).contains("[python-base linux/amd64] reusing", "[python-base linux/arm64] built");
            var platforms = t.registryClient.platforms(ImageReference.parse(t.registry.host() + "/loom/python-base:3.11-slim"));
            assertThat(platforms).containsOnlyKeys(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
            ContainerResult arm = t.engine.run(RunRequest.builder(t.registry.host() + "/loom/python-base@"
                    + platforms.get(Platform.LINUX_ARM64).digest())
                    .command("sh", "-c", "uname -m; python --version; for c in gcc curl nc; do command -v $c; done").build());
            assertThat(arm.output()).as(arm.output()).contains("aarch64", "Python 3.11", "/usr/bin/gcc", "/usr/bin/nc");

            // 2. No change: nothing is built, every image is reused, tags still point at the same indexes.
            int imagesBefore = t.engine.imagesWithLabel(ImageBuild.IMAGE_LABEL, null).size();
            TestEnvironment.Run again = t.build(spec, AMD64, true, LOOM_ENV);
            assertThat(again.builds()).isZero();
            assertThat(again.result().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSED);
            assertThat(t.engine.imagesWithLabel(ImageBuild.IMAGE_LABEL, null)).hasSize(imagesBefore);
            for (String name : List.of("python-base", "kafka-python-base", "fastapi-base", "probe-base")) {
                assertThat(again.image(name).index().digest()).isEqualTo(cold.image(name).index().digest());
            }
            TestEnvironment.Run plan = t.plan(spec, AMD64, LOOM_ENV);
            assertThat(plan.result().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSE);

            // 3. Change kafka-python-base: it and fastapi-base are rebuilt, the others reused.
            Files.writeString(spec, Files.readString(spec).replace("      LOOM_LOG_LEVEL: INFO\n",
                    "      LOOM_LOG_LEVEL: INFO\n      LOOM_KAFKA_CLIENT: kafka-python\n"));
            TestEnvironment.Run changedPlan = t.plan(spec, AMD64, LOOM_ENV);
            assertThat(changedPlan.image("python-base").status()).isEqualTo(Status.REUSE);
            assertThat(changedPlan.image("kafka-python-base").status()).isEqualTo(Status.BUILD);
            assertThat(changedPlan.image("fastapi-base").platforms().get(0).reason().text())
                    .isEqualTo("parent 'kafka-python-base' will be built");
            TestEnvironment.Run changed = t.build(spec, AMD64, true, LOOM_ENV);
            assertThat(changed.image("python-base").status()).isEqualTo(Status.REUSED);
            assertThat(changed.image("probe-base").status()).isEqualTo(Status.REUSED);
            assertThat(changed.image("kafka-python-base").status()).isEqualTo(Status.BUILT);
            assertThat(changed.image("fastapi-base").status()).isEqualTo(Status.BUILT);
            assertThat(changed.builds()).isEqualTo(2);
            Digest newFastapi = changed.image("fastapi-base").index().digest();
            assertThat(newFastapi).isNotEqualTo(cold.image("fastapi-base").index().digest());
            assertThat(t.registryClient.head(ImageReference.parse(fastapi)).orElseThrow().digest()).isEqualTo(newFastapi);
            ContainerResult env = t.engine.run(RunRequest.builder(t.registry.host() + "/loom/fastapi-base@" + newFastapi)
                    .command("sh", "-c", "echo $LOOM_KAFKA_CLIENT").build());
            assertThat(env.output()).contains("kafka-python");
            assertThat(Set.copyOf(changed.image("fastapi-base").tags())).containsExactlyInAnyOrder(fastapi,
                    t.registry.host() + "/loom/fastapi-base:latest");
        }
    }
}
