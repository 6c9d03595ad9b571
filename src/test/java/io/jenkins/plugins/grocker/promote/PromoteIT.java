package io.jenkins.plugins.grocker.promote;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.cli.GrockerCommand;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import io.jenkins.plugins.grocker.testing.RegistryProxy;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grocker promote} and {@code grocker publish} against real registries (distribution 2.8): mounts inside a
 * registry (counted through a proxy: no upload, no layer byte), streaming across registries, the guards,
 * the audit record, dry runs, errors.
 */
class PromoteIT {
    private static LocalRegistry registry;
    private static LocalRegistry other;
    private static RegistryProxy proxy;
    private static final RegistryClient client = RegistryClient.create(Map.of());

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        other = LocalRegistry.start();
        proxy = RegistryProxy.counting(registry.port());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (other != null) {
            other.close();
        }
    }

    record Run(int code, String out, String err) {}

    private Run grocker(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>(Map.of("USER", "release-manager", "BUILD_URL", "https://ci.example.com/job/rel/7/"));
        int code = GrockerCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
        return new Run(code, out.toString(), err.toString());
    }

    private static ImageReference ref(String text) throws Exception {
        return ImageReference.parse(text);
    }

    private static Digest digestOf(String ref) throws Exception {
        return client.head(ref(ref)).map(Descriptor::digest).orElse(null);
    }

    /** The index and every child manifest and blob are in {@code repo}. */
    private static void assertComplete(String repo, TestImages.Image image) throws Exception {
        ImageReference r = ref(repo);
        assertThat(client.getManifest(r.withDigest(image.digest())).bytes()).isEqualTo(image.index().bytes());
        for (Manifest child : image.children()) {
            assertThat(client.getManifest(r.withDigest(child.digest())).bytes()).isEqualTo(child.bytes());
        }
        for (Descriptor blob : image.blobs()) {
            assertThat(client.blobSize(r, blob.digest())).as(blob.digest().toString()).contains(blob.size());
        }
    }

    private JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void insideOneRegistryEveryBlobIsMountedAndTheDigestKept() throws Exception {
        TestImages.Image image = TestImages.pushIndex(client, ref(registry.host() + "/team/app:1.0"), 1, 3, 64 * 1024);
        proxy.requests.clear();
        long uploadsBefore = proxy.uploadBytes();
        Path audit = dir.resolve("audit.json");
        Path result = dir.resolve("result.json");

        Run run = grocker("promote", proxy.host() + "/team/app:1.0", proxy.host() + "/release/app:1.0",
                proxy.host() + "/release/app:stable", "--audit", audit.toString(), "--output-json", result.toString());

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(digestOf(registry.host() + "/release/app:1.0")).isEqualTo(image.digest());
        assertThat(digestOf(registry.host() + "/release/app:stable")).isEqualTo(image.digest());
        assertComplete(registry.host() + "/release/app", image);
        // mounts only: no upload session without mount=, no upload byte, no blob GET through the client
        assertThat(proxy.count("POST", "/blobs/uploads/")).isEqualTo(image.blobs().size());
        assertThat(proxy.count("POST", "mount=")).isEqualTo(image.blobs().size());
        assertThat(proxy.count("PUT", "/blobs/uploads/") + proxy.count("PATCH", "/blobs/uploads/")).isZero();
        assertThat(proxy.count("GET", "/blobs/")).isZero();
        assertThat(proxy.uploadBytes() - uploadsBefore).isZero();
        assertThat(run.out()).contains("mounted " + image.blobs().size() + " blobs, copied 0 (0 B), skipped 0")
                .contains("tagged " + proxy.host() + "/release/app:1.0").contains("tagged " + proxy.host() + "/release/app:stable");
        // tags after the index
        List<String> requests = proxy.requestsCopy();
        int index = requests.indexOf("PUT /v2/release/app/manifests/" + image.digest());
        assertThat(index).isGreaterThan(0);
        assertThat(requests.indexOf("PUT /v2/release/app/manifests/1.0")).isGreaterThan(index);

        JsonNode record = json(audit);
        assertThat(record.path("outcome").asText()).isEqualTo("promoted");
        assertThat(record.path("who").asText()).isEqualTo("release-manager");
        assertThat(record.path("build").asText()).isEqualTo("https://ci.example.com/job/rel/7/");
        assertThat(record.path("time").asText()).endsWith("Z");
        assertThat(record.path("source").path("digest").asText()).isEqualTo(image.digest().toString());
        assertThat(record.path("source").path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(record.path("source").path("platforms").toString()).isEqualTo("[\"linux/amd64\",\"linux/arm64\"]");
        assertThat(record.path("targets").get(0).path("previousDigest").isNull()).isTrue();
        assertThat(record.path("targets").get(0).path("outcome").asText()).isEqualTo("tagged");
        assertThat(json(result)).isEqualTo(record);
    }

    @Test
    void acrossRegistriesBlobsAreStreamedAndTheDigestKept() throws Exception {
        TestImages.Image image = TestImages.pushIndex(client, ref(registry.host() + "/team/big:2.0"), 2, 2, 512 * 1024);
        Path audit = dir.resolve("audit.json");

        Run run = grocker("promote", registry.host() + "/team/big:2.0", other.host() + "/prod/big", "--tag", "{major}.{minor}",
                "--tag", "production", "--version", "2.0.1", "--audit", audit.toString());

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(digestOf(other.host() + "/prod/big:2.0")).isEqualTo(image.digest());
        assertThat(digestOf(other.host() + "/prod/big:production")).isEqualTo(image.digest());
        assertComplete(other.host() + "/prod/big", image);
        assertThat(run.out()).contains("mounted 0 blobs, copied " + image.blobs().size());
        assertThat(json(audit).path("blobs").path("bytesCopied").asLong()).isEqualTo(image.layerBytes());

        // again: everything is there, nothing is copied, the tags stay
        Run again = grocker("promote", registry.host() + "/team/big:2.0", other.host() + "/prod/big:2.0", "--audit", audit.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("copied 0 (0 B), skipped " + image.blobs().size()).contains("already at");
        assertThat(json(audit).path("targets").get(0).path("previousDigest").asText()).isEqualTo(image.digest().toString());
    }

    @Test
    void guardsKeepReleaseAndMovedTagsUnlessForced() throws Exception {
        TestImages.Image first = TestImages.pushIndex(client, ref(registry.host() + "/team/guarded:a"), 3, 1, 1024);
        TestImages.Image second = TestImages.pushIndex(client, ref(registry.host() + "/team/guarded:b"), 4, 1, 1024);
        assertThat(grocker("promote", registry.host() + "/team/guarded:a", registry.host() + "/rel/guarded:1.2.3",
                registry.host() + "/rel/guarded:stable", "--audit", dir.resolve("a.json").toString()).code()).isZero();

        Path audit = dir.resolve("refused.json");
        Run release = grocker("promote", registry.host() + "/team/guarded:b", registry.host() + "/rel/guarded:1.2.3",
                "--audit", audit.toString());
        assertThat(release.code()).isEqualTo(2);
        assertThat(release.err().strip()).startsWith("grocker: " + registry.host() + "/rel/guarded:1.2.3 is a release tag")
                .contains("without --force").doesNotContain("\n");
        assertThat(digestOf(registry.host() + "/rel/guarded:1.2.3")).isEqualTo(first.digest());
        JsonNode refused = json(audit);
        assertThat(refused.path("outcome").asText()).isEqualTo("refused");
        assertThat(refused.path("targets").get(0).path("previousDigest").asText()).isEqualTo(first.digest().toString());
        assertThat(refused.path("targets").get(0).path("outcome").asText()).isEqualTo("refused");

        Run moved = grocker("promote", registry.host() + "/team/guarded:b", registry.host() + "/rel/guarded:stable",
                registry.host() + "/rel/guarded:fresh", "--audit", audit.toString());
        assertThat(moved.code()).isEqualTo(2);
        assertThat(moved.err()).contains("already points to " + "sha256:" + first.digest().shortForm()).contains("use --force");
        assertThat(digestOf(registry.host() + "/rel/guarded:stable")).isEqualTo(first.digest());
        assertThat(digestOf(registry.host() + "/rel/guarded:fresh")).as("no tag moves when one is refused").isNull();

        Run protectedOther = grocker("promote", registry.host() + "/team/guarded:b", registry.host() + "/rel/guarded:stable",
                "--protect", "stab.*", "--force", "--audit", audit.toString());
        assertThat(protectedOther.code()).as(protectedOther.err()).isZero();
        assertThat(digestOf(registry.host() + "/rel/guarded:stable")).isEqualTo(second.digest());

        Run forced = grocker("promote", registry.host() + "/team/guarded:b", registry.host() + "/rel/guarded:1.2.3",
                "--force", "--audit", audit.toString());
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(digestOf(registry.host() + "/rel/guarded:1.2.3")).isEqualTo(second.digest());
        assertThat(forced.out()).contains("tagged " + registry.host() + "/rel/guarded:1.2.3 (was " + "sha256:" + first.digest().shortForm() + ")");
        JsonNode record = json(audit);
        assertThat(record.path("targets").get(0).path("previousDigest").asText()).isEqualTo(first.digest().toString());
        assertThat(record.path("targets").get(0).path("digest").asText()).isEqualTo(second.digest().toString());
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        TestImages.Image image = TestImages.pushIndex(client, ref(registry.host() + "/team/dry:1.0"), 5, 2, 2048);
        TestImages.Image older = TestImages.pushIndex(client, ref(registry.host() + "/rel/dry:1.0"), 6, 1, 2048);
        proxy.requests.clear();
        Path audit = dir.resolve("dry.json");

        Run run = grocker("promote", proxy.host() + "/team/dry:1.0", proxy.host() + "/rel/dry:1.0", proxy.host() + "/rel/dry:next",
                other.host() + "/far/dry:1.0", "--dry-run", "--audit", audit.toString(), "--output-json", dir.resolve("plan.json").toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("plan " + proxy.host() + "/rel/dry:1.0: " + older.digest() + " -> " + image.digest() + " (refused: ")
                .contains("plan " + proxy.host() + "/rel/dry:next: none -> " + image.digest() + " (new tag)")
                .contains("plan " + proxy.host() + "/rel/dry: mount " + image.blobs().size() + " blobs, copy 0 (0 B), skip 0")
                .contains("plan " + other.host() + "/far/dry: mount 0 blobs, copy " + image.blobs().size())
                .contains("dry run: nothing changed");
        assertThat(proxy.requests).allMatch(r -> r.startsWith("GET ") || r.startsWith("HEAD "));
        assertThat(digestOf(registry.host() + "/rel/dry:1.0")).isEqualTo(older.digest());
        assertThat(digestOf(registry.host() + "/rel/dry:next")).isNull();
        assertThat(digestOf(other.host() + "/far/dry:1.0")).isNull();
        assertThat(audit).doesNotExist();
        JsonNode plan = json(dir.resolve("plan.json"));
        assertThat(plan.path("outcome").asText()).isEqualTo("dry-run");
        assertThat(plan.path("targets").get(0).path("previousDigest").asText()).isEqualTo(older.digest().toString());
        assertThat(plan.path("blobs").path("mounted").asLong()).isEqualTo(image.blobs().size());
    }

    @Test
    void errorsAreOneLineWithTheRightCodeAndChangeNoTag() throws Exception {
        TestImages.Image image = TestImages.pushIndex(client, ref(registry.host() + "/team/err:1.0"), 7, 1, 1024);
        String target = registry.host() + "/rel/err:1.0";
        String audit = dir.resolve("err.json").toString();
        List<Run> runs = new ArrayList<>();

        Run malformed = grocker("promote", registry.host() + "/Team/err:1.0", target, "--audit", audit);
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("grocker: SRC: '" + registry.host() + "/Team/err:1.0' has an invalid repository name");
        runs.add(malformed);

        Run missing = grocker("promote", registry.host() + "/team/err:9.9", target, "--audit", audit);
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("grocker: source " + registry.host() + "/team/err:9.9 does not exist");
        runs.add(missing);

        Run noPlatform = grocker("promote", registry.host() + "/team/err:1.0", target, "--platform", "linux/s390x", "--audit", audit);
        assertThat(noPlatform.code()).isEqualTo(2);
        assertThat(noPlatform.err()).contains("has no linux/s390x image (it has linux/amd64, linux/arm64)");
        runs.add(noPlatform);

        Run subset = grocker("promote", registry.host() + "/team/err:1.0", target, "--platform", "linux/amd64", "--audit", audit);
        assertThat(subset.code()).isEqualTo(2);
        assertThat(subset.err()).contains("promoting only linux/amd64 of").contains("would make a new index with another digest");
        runs.add(subset);

        Run whole = grocker("promote", registry.host() + "/team/err:1.0", registry.host() + "/rel/err:whole", "--platform", "linux/amd64",
                "--platform", "linux/arm64", "--audit", audit);
        assertThat(whole.code()).as(whole.err()).isZero();

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        Run down = grocker("promote", registry.host() + "/team/err:1.0", "127.0.0.1:" + closed + "/rel/err:1.0", "--audit", audit);
        assertThat(down.code()).isEqualTo(4);
        assertThat(down.err()).startsWith("grocker: registry 127.0.0.1:" + closed + " is unreachable: connection refused");
        runs.add(down);

        Run badTemplate = grocker("promote", registry.host() + "/team/err:1.0", registry.host() + "/rel/err", "--tag", "{major}",
                "--version", "1.0", "--audit", audit);
        assertThat(badTemplate.code()).isEqualTo(2);
        assertThat(badTemplate.err()).contains("needs a semantic version X.Y.Z, but --version is '1.0'");
        runs.add(badTemplate);

        for (Run run : runs) {
            assertThat(run.err().strip()).doesNotContain("\n").doesNotContain("Exception");
        }
        assertThat(digestOf(target)).isNull();
        assertThat(client.head(ref(registry.host() + "/rel/err").withDigest(image.digest()))).isPresent();
    }

    @Test
    void publishTagsWhatAResultFileDescribesAfterCheckingIt() throws Exception {
        TestImages.Image a = TestImages.pushIndex(client, ref(registry.host() + "/built/a"), 8, 1, 1024);
        TestImages.Image b = TestImages.pushIndex(client, ref(registry.host() + "/built/b"), 9, 1, 1024);
        Path result = dir.resolve("result.json");
        Files.writeString(result, "{\"spec\":\"x.yaml\",\"pushed\":true,\"images\":["
                + "{\"name\":\"a\",\"repository\":\"" + registry.host() + "/built/a\",\"index\":{\"digest\":\"" + a.digest() + "\"}},"
                + "{\"name\":\"b\",\"repository\":\"" + registry.host() + "/built/b\",\"index\":{\"digest\":\"" + b.digest() + "\"}}]}");

        Run run = grocker("publish", "--result", result.toString(), "--tag", "{major}.{minor}", "--tag", "latest", "--version", "2.3.1");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(digestOf(registry.host() + "/built/a:2.3")).isEqualTo(a.digest());
        assertThat(digestOf(registry.host() + "/built/b:latest")).isEqualTo(b.digest());
        assertThat(run.out()).contains("tagged " + registry.host() + "/built/a:2.3").contains("tagged " + registry.host() + "/built/b:latest");

        // a child of b goes missing: nothing is tagged, not even a's tags
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/built/b/manifests/"
                + b.children().get(1).digest())).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
        Run broken = grocker("publish", "--result", result.toString(), "--tag", "candidate");
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err().strip()).contains(b.children().get(1).digest().toString()).contains("(linux/arm64), which is not in the registry")
                .doesNotContain("\n");
        assertThat(digestOf(registry.host() + "/built/a:candidate")).isNull();

        Run noTag = grocker("publish", "--result", result.toString());
        assertThat(noTag.code()).isEqualTo(2);
        assertThat(noTag.err()).contains("--tag: give at least one tag");
    }
}
