package io.jenkins.plugins.grocker.cli;

import static io.jenkins.plugins.grocker.cli.GrockerCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grocker sbom}, {@code provenance} and {@code purge}, and the new options of the building and tagging
 * commands, on the fake registry: bad input is one line naming the option with exit 2; a registry that refuses
 * deletion is exit 4 with a message saying how to allow it.
 */
class ReleaseCommandsTest {
    @TempDir
    Path dir;

    private FakeRegistry registry;
    private RegistryClient client;
    private ImageReference repo;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        registry.deleteEnabled = true;
        client = RegistryClient.create(Map.of());
        repo = ImageReference.parse(registry.host() + "/team/app");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** An image manifest made {@code daysAgo} days ago, pushed under {@code tag}. */
    private Manifest push(String tag, String architecture, int daysAgo) throws Exception {
        byte[] layer = ("layer " + tag).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"created\":\""
                + Instant.now().minus(Duration.ofDays(daysAgo)) + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        client.uploadBlob(repo, Digest.sha256(layer), layer.length, new ByteArrayInputStream(layer));
        client.uploadBlob(repo, Digest.sha256(config), config.length, new ByteArrayInputStream(config));
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digest.sha256(config) + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + Digest.sha256(layer)
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8));
        client.putManifest(repo, tag, manifest);
        return manifest;
    }

    @Test
    void sbomAndProvenancePrintWhatIsAttachedToThePlatformImage() throws Exception {
        Manifest amd64 = push("gk-a1", "amd64", 1);
        Manifest arm64 = push("gk-b1", "arm64", 1);
        Manifest index = ImageIndex.create(List.of(Map.entry(io.jenkins.plugins.grocker.image.Platform.LINUX_AMD64, amd64.descriptor()),
                Map.entry(io.jenkins.plugins.grocker.image.Platform.LINUX_ARM64, arm64.descriptor())), Map.of());
        client.putManifest(repo, "1.0", index);
        String sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"arm-only\"}]}";
        new Referrers(client).attach(repo, arm64.descriptor(), new Referrers.Artifact("application/vnd.cyclonedx+json",
                "application/vnd.cyclonedx+json", sbom.getBytes(StandardCharsets.UTF_8), Map.of()));

        GrockerCommandTest.Run printed = run(Map.of(), "sbom", repo + ":1.0", "--platform", "linux/arm64",
                "--output-json", dir.resolve("sbom.json").toString());
        assertThat(printed.code()).as(printed.err()).isZero();
        assertThat(printed.out()).isEqualTo(sbom + "\n");
        assertThat(new ObjectMapper().readTree(dir.resolve("sbom.json").toFile()).path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(run(Map.of(), "sbom", repo + "@" + arm64.digest()).out()).isEqualTo(sbom + "\n");

        GrockerCommandTest.Run which = run(Map.of(), "sbom", repo + ":1.0");
        assertThat(which.code()).isEqualTo(2);
        assertThat(which.err()).isEqualTo("grocker: --platform: " + repo + ":1.0 has [linux/amd64, linux/arm64]; name one\n");
        GrockerCommandTest.Run none = run(Map.of(), "sbom", repo + ":1.0", "--platform", "linux/amd64");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("grocker: REF: no SBOM is attached to " + repo + "@" + amd64.digest() + " (linux/amd64)\n");
        assertThat(run(Map.of(), "provenance", repo + ":1.0", "--platform", "linux/arm64").err())
                .isEqualTo("grocker: REF: no provenance record is attached to " + repo + "@" + arm64.digest() + " (linux/arm64)\n");
        assertThat(run(Map.of(), "sbom", repo + ":1.0", "--platform", "linux/arm65").err()).startsWith("grocker: --platform: ");
        assertThat(run(Map.of(), "sbom", repo + ":nope").err()).isEqualTo("grocker: REF: " + repo + ":nope is not in the registry\n");
    }

    @Test
    void purgeListsThenDeletesSupersededCacheTagsAndKeepsWhatTheReleaseReaches() throws Exception {
        Manifest old = push("gk-01", "amd64", 40);
        Manifest released = push("gk-02", "amd64", 30);
        Manifest middle = push("gk-03", "amd64", 20);
        push("gk-04", "amd64", 2);
        client.putManifest(repo, "1.0.0", ImageIndex.create(List.of(Map.entry(io.jenkins.plugins.grocker.image.Platform.LINUX_AMD64,
                released.descriptor())), Map.of()));
        new Referrers(client).attach(repo, old.descriptor(), new Referrers.Artifact("application/vnd.cyclonedx+json",
                "application/vnd.cyclonedx+json", "{}".getBytes(StandardCharsets.UTF_8), Map.of()));

        GrockerCommandTest.Run dry = run(Map.of(), "purge", repo.toString(), "--keep-last", "1", "--dry-run",
                "--output-json", dir.resolve("dry.json").toString());
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains(repo.name() + ": would delete " + middle.digest() + " (gk-03): not one of the 1 newest for linux/amd64")
                .contains(repo.name() + ": would delete " + old.digest() + " (gk-01)")
                .contains(repo.name() + ": keep gk-02: reached from kept tag 1.0.0")
                .contains("(dry run: nothing deleted)");
        assertThat(registry.tags("team/app")).contains("gk-01", "gk-03");
        JsonNode planned = new ObjectMapper().readTree(dir.resolve("dry.json").toFile());
        assertThat(planned.path("outcome").asText()).isEqualTo("dry-run");
        assertThat(planned.path("repositories").get(0).path("deletions")).hasSize(4); // gk-01, its SBOM and referrers tag, gk-03

        Path audit = dir.resolve("audit/purge.json");
        GrockerCommandTest.Run purged = run(Map.of("BUILD_URL", "https://ci/job/purge/3/", "USER", "ops"), "purge", repo.toString(),
                "--keep-last", "1", "--audit", audit.toString());
        assertThat(purged.code()).as(purged.err()).isZero();
        assertThat(registry.tags("team/app")).containsExactlyInAnyOrder("1.0.0", "gk-02", "gk-04");
        JsonNode record = new ObjectMapper().readTree(audit.toFile());
        assertThat(record.path("outcome").asText()).isEqualTo("purged");
        assertThat(record.path("who").asText()).isEqualTo("ops");
        assertThat(record.path("build").asText()).isEqualTo("https://ci/job/purge/3/");
        assertThat(record.path("policy").path("keepLast").asInt()).isEqualTo(1);
        assertThat(record.path("repositories").get(0).path("deletions")).hasSize(4)
                .allSatisfy(d -> assertThat(d.path("outcome").asText()).isEqualTo("deleted"));
        assertThat(record.path("repositories").get(0).path("kept").toString()).contains("\"tag\":\"1.0.0\"", "release tag");
    }

    @Test
    void aRegistryThatRefusesDeletionIsExitFourWithTheRecordSayingSo() throws Exception {
        push("gk-01", "amd64", 40);
        push("gk-02", "amd64", 1);
        registry.deleteEnabled = false;
        Path audit = dir.resolve("purge.json");

        GrockerCommandTest.Run refused = run(Map.of(), "purge", repo.toString(), "--older-than", "30d", "--audit", audit.toString());

        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.err()).startsWith("grocker: registry " + registry.host() + " refuses to delete team/app@sha256:")
                .endsWith("deletion is disabled on this registry (distribution: set storage.delete.enabled to true)\n");
        assertThat(refused.err().lines()).hasSize(1);
        JsonNode record = new ObjectMapper().readTree(audit.toFile());
        assertThat(record.path("outcome").asText()).isEqualTo("failed");
        assertThat(record.path("repositories").get(0).path("deletions").get(0).path("outcome").asText()).isEqualTo("failed");
        assertThat(registry.tags("team/app")).contains("gk-01");
    }

    @Test
    void badOptionsAreOneLineNamingTheOptionWithExitTwo() throws Exception {
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, "registry: 127.0.0.1:5000/x\nimages:\n  - name: a\n    from: debian:bookworm\n");
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("purge", repo.toString()), "grocker: purge needs --keep-last N, --older-than AGE or both; "
                + "without them it would remove every cache tag");
        cases.put(List.of("purge", repo.toString(), "--older-than", "3x"), "grocker: --older-than: '3x' is not an age (e.g. 30d, 2w, 12h, 90m)");
        cases.put(List.of("purge", repo.toString(), "--keep-last", "-1"), "grocker: --keep-last: must be 0 or more, not -1");
        cases.put(List.of("purge", repo + ":1.0", "--keep-last", "1"), "grocker: REPOSITORY '" + repo + ":1.0' has a tag or digest: "
                + "give registry/repository");
        cases.put(List.of("purge", repo.toString(), "--keep-last", "1", "--protect", "["), "grocker: --protect: '[' is not a regular "
                + "expression: Unclosed character class");
        cases.put(List.of("base", "--spec", spec.toString(), "--scan-command", " "), "grocker: --scan-command: must not be empty");
        cases.put(List.of("base", "--spec", spec.toString(), "--scan-command", "true", "--scan-timeout", "0"),
                "grocker: --scan-timeout: must be a number of seconds above 0, got 0");
        cases.put(List.of("base", "--spec", spec.toString(), "--scan-timeout", "5"), "grocker: --scan-timeout: needs --scan-command");
        cases.put(List.of("promote", repo + ":1.0", repo + ":2.0", "--scan-command", ""), "grocker: --scan-command: must not be empty");
        cases.put(List.of("base", "--spec", spec.toString(), "--report", "/proc/nope/report.html"),
                "grocker: --report: cannot create /proc/nope: ");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            GrockerCommandTest.Run r = run(Map.of(), c.getKey().toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", c.getKey())).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c.getKey())).startsWith(c.getValue());
            assertThat(r.err().lines()).as(String.join(" ", c.getKey())).hasSize(1);
        }
    }

    @Test
    void publishWritesItsReportAndTheScanGateKeepsTheTags() throws Exception {
        io.jenkins.plugins.grocker.testing.TestImages.Image image = io.jenkins.plugins.grocker.testing.TestImages.pushIndex(client,
                repo.withTag("gk-0"), 3, 1, 64);
        StringBuilder platforms = new StringBuilder();
        for (int i = 0; i < image.children().size(); i++) {
            platforms.append(i == 0 ? "" : ",").append("{\"platform\":\"").append(i == 0 ? "linux/amd64" : "linux/arm64")
                    .append("\",\"digest\":\"").append(image.children().get(i).digest()).append("\",\"status\":\"built\",")
                    .append("\"reason\":\"no image with key 0123 yet\",\"seconds\":1.5}");
        }
        Path result = dir.resolve("result.json");
        Files.writeString(result, "{\"spec\":\"app.yaml\",\"pushed\":true,\"images\":[{\"name\":\"app\",\"repository\":\""
                + repo.name() + "\",\"status\":\"built\",\"index\":{\"digest\":\"" + image.digest()
                + "\",\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"size\":1},\"tags\":[],\"platforms\":["
                + platforms + "]}]}");
        Path report = dir.resolve("publish.html");

        GrockerCommandTest.Run refused = run(Map.of(), "publish", "--result", result.toString(), "--tag", "candidate",
                "--scan-command", "echo \"refused $GROCKER_SCAN_PLATFORM\"; exit 7", "--report", report.toString(),
                "--output-json", dir.resolve("published.json").toString());
        assertThat(refused.code()).isEqualTo(5);
        assertThat(refused.err()).isEqualTo("grocker: the scan gate refused " + repo.name() + " linux/amd64 (exit 7), "
                + repo.name() + " linux/arm64 (exit 7): no tag was moved\n");
        assertThat(registry.tags("team/app")).doesNotContain("candidate");
        assertThat(Files.readString(report)).contains("refused linux/arm64").contains("failed (exit 7)").contains("<svg");
        assertThat(new ObjectMapper().readTree(dir.resolve("published.json").toFile()).path("scans")).hasSize(2);

        GrockerCommandTest.Run passed = run(Map.of(), "publish", "--result", result.toString(), "--tag", "candidate",
                "--scan-command", "true", "--report", report.toString());
        assertThat(passed.code()).as(passed.err()).isZero();
        assertThat(registry.digestOf("team/app", "candidate")).contains(image.digest().toString());
        assertThat(Files.readString(report)).contains(repo.name() + ":candidate").contains("badge passed");
    }
}
