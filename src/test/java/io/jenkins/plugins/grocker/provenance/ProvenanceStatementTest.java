package io.jenkins.plugins.grocker.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProvenanceStatementTest {
    private static final Digest INDEX = Digest.of("sha256:" + "1".repeat(64));
    private static final Digest AMD64 = Digest.of("sha256:" + "2".repeat(64));
    private static final Digest ARM64 = Digest.of("sha256:" + "3".repeat(64));
    private static final Digest SPEC = Digest.of("sha256:" + "4".repeat(64));
    private static final Digest BASE_AMD64 = Digest.of("sha256:" + "5".repeat(64));
    private static final Digest BASE_ARM64 = Digest.of("sha256:" + "6".repeat(64));
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static ProvenanceStatement.Builder flowcore() throws Exception {
        ImageReference base = ImageReference.parse("127.0.0.1:5000/debian:bookworm");
        return ProvenanceStatement.builder()
                .image("flowcore")
                .subject("127.0.0.1:5000/flowcore/flowcore", INDEX)
                .subject("127.0.0.1:5000/flowcore/flowcore", AMD64)
                .subject("127.0.0.1:5000/flowcore/flowcore", ARM64)
                .spec("examples/flowcore/flowcore.yaml", SPEC)
                .source("https://git.example.org/platform/images.git", COMMIT)
                .base(base, Platform.LINUX_ARM64, BASE_ARM64)
                .base(base, Platform.LINUX_AMD64, BASE_AMD64)
                .platform(new ProvenanceStatement.PlatformBuild(Platform.LINUX_ARM64, ARM64, "tcp://arm-builder:2376", "20.10.24",
                        "5fd386ba89d8", true, T0.plusSeconds(1), T0.plusSeconds(300)))
                .platform(new ProvenanceStatement.PlatformBuild(Platform.LINUX_AMD64, AMD64, "unix:///var/run/docker.sock", "20.10.24",
                        "0c1e2f0a9b7d", false, T0.plusSeconds(1), T0.plusSeconds(2)))
                .builder("0.1.0", "https://ci.example.org/job/images/")
                .run("https://ci.example.org/job/images/42/", T0, T0.plusSeconds(301));
    }

    private static JsonNode json(ProvenanceStatement statement) throws Exception {
        return new ObjectMapper().readTree(statement.toJson());
    }

    @Test
    void isAnInTotoStatementOfSlsaProvenanceAboutTheIndexAndEachPlatform() throws Exception {
        JsonNode json = json(flowcore().build());

        assertThat(json.path("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(json.path("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
        List<String> subjects = new ArrayList<>();
        json.path("subject").forEach(s -> subjects.add(s.path("name").asText() + "@" + s.path("digest").path("sha256").asText()));
        assertThat(subjects).containsExactly("127.0.0.1:5000/flowcore/flowcore@" + "1".repeat(64),
                "127.0.0.1:5000/flowcore/flowcore@" + "2".repeat(64), "127.0.0.1:5000/flowcore/flowcore@" + "3".repeat(64));
    }

    @Test
    void recordsTheSpecTheRevisionAndTheBasesByDigest() throws Exception {
        JsonNode definition = json(flowcore().build()).path("predicate").path("buildDefinition");

        assertThat(definition.path("buildType").asText()).isEqualTo(ProvenanceStatement.BUILD_TYPE);
        assertThat(definition.path("externalParameters").path("spec").asText()).isEqualTo("examples/flowcore/flowcore.yaml");
        assertThat(definition.path("externalParameters").path("image").asText()).isEqualTo("flowcore");
        JsonNode deps = definition.path("resolvedDependencies");
        assertThat(deps).hasSize(4);
        assertThat(deps.get(0).path("name").asText()).isEqualTo("spec");
        assertThat(deps.get(0).path("uri").asText())
                .isEqualTo("git+https://git.example.org/platform/images.git@" + COMMIT + "#examples/flowcore/flowcore.yaml");
        assertThat(deps.get(0).path("digest").path("sha256").asText()).isEqualTo("4".repeat(64));
        assertThat(deps.get(1).path("digest").path("gitCommit").asText()).isEqualTo(COMMIT);
        assertThat(deps.get(1).path("uri").asText()).isEqualTo("git+https://git.example.org/platform/images.git");
        assertThat(deps.get(2).path("name").asText()).isEqualTo("base linux/amd64");
        assertThat(deps.get(2).path("uri").asText())
                .isEqualTo("pkg:docker/debian@bookworm?platform=linux%2Famd64&repository_url=127.0.0.1:5000/debian");
        assertThat(deps.get(2).path("digest").path("sha256").asText()).isEqualTo("5".repeat(64));
        assertThat(deps.get(3).path("digest").path("sha256").asText()).isEqualTo("6".repeat(64));
    }

    @Test
    void recordsTheEngineAndTimesOfEachPlatformAndGrockersVersion() throws Exception {
        JsonNode predicate = json(flowcore().build()).path("predicate");

        JsonNode arm64 = predicate.path("buildDefinition").path("internalParameters").path("platforms").path("linux/arm64");
        assertThat(arm64.path("engine").asText()).isEqualTo("tcp://arm-builder:2376");
        assertThat(arm64.path("engineVersion").asText()).isEqualTo("20.10.24");
        assertThat(arm64.path("outcome").asText()).isEqualTo("built");
        assertThat(arm64.path("startedOn").asText()).isEqualTo("2026-11-28T10:00:01Z");
        assertThat(arm64.path("finishedOn").asText()).isEqualTo("2026-11-28T10:05:00Z");
        assertThat(predicate.path("buildDefinition").path("internalParameters").path("platforms").path("linux/amd64")
                .path("outcome").asText()).isEqualTo("reused");
        assertThat(predicate.path("runDetails").path("builder").path("version").path("grocker").asText()).isEqualTo("0.1.0");
        assertThat(predicate.path("runDetails").path("builder").path("id").asText()).isEqualTo("https://ci.example.org/job/images/");
        assertThat(predicate.path("runDetails").path("metadata").path("invocationId").asText())
                .isEqualTo("https://ci.example.org/job/images/42/");
        assertThat(predicate.path("runDetails").path("metadata").path("finishedOn").asText()).isEqualTo("2026-11-28T10:05:01Z");
    }

    @Test
    void theSameBuildGivesTheSameBytesWhateverTheOrderValuesCameIn() throws Exception {
        assertThat(new String(flowcore().build().toJson())).isEqualTo(new String(flowcore().build().toJson()));
        assertThat(json(flowcore().build()).path("predicate").path("buildDefinition").path("externalParameters").path("platforms"))
                .extracting(JsonNode::asText).containsExactly("linux/amd64", "linux/arm64");
    }

    @Test
    void withoutGitTheSpecIsNamedByItsPath() throws Exception {
        JsonNode deps = json(flowcore().source(null, null).build()).path("predicate").path("buildDefinition").path("resolvedDependencies");

        assertThat(deps.get(0).path("uri").asText()).isEqualTo("examples/flowcore/flowcore.yaml");
        assertThat(deps.get(1).path("name").asText()).isEqualTo("base linux/amd64");
    }

    @Test
    void refusesValuesThatWouldMakeAFalseRecord() {
        assertThatThrownBy(() -> flowcore().subject("x", null).build()).hasMessage("subject x: a digest is required");
        assertThatThrownBy(() -> flowcore().source(null, "main").build()).hasMessage("'main' is not a full git commit id");
        assertThatThrownBy(() -> flowcore().run(null, T0, T0.minusSeconds(1)).build())
                .hasMessage("the run needs a start and an end, in that order");
        assertThatThrownBy(() -> ProvenanceStatement.builder().image("x").build()).hasMessage("at least one subject is required");
    }
}
