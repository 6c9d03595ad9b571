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
 * takes a package from a local index: built in order, reused entirely on a second run, and rebuilt only
 * below the image that changed.
 */
class LoomIT {
    private static final List<Platform> AMD64 = List.of(Platform.LINUX_AMD64);

    @TempDir
    Path dir;

    @Test
    void chainBuildsInOrderIsReusedAndRebuildsOnlyBelowAChange() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        try (PackageIndex index = new PackageIndex()) {
            index.addWheel("grocker-probe", "1.0", "grocker_probe", "probe-from-index");
            Path spec = dir.resolve("loom.yaml");
            Files.copy(t.root.resolve("examples/loom/healthcheck.py"), dir.resolve("healthcheck.py"));
            Files.writeString(spec, Files.readString(t.root.resolve("examples/loom/loom.yaml")) + """

                      - name: probe-base
                        parent: python-base
                        python:
                          packages: [grocker-probe==1.0]
                          indexUrl: "%s"
                    """.formatted(index.url()));

            // 1. Cold: everything is built, parents before children.
            TestEnvironment.Run cold = t.build(spec, AMD64, true);
            assertThat(cold.result().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.BUILT);
            assertThat(cold.indexOf(BuildEvent.Finished.class, "python-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Started.class, "kafka-python-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Started.class, "probe-base"));
            assertThat(cold.indexOf(BuildEvent.Finished.class, "kafka-python-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Started.class, "fastapi-base"));
            // Siblings run at the same time: probe-base starts before kafka-python-base (an apt install) ends.
            assertThat(cold.indexOf(BuildEvent.Started.class, "probe-base"))
                    .isLessThan(cold.indexOf(BuildEvent.Finished.class, "kafka-python-base"));

            // The images do what the spec says.
            String fastapi = t.registry.host() + "/loom/fastapi-base:3.11";
            ContainerResult check = t.engine.run(RunRequest.builder(fastapi)
                    .command("sh", "-c", "id -u; echo TZ=$TZ UNBUF=$PYTHONUNBUFFERED NOBYTECODE=$PYTHONDONTWRITEBYTECODE; "
                            + "command -v python; python -c 'import kafka, fastapi, uvicorn; print(\"imports-ok\")'; "
                            + "/usr/local/bin/healthcheck; echo health=$?")
                    .build());
            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(check.output()).contains("1000\n", "TZ=UTC UNBUF=1 NOBYTECODE=1", "/opt/venv/bin/python", "imports-ok",
                    "health=1");
            ImageDetails details = t.engine.inspect(fastapi).orElseThrow();
            assertThat(details.user()).isEqualTo("1000:1000");
            assertThat(details.healthcheck().test()).containsExactly("CMD", "/usr/local/bin/healthcheck");
            assertThat(details.exposedPorts()).contains("8000/tcp");
            ContainerResult probe = t.engine.run(RunRequest.builder(t.registry.host() + "/loom/probe-base@"
                    + cold.image("probe-base").index().digest())
                    .command("python", "-c", "import grocker_probe; print(grocker_probe.VALUE)").build());
            assertThat(probe.output()).as(probe.output()).contains("probe-from-index");

            // 2. No change: nothing is built, every image is reused, tags still point at the same indexes.
            int imagesBefore = t.engine.imagesWithLabel(ImageBuild.IMAGE_LABEL, null).size();
            TestEnvironment.Run again = t.build(spec, AMD64, true);
            assertThat(again.builds()).isZero();
            assertThat(again.result().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSED);
            assertThat(t.engine.imagesWithLabel(ImageBuild.IMAGE_LABEL, null)).hasSize(imagesBefore);
            for (String name : List.of("python-base", "kafka-python-base", "fastapi-base", "probe-base")) {
                assertThat(again.image(name).index().digest()).isEqualTo(cold.image(name).index().digest());
            }
            TestEnvironment.Run plan = t.plan(spec, AMD64);
            assertThat(plan.result().images()).extracting(BuildResult.ImageResult::status).containsOnly(Status.REUSE);

            // 3. Change kafka-python-base: it and fastapi-base are rebuilt, the others reused.
            Files.writeString(spec, Files.readString(spec).replace("packages: [python3-kafka]",
                    "packages: [python3-kafka]\n    env: {LOOM_KAFKA_CLIENT: \"kafka-python\"}"));
            TestEnvironment.Run changedPlan = t.plan(spec, AMD64);
            assertThat(changedPlan.image("python-base").status()).isEqualTo(Status.REUSE);
            assertThat(changedPlan.image("kafka-python-base").status()).isEqualTo(Status.BUILD);
            assertThat(changedPlan.image("fastapi-base").platforms().get(0).reason().text())
                    .isEqualTo("parent 'kafka-python-base' will be built");
            TestEnvironment.Run changed = t.build(spec, AMD64, true);
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
            assertThat(Set.copyOf(changed.image("fastapi-base").tags())).containsExactly(fastapi);
        }
    }
}
