package io.jenkins.plugins.grocker.promote;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.registry.RetryPolicy;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import io.jenkins.plugins.grocker.testing.RegistryProxy;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotion through proxies that inject 500s, connection resets, slow and cut-off answers into a fraction of the
 * requests (seeded): every trial either completes with the source's digest on every target tag, or fails with a
 * registry error and every target tag unchanged; no tag ever names an incomplete index. Each trial has a new tag
 * and an existing one (moved with force; put back when the promotion fails after moving it). Half the trials stay in
 * one registry (mounts), half cross to another (streamed copies). Trials alternate between the default retry
 * policy and a short one (2 sends), so that both outcomes occur.
 */
class PromoteFaultsIT {
    private static final int TRIALS = 30;
    private static final double FAULT_RATE = 0.2;

    @TempDir
    Path dir;

    @Test
    void promotionCompletesOrChangesNoTag() throws Exception {
        try (LocalRegistry a = LocalRegistry.start(); LocalRegistry b = LocalRegistry.start();
                RegistryProxy proxyA = RegistryProxy.faulty(a.port(), FAULT_RATE, 42);
                RegistryProxy proxyB = RegistryProxy.faulty(b.port(), FAULT_RATE, 4242)) {
            RegistryClient direct = RegistryClient.create(Map.of());
            TestImages.Image image = TestImages.pushIndex(direct, ImageReference.parse(a.host() + "/src/app:1.0"), 11, 3, 128 * 1024);
            int completed = 0;
            int failed = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                boolean cross = trial % 2 == 1;
                RetryPolicy retry = trial % 4 < 2 ? new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200))
                        : new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50));
                RegistryClient client = RegistryClient.create(Map.of(), null, retry);
                String targetHost = cross ? proxyB.host() : proxyA.host();
                LocalRegistry targetRegistry = cross ? b : a;
                ImageReference repo = ImageReference.parse(targetRegistry.host() + "/t" + trial + "/app");
                Digest old = TestImages.pushIndex(direct, repo.withTag("stable"), 1000 + trial, 1, 1024).digest();
                List<ImageReference> targets = List.of(ImageReference.parse(targetHost + "/t" + trial + "/app:latest"),
                        ImageReference.parse(targetHost + "/t" + trial + "/app:stable"));
                PromotionRequest request = new PromotionRequest(ImageReference.parse(proxyA.host() + "/src/app:1.0"), targets,
                        List.of(), TagGuard.of(null, true, true), false, dir.resolve("audit-" + trial + ".json"), "test", null);
                boolean ok;
                try {
                    new Promoter(client, BuildListener.NONE, 4, Clock.systemUTC()).promote(request);
                    ok = true;
                } catch (GrockerException e) {
                    assertThat(e).as("trial %d", trial).isInstanceOf(RegistryException.class);
                    assertThat(e.exitCode()).isEqualTo(4);
                    assertThat(e.getMessage()).doesNotContain("\n");
                    ok = false;
                }
                for (String tag : List.of("latest", "stable")) {
                    Optional<Descriptor> head = direct.head(repo.withTag(tag));
                    if (ok) {
                        assertThat(head).as("trial %d tag %s", trial, tag).map(Descriptor::digest).contains(image.digest());
                    } else if (tag.equals("stable")) {
                        assertThat(head).as("trial %d (failed) tag %s", trial, tag).map(Descriptor::digest).contains(old);
                    } else {
                        assertThat(head).as("trial %d (failed) tag %s", trial, tag).isEmpty();
                    }
                    if (head.isPresent() && head.get().digest().equals(image.digest())) {
                        assertComplete(direct, repo, image);
                    }
                }
                com.fasterxml.jackson.databind.JsonNode audit = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(dir.resolve("audit-" + trial + ".json").toFile());
                assertThat(audit.path("outcome").asText()).isEqualTo(ok ? "promoted" : "failed");
                if (!audit.path("source").path("digest").isNull()) {
                    assertThat(audit.path("targets").get(1).path("previousDigest").asText()).isEqualTo(old.toString());
                }
                if (ok) {
                    completed++;
                } else {
                    failed++;
                }
            }
            System.out.printf("faults: %d trials, %d completed, %d failed, %d + %d faults injected%n", TRIALS, completed, failed,
                    proxyA.faults(), proxyB.faults());
            assertThat(proxyA.faults() + proxyB.faults()).isGreaterThan(TRIALS);
            assertThat(completed).isGreaterThan(0);
        }
    }

    private static void assertComplete(RegistryClient client, ImageReference repo, TestImages.Image image) throws Exception {
        assertThat(client.getManifest(repo.withDigest(image.digest())).bytes()).isEqualTo(image.index().bytes());
        for (Manifest child : image.children()) {
            assertThat(client.head(repo.withDigest(child.digest()))).isPresent();
        }
        for (Descriptor blob : image.blobs()) {
            assertThat(client.blobSize(repo, blob.digest())).contains(blob.size());
        }
    }
}
