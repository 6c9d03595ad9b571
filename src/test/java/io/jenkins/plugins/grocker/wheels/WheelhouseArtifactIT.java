package io.jenkins.plugins.grocker.wheels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.cli.GrockerCommand;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grocker wheels push|pull} against a real registry: each compile agent pushes its platform's wheels as an OCI
 * artifact by digest; the runner's agent pulls both into one verified wheelhouse; a blob altered in the registry's
 * storage is refused.
 */
class WheelhouseArtifactIT {
    private static LocalRegistry registry;

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

    private static Run grocker(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GrockerCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A compiled wheelhouse for one platform, as grocker compile leaves it. */
    private Path wheelhouse(String name, String platform, String content) throws Exception {
        Path wh = dir.resolve(name);
        String directory = platform.replace('/', '-');
        Path wheel = wh.resolve(directory).resolve("app-1.0-py3-none-any.whl");
        Files.createDirectories(wheel.getParent());
        Files.writeString(wheel, content);
        Path dep = wh.resolve(directory).resolve("dep-2.0-cp311-cp311-" + directory + ".whl");
        Files.writeString(dep, content + " dependency");
        List<Wheelhouse.WheelFile> files = List.of(
                new Wheelhouse.WheelFile(wheel.getFileName().toString(), WheelhouseStore.sha256(wheel), Files.size(wheel), Wheelhouse.Source.BUILT),
                new Wheelhouse.WheelFile(dep.getFileName().toString(), WheelhouseStore.sha256(dep), Files.size(dep), Wheelhouse.Source.BUILT));
        WheelhouseStore.write(wh, new Wheelhouse(1, "app", "1.0", List.of(), "app==1.0", Map.of(platform,
                new Wheelhouse.PlatformWheels(directory, "cp311", "sha256:c", "ck", "k", wheel.getFileName().toString(), files))));
        return wh;
    }

    private JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void twoAgentsPushTheirPlatformsAndTheRunnerPullsOneVerifiedWheelhouse() throws Exception {
        String repository = registry.host() + "/wheels/app";
        Path amd64 = wheelhouse("amd64", "linux/amd64", "amd64 wheel");
        Path arm64 = wheelhouse("arm64", "linux/arm64", "arm64 wheel");
        Run a = grocker("wheels", "push", repository, "--wheels", amd64.toString(), "--output-json", dir.resolve("a.json").toString());
        Run b = grocker("wheels", "push", repository, "--wheels", arm64.toString(), "--output-json", dir.resolve("b.json").toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        String refA = json(dir.resolve("a.json")).path("reference").asText();
        String refB = json(dir.resolve("b.json")).path("reference").asText();
        assertThat(refA).startsWith(repository + "@sha256:");
        assertThat(a.out()).contains("pushed 2 wheels").contains(refA);

        Path runner = dir.resolve("runner");
        assertThat(grocker("wheels", "pull", refA, "--wheels", runner.toString()).code()).isZero();
        Run pulled = grocker("wheels", "pull", refB, "--wheels", runner.toString());
        assertThat(pulled.code()).as(pulled.err()).isZero();
        assertThat(pulled.out()).contains("verified");
        Wheelhouse merged = WheelhouseStore.require(runner);
        assertThat(merged.platforms().keySet()).containsExactly("linux/amd64", "linux/arm64");
        assertThat(Files.readString(runner.resolve("linux-arm64/app-1.0-py3-none-any.whl"))).isEqualTo("arm64 wheel");
        assertThat(WheelhouseStore.verify(runner, merged, "linux/amd64")).hasSize(2);

        // the same wheels give the same digest: content-addressed
        Run again = grocker("wheels", "push", repository, "--wheels", amd64.toString(), "--output-json", dir.resolve("a2.json").toString());
        assertThat(again.code()).isZero();
        assertThat(json(dir.resolve("a2.json")).path("reference").asText()).isEqualTo(refA);
        // a platform pulled twice is refused
        Run twice = grocker("wheels", "pull", refA, "--wheels", runner.toString());
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("already has linux/amd64 wheels");
    }

    @Test
    void aWheelAlteredInTheRegistryIsRefused() throws Exception {
        String repository = registry.host() + "/wheels/tampered";
        Path wh = wheelhouse("t", "linux/amd64", "tamper me " + System.nanoTime());
        assertThat(grocker("wheels", "push", repository, "--wheels", wh.toString(), "--output-json", dir.resolve("t.json").toString())
                .code()).isZero();
        String ref = json(dir.resolve("t.json")).path("reference").asText();
        String sha = WheelhouseStore.sha256(wh.resolve("linux-amd64/app-1.0-py3-none-any.whl"));
        Path data = registry.storage().resolve("docker/registry/v2/blobs/sha256/" + sha.substring(0, 2) + "/" + sha + "/data");
        assertThat(data).exists();
        Files.write(data, "evil bytes of the same kind".getBytes(StandardCharsets.UTF_8));

        Run run = grocker("wheels", "pull", ref, "--wheels", dir.resolve("pulled").toString());
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains(sha.substring(0, 12));
        assertThat(dir.resolve("pulled/wheelhouse.json")).doesNotExist();
        Run byTag = grocker("wheels", "pull", repository + ":latest", "--wheels", dir.resolve("x").toString());
        assertThat(byTag.code()).isEqualTo(2);
        assertThat(byTag.err()).contains("by digest");
    }
}
