package io.jenkins.plugins.grocker.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.registry.RetryPolicy;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises of {@code grocker promote} and {@code grocker publish} against the fake registry: same digest, blobs
 * mounted inside a registry (no layer byte through the client) and streamed across, tags last, guards, and a
 * failure that leaves every tag where it was.
 */
class PromoterTest {
    @TempDir
    Path dir;

    private FakeRegistry a;
    private FakeRegistry b;
    private RegistryClient client;
    private TestImages.Image image;

    @BeforeEach
    void start() throws Exception {
        a = new FakeRegistry();
        b = new FakeRegistry();
        client = RegistryClient.create(Map.of(), null, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)));
        image = TestImages.pushIndex(client, ref(a, "team/app:1.0"), 7, 2, 4096);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private static ImageReference ref(FakeRegistry registry, String rest) throws InputException {
        return ImageReference.parse(registry.host() + "/" + rest);
    }

    private PromotionRecord promote(List<ImageReference> targets, boolean force) throws Exception {
        PromotionRequest request = new PromotionRequest(ref(a, "team/app:1.0"), targets, List.of(),
                TagGuard.of(null, force, true), false, dir.resolve("audit.json"), "release-manager", "https://ci/job/1/");
        return new Promoter(client, BuildListener.NONE, 4, Clock.systemUTC()).promote(request);
    }

    @Test
    void insideARegistryBlobsAreMountedAndNoLayerByteGoesThroughTheClient() throws Exception {
        long readBefore = client.bytesRead();
        long writtenBefore = client.bytesWritten();
        a.requests.clear();

        PromotionRecord record = promote(List.of(ref(a, "release/app:1.0"), ref(a, "release/app:stable")), false);

        assertThat(record.outcome()).isEqualTo(PromotionRecord.Outcome.PROMOTED);
        assertThat(a.digestOf("release/app", "1.0")).contains(image.digest().toString());
        assertThat(a.digestOf("release/app", "stable")).contains(image.digest().toString());
        assertThat(a.mounts).hasSize(image.blobs().size()).allMatch(m -> m.startsWith("release/app@") && m.endsWith(" from team/app"));
        assertThat(client.bytesRead() - readBefore).isZero();
        assertThat(client.bytesWritten() - writtenBefore).isZero();
        // children before the index, the index by digest before any tag
        int index = a.requests.indexOf("PUT /v2/release/app/manifests/" + image.digest());
        for (var child : image.children()) {
            assertThat(a.requests.indexOf("PUT /v2/release/app/manifests/" + child.digest())).isBetween(0, index - 1);
        }
        assertThat(a.requests.indexOf("PUT /v2/release/app/manifests/1.0")).isGreaterThan(index);
        assertThat(a.requests.indexOf("PUT /v2/release/app/manifests/stable")).isGreaterThan(index);
        assertThat(Files.readString(dir.resolve("audit.json"))).contains("\"who\" : \"release-manager\"", "\"outcome\" : \"promoted\"");
    }

    @Test
    void acrossRegistriesBlobsAreStreamedAndTheDigestIsKept() throws Exception {
        PromotionRecord record = promote(List.of(ref(b, "prod/app:1.0")), false);

        assertThat(record.outcome()).isEqualTo(PromotionRecord.Outcome.PROMOTED);
        assertThat(b.digestOf("prod/app", "1.0")).contains(image.digest().toString());
        assertThat(b.mounts).isEmpty();
        assertThat(record.blobs().copied()).isEqualTo(image.blobs().size());
        assertThat(client.getManifest(ref(b, "prod/app:1.0")).bytes()).isEqualTo(image.index().bytes());
    }

    @Test
    void aTagOnAnotherDigestDoesNotMoveWithoutForce() throws Exception {
        TestImages.Image other = TestImages.pushIndex(client, ref(a, "release/app:stable"), 8, 1, 1024);

        InputException refused = catchThrowableOfType(InputException.class,
                () -> promote(List.of(ref(a, "release/app:stable")), false));

        assertThat(refused.getMessage()).contains("release/app:stable already points to sha256:" + other.digest().shortForm());
        assertThat(a.digestOf("release/app", "stable")).contains(other.digest().toString());
        assertThat(Files.readString(dir.resolve("audit.json"))).contains("\"outcome\" : \"refused\"");
    }

    @Test
    void aFailedTagPutsBackTheTagsAlreadyMoved() throws Exception {
        TestImages.Image old = TestImages.pushIndex(client, ref(a, "release/app:stable"), 9, 1, 1024);
        a.override("/v2/release/app/manifests/latest", exchange -> {
            if (exchange.getRequestMethod().equals("PUT")) {
                FakeRegistry.error(exchange, 500, "UNKNOWN", "disk full");
            } else {
                FakeRegistry.error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            }
        });

        RegistryException failed = catchThrowableOfType(RegistryException.class,
                () -> promote(List.of(ref(a, "release/app:stable"), ref(a, "release/app:latest")), true));

        assertThat(failed.getMessage()).contains("disk full");
        // stable (an existing tag, moved first) is put back on what it named before; latest was never written
        assertThat(a.digestOf("release/app", "stable")).contains(old.digest().toString());
        assertThat(a.tags("release/app")).doesNotContain("latest");
        String audit = Files.readString(dir.resolve("audit.json"));
        assertThat(audit).contains("\"outcome\" : \"failed\"", "\"outcome\" : \"rolled-back\"");
    }

    @Test
    void publishVerifiesEveryChildBeforeWritingAnyTag() throws Exception {
        Publisher publisher = new Publisher(client, BuildListener.NONE);
        TestImages.Image second = TestImages.pushIndex(client, ref(a, "team/worker:x"), 10, 1, 512);
        ImageReference first = ref(a, "team/app").withDigest(image.digest());
        ImageReference broken = ImageReference.parse(second.ref().name()).withDigest(second.digest());
        a.deleteEnabled = true;
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + a.host()
                + "/v2/team/worker/manifests/" + second.children().get(1).digest())).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());

        InputException refused = catchThrowableOfType(InputException.class,
                () -> publisher.publish(List.of(first, broken), List.of("candidate"), TagGuard.of(null, false, false), false));

        assertThat(refused.getMessage()).contains(second.children().get(1).digest().toString()).contains("nothing tagged");
        assertThat(a.tags("team/app")).doesNotContain("candidate");
        assertThat(a.tags("team/worker")).doesNotContain("candidate");

        List<Publisher.Tagged> tagged = publisher.publish(List.of(first), List.of("candidate"), TagGuard.of(null, false, false), false);
        assertThat(tagged).singleElement().satisfies(t -> assertThat(t.moved()).isTrue());
        assertThat(a.digestOf("team/app", "candidate")).contains(image.digest().toString());
    }
}
