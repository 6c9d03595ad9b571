package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/flowcore/flowcore.yaml through the command line, for linux/amd64 and linux/arm64 (under
 * emulation): one index with both platforms, and each platform's container has what FlowCore promises.
 */
class FlowCoreIT {
    private static final List<String> LOCALES = List.of("en_US.utf8", "es_ES.utf8", "zh_CN.utf8", "zh_TW.utf8",
            "fr_FR.utf8", "de_DE.utf8", "tr_TR.utf8", "ja_JP.utf8", "ko_KR.utf8");

    @TempDir
    Path dir;

    @Test
    void flowcoreIsPublishedForBothPlatformsAndEachContainerIsRight() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        Path json = dir.resolve("flowcore.json");
        TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", t.root.resolve("examples/flowcore/flowcore.yaml").toString(),
                "--platform", "linux/amd64", "--platform", "linux/arm64", "--output-json", json.toString());
        assertThat(cli.code()).as(cli.err() + cli.out()).isZero();
        assertThat(cli.out()).contains("[flowcore linux/amd64] building", "[flowcore linux/arm64] building",
                "[flowcore linux/amd64] built in", "[flowcore linux/arm64] built in", "tagged " + t.registry.host() + "/flowcore/flowcore:3.11");

        JsonNode image = new ObjectMapper().readTree(json.toFile()).get("images").get(0);
        assertThat(image.get("name").asText()).isEqualTo("flowcore");
        assertThat(image.get("status").asText()).isEqualTo("built");
        Digest indexDigest = Digest.of(image.get("index").get("digest").asText());
        ImageReference repository = ImageReference.parse(t.registry.host() + "/flowcore/flowcore");

        // One OCI index, both platforms, every tag on it.
        Manifest index = t.registryClient.getManifest(repository.withDigest(indexDigest));
        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        Map<Platform, Descriptor> platforms = t.registryClient.platforms(repository.withDigest(indexDigest));
        assertThat(platforms).containsOnlyKeys(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
        for (String tag : List.of("3.11", "3.11-bookworm", "latest")) {
            assertThat(t.registryClient.head(repository.withTag(tag)).orElseThrow().digest()).isEqualTo(indexDigest);
        }
        for (JsonNode p : image.get("platforms")) {
            Platform platform = Platform.parse(p.get("platform").asText());
            assertThat(platforms.get(platform).digest().toString()).isEqualTo(p.get("digest").asText());
            assertThat(p.get("key").asText()).hasSize(64);
        }

        for (Platform platform : List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64)) {
            String ref = repository.name() + "@" + platforms.get(platform).digest();
            ContainerResult r = t.engine.run(RunRequest.builder(ref).command("sh", "-c", String.join("; ",
                    "uname -m", "python --version", "command -v python", "id -u", "id -un", "locale -a",
                    "sudo -n true && echo sudo=ok", "stat -c owner=%U /var/log/troc", "pwd", "echo SITE_ROOT=$SITE_ROOT",
                    "echo PATH=$PATH", "echo LANG=$LANG", "gcc --version | head -n 1")).build());
            assertThat(r.exitCode()).as(r.output()).isZero();
            String out = r.output();
            assertThat(out).as(platform + ":\n" + out)
                    .contains(platform.equals(Platform.LINUX_ARM64) ? "aarch64" : "x86_64")
                    .contains("Python 3.11.", "/code/venv/bin/python", "\n1000\n", "troc\n", "sudo=ok", "owner=troc",
                            "/code\n", "SITE_ROOT=/code", "PATH=/code/venv/bin:", "LANG=en_US.UTF-8", "gcc (Debian 12");
            assertThat(out).contains(LOCALES);
        }

        // A second run builds nothing.
        TestEnvironment.Cli again = t.cli(Map.of(), "base", "--spec", t.root.resolve("examples/flowcore/flowcore.yaml").toString(),
                "--platform", "linux/amd64", "--platform", "linux/arm64");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("building").contains("0 of 2 image/platform builds ran, 2 reused",
                "unchanged " + t.registry.host() + "/flowcore/flowcore:3.11");
    }
}
