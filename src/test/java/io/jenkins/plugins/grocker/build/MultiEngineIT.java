package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.SecondEngine;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each platform on its own Docker engine (native builders), one index over both. */
class MultiEngineIT {
    @TempDir
    Path dir;

    @Test
    void eachPlatformIsBuiltOnItsOwnEngine() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        try (SecondEngine arm = SecondEngine.start()) {
            Path spec = dir.resolve("multi.yaml");
            Files.writeString(spec, "registry: " + t.registry.host() + "/multi\nplatforms: [linux/amd64, linux/arm64]\nimages:\n"
                    + "  - {name: app, from: " + t.debian() + ", env: {BUILT: \"" + System.nanoTime() + "\"}, tags: [\"1\"]}\n");
            Path json = dir.resolve("result.json");
            long since = System.currentTimeMillis() / 1000 - 1;
            TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", spec.toString(), "--platform", "linux/amd64",
                    "--platform", "linux/arm64=" + arm.endpoint(), "--output-json", json.toString());
            long until = System.currentTimeMillis() / 1000 + 1;
            assertThat(cli.code()).as(cli.err() + cli.out()).isZero();
            assertThat(cli.out()).contains("[app linux/arm64] building: no image with key").contains("(on " + arm.endpoint() + ")");

            JsonNode image = new ObjectMapper().readTree(json.toFile()).get("images").get(0);
            Map<String, JsonNode> byPlatform = new java.util.HashMap<>();
            image.get("platforms").forEach(p -> byPlatform.put(p.get("platform").asText(), p));
            assertThat(byPlatform.get("linux/arm64").get("engine").asText()).isEqualTo(arm.endpoint());
            assertThat(byPlatform.get("linux/amd64").get("engine").asText()).isEqualTo(t.engine.endpoint());

            // The index, assembled by the registry client, lists both platforms.
            ImageReference repo = ImageReference.parse(t.registry.host() + "/multi/app");
            Map<Platform, Descriptor> platforms = t.registryClient.platforms(repo.withTag("1"));
            assertThat(platforms).containsOnlyKeys(Platform.LINUX_AMD64, Platform.LINUX_ARM64);

            // Each engine holds only its own platform's image, and only the arm64 engine's events show the arm64 build.
            String armId = byPlatform.get("linux/arm64").get("imageId").asText();
            String amdId = byPlatform.get("linux/amd64").get("imageId").asText();
            DockerEngine second = arm.engine();
            assertThat(second.inspect(armId)).get().extracting(d -> d.architecture()).isEqualTo("arm64");
            assertThat(second.inspect(amdId)).isEmpty();
            assertThat(t.engine.inspect(amdId)).get().extracting(d -> d.architecture()).isEqualTo("amd64");
            assertThat(t.engine.inspect(armId)).isEmpty();
            List<String> events = arm.events(since, until);
            assertThat(events).anyMatch(e -> e.startsWith("image tag") && e.contains(armId.substring("sha256:".length())));
            assertThat(events).noneMatch(e -> e.contains(amdId.substring("sha256:".length())));
        }
    }
}
