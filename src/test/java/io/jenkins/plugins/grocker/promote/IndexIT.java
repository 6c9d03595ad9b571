package io.jenkins.plugins.grocker.promote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.cli.GrockerCommand;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grocker index} against a real registry: per-platform results (as two agents' {@code --no-tag} runs leave
 * them) become one index per image, tagged last; conflicting or unpushed results are refused before anything moves.
 * Also the promotion audit record's approver and build from the Jenkins steps.
 */
class IndexIT {
    private static LocalRegistry registry;
    private static final RegistryClient client = RegistryClient.create(Map.of());

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    record Run(int code, String out, String err) {}

    private static Run grocker(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GrockerCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A per-platform result file as `grocker runner --push --no-tag --platform P` writes it. */
    private Path result(String name, String repository, String platform, Object digest, List<String> tags, boolean pushed)
            throws Exception {
        Path file = dir.resolve(name);
        Map<String, Object> image = new java.util.LinkedHashMap<>();
        image.put("name", "app");
        image.put("repository", repository);
        image.put("parent", null);
        image.put("from", null);
        image.put("status", "built");
        image.put("index", Map.of("digest", "sha256:" + "0".repeat(64), "mediaType", "application/vnd.oci.image.index.v1+json", "size", 1));
        image.put("tags", tags.stream().map(t -> repository + ":" + t).toList());
        image.put("platforms", List.of(Map.of("platform", platform, "digest", digest, "key", "k", "status", "built")));
        new ObjectMapper().writeValue(file.toFile(), Map.of("spec", "app.json", "pushed", pushed, "images", List.of(image)));
        return file;
    }

    @Test
    void perPlatformResultsBecomeOneIndexTaggedLast() throws Exception {
        String repository = registry.host() + "/team/app";
        TestImages.Image image = TestImages.pushIndex(client, ImageReference.parse(repository), 3, 1, 1024);
        Manifest amd64 = image.children().get(0);
        Manifest arm64 = image.children().get(1);
        Path a = result("amd64.json", repository, "linux/amd64", amd64.digest(), List.of("1.0", "latest"), true);
        Path b = result("arm64.json", repository, "linux/arm64", arm64.digest(), List.of("1.0", "latest"), true);
        Path out = dir.resolve("index.json");

        Run run = grocker(Map.of(), "index", "--result", a.toString(), "--result", b.toString(), "--output-json", out.toString());

        assertThat(run.code()).as(run.err()).isZero();
        Digest tagged = client.head(ImageReference.parse(repository + ":1.0")).map(Descriptor::digest).orElseThrow();
        assertThat(client.head(ImageReference.parse(repository + ":latest")).map(Descriptor::digest)).contains(tagged);
        assertThat(client.platforms(ImageReference.parse(repository + ":1.0")).values()).extracting(Descriptor::digest)
                .containsExactly(amd64.digest(), arm64.digest());
        JsonNode merged = new ObjectMapper().readTree(out.toFile());
        assertThat(merged.path("pushed").asBoolean()).isTrue();
        assertThat(merged.path("images")).hasSize(1);
        assertThat(merged.path("images").get(0).path("index").path("digest").asText()).isEqualTo(tagged.toString());
        assertThat(merged.path("images").get(0).path("tags").toString())
                .isEqualTo("[\"" + repository + ":1.0\",\"" + repository + ":latest\"]");
        assertThat(merged.path("images").get(0).path("platforms").findValuesAsText("platform")).containsExactly("linux/amd64", "linux/arm64");

        // the same results again: the same index, the tags unchanged
        Run again = grocker(Map.of(), "index", "--result", a.toString(), "--result", b.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("unchanged " + repository + ":1.0");
    }

    @Test
    void conflictingOrUnpushedResultsAreRefusedBeforeAnythingMoves() throws Exception {
        String repository = registry.host() + "/team/refused";
        TestImages.Image image = TestImages.pushIndex(client, ImageReference.parse(repository), 4, 1, 1024);
        Path a = result("a.json", repository, "linux/amd64", image.children().get(0).digest(), List.of("1.0"), true);
        Path twice = result("b.json", repository, "linux/amd64", image.children().get(1).digest(), List.of("1.0"), true);
        Path local = result("c.json", repository, "linux/arm64", image.children().get(1).digest(), List.of("1.0"), false);
        Path missing = result("d.json", repository, "linux/arm64", "sha256:" + "9".repeat(64), List.of("1.0"), true);

        Run conflict = grocker(Map.of(), "index", "--result", a.toString(), "--result", twice.toString());
        assertThat(conflict.code()).isEqualTo(2);
        assertThat(conflict.err()).contains("linux/amd64").contains("one result per platform");
        Run unpushed = grocker(Map.of(), "index", "--result", a.toString(), "--result", local.toString());
        assertThat(unpushed.code()).isEqualTo(2);
        assertThat(unpushed.err()).contains("says nothing was pushed");
        Run absent = grocker(Map.of(), "index", "--result", a.toString(), "--result", missing.toString());
        assertThat(absent.code()).isEqualTo(2);
        assertThat(absent.err()).contains("is not in the registry");
        assertThat(client.head(ImageReference.parse(repository + ":1.0"))).isEmpty();
    }

    @Test
    void thePromotionAuditRecordsTheApproverAndTheBuild() throws Exception {
        String repository = registry.host() + "/team/approved";
        TestImages.Image image = TestImages.pushIndex(client, ImageReference.parse(repository + ":1.0"), 5, 1, 1024);
        Path audit = dir.resolve("audit.json");
        Map<String, String> env = Map.of("USER", "jenkins", "GROCKER_APPROVED_BY", "jdoe",
                "BUILD_URL", "https://ci.example.com/job/app/12/");

        Run run = grocker(env, "promote", repository + ":1.0", registry.host() + "/release/approved:1.0", "--audit", audit.toString());
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode record = new ObjectMapper().readTree(audit.toFile());
        assertThat(record.path("who").asText()).isEqualTo("jdoe");
        assertThat(record.path("build").asText()).isEqualTo("https://ci.example.com/job/app/12/");
        assertThat(record.path("source").path("digest").asText()).isEqualTo(image.digest().toString());

        Run option = grocker(env, "promote", repository + ":1.0", registry.host() + "/release/approved:1.0", "--audit", audit.toString(),
                "--approved-by", "asmith", "--build-url", "https://ci.example.com/job/app/13/");
        assertThat(option.code()).as(option.err()).isZero();
        record = new ObjectMapper().readTree(audit.toFile());
        assertThat(record.path("who").asText()).isEqualTo("asmith");
        assertThat(record.path("build").asText()).isEqualTo("https://ci.example.com/job/app/13/");
        assertThat(Files.exists(audit)).isTrue();
    }
}
