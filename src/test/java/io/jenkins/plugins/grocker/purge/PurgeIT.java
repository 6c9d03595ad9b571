package io.jenkins.plugins.grocker.purge;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryAdmin;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scanning, selecting and deleting against a real registry (distribution 2.8, {@link LocalRegistry}). */
class PurgeIT {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** The repository of the tests: two releases' worth of cache tags, a release, latest, an SBOM on an old image. */
    private record Fixture(ImageReference repo, Manifest amd64Day40, Manifest amd64Day30, Manifest amd64Day20,
            Manifest amd64Day1, Manifest arm64Day40, Manifest arm64Day1, Manifest release, Referrers.Attached sbom) {}

    private static Fixture fixture(RegistryClient client, LocalRegistry registry) throws Exception {
        ImageReference repo = ImageReference.parse(registry.host() + "/team/app");
        Manifest a40 = push(client, repo, "gk-a40", "amd64", 40);
        Manifest a30 = push(client, repo, "gk-a30", "amd64", 30);
        Manifest a20 = push(client, repo, "gk-a20", "amd64", 20);
        Manifest a1 = push(client, repo, "gk-a01", "amd64", 1);
        Manifest b40 = push(client, repo, "gk-b40", "arm64", 40);
        Manifest b1 = push(client, repo, "gk-b01", "arm64", 1);
        Manifest release = ImageIndex.create(List.of(Map.entry(Platform.LINUX_AMD64, a40.descriptor()),
                Map.entry(Platform.LINUX_ARM64, b40.descriptor())), Map.of());
        client.putManifest(repo, "v1.0.0", release);
        Manifest latest = ImageIndex.create(List.of(Map.entry(Platform.LINUX_AMD64, a1.descriptor()),
                Map.entry(Platform.LINUX_ARM64, b1.descriptor())), Map.of());
        client.putManifest(repo, "latest", latest);
        Referrers.Attached sbom = new Referrers(client).attach(repo, a30.descriptor(), new Referrers.Artifact(
                "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json", "{}".getBytes(StandardCharsets.UTF_8), Map.of()));
        return new Fixture(repo, a40, a30, a20, a1, b40, b1, release, sbom);
    }

    @Test
    void purgesSupersededCacheTagsAndTheirSbomButKeepsWhatReleasesUse() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.create(Map.of());
            Fixture f = fixture(client, registry);
            RepositoryScanner scanner = new RepositoryScanner(client);

            RepositoryState state = scanner.scan(f.repo());
            assertThat(state.node(f.amd64Day30().digest()).platform()).isEqualTo(Platform.LINUX_AMD64);
            assertThat(state.node(f.amd64Day30().digest()).created()).isEqualTo(NOW.minus(Duration.ofDays(30)));
            PurgePlan plan = PurgeSelection.select(state, PurgePolicy.of(null, null, 1, null), NOW);

            assertThat(plan.digests()).containsExactly(f.sbom().manifest().digest(),
                    state.tags().get(Referrers.referrersTag(f.amd64Day30().digest())), f.amd64Day30().digest(), f.amd64Day20().digest());

            Purger.Result result = new Purger(client).execute(f.repo(), state, plan);

            assertThat(result.outcome()).isEqualTo("purged");
            assertThat(result.deleted()).isEqualTo(4);
            assertThat(new RegistryAdmin(client).listTags(f.repo()))
                    .containsExactlyInAnyOrder("gk-a01", "gk-a40", "gk-b01", "gk-b40", "latest", "v1.0.0");
            for (Digest gone : plan.digests()) {
                assertThat(client.head(f.repo().withDigest(gone))).as(gone.toString()).isEmpty();
            }
            // the release still resolves, every platform
            assertThat(client.platforms(f.repo().withTag("v1.0.0")).values())
                    .containsExactly(f.amd64Day40().descriptor(), f.arm64Day40().descriptor());
            assertThat(client.head(f.repo().withDigest(f.amd64Day40().digest()))).isPresent();
        }
    }

    @Test
    void deletesNothingWhenATagMovedAfterTheScan() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.create(Map.of());
            Fixture f = fixture(client, registry);
            RepositoryState state = new RepositoryScanner(client).scan(f.repo());
            PurgePlan plan = PurgeSelection.select(state, PurgePolicy.of(null, null, 1, null), NOW);
            client.putManifest(f.repo(), "latest", f.amd64Day20()); // a build points latest at a condemned image meanwhile

            Purger.Result result = new Purger(client).execute(f.repo(), state, plan);

            assertThat(result.outcome()).isEqualTo("changed");
            assertThat(result.error()).isEqualTo("the tags of " + f.repo().name()
                    + " changed since they were read (tag latest moved); nothing was deleted: run purge again");
            assertThat(result.steps()).extracting(Purger.Step::outcome).containsOnly("not-attempted");
            assertThat(client.head(f.repo().withTag("gk-a20"))).contains(f.amd64Day20().descriptor());
        }
    }

    @Test
    void aRegistryThatRefusesDeletionStopsThePurgeWithAClearError() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithDeleteDisabled()) {
            RegistryClient client = RegistryClient.create(Map.of());
            Fixture f = fixture(client, registry);
            RepositoryState state = new RepositoryScanner(client).scan(f.repo());
            PurgePlan plan = PurgeSelection.select(state, PurgePolicy.of(null, null, 1, null), NOW);

            Purger.Result result = new Purger(client).execute(f.repo(), state, plan);

            assertThat(result.outcome()).isEqualTo("failed");
            assertThat(result.error()).startsWith("registry " + registry.host() + " refuses to delete team/app@")
                    .endsWith("deletion is disabled on this registry (distribution: set storage.delete.enabled to true)");
            assertThat(result.steps()).extracting(Purger.Step::outcome)
                    .containsExactly("failed", "not-attempted", "not-attempted", "not-attempted");
            assertThat(new RegistryAdmin(client).listTags(f.repo())).hasSize(state.tags().size());
        }
    }

    /** Pushes an image manifest whose config says it was made {@code daysAgo} days before {@link #NOW}. */
    private static Manifest push(RegistryClient client, ImageReference repo, String tag, String architecture, int daysAgo)
            throws Exception {
        byte[] layer = ("layer " + tag).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"created\":\""
                + NOW.minus(Duration.ofDays(daysAgo)) + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor l = upload(client, repo, MediaTypes.OCI_LAYER_GZIP, layer);
        Descriptor c = upload(client, repo, MediaTypes.OCI_CONFIG, config);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + c.mediaType() + "\",\"digest\":\"" + c.digest() + "\",\"size\":" + c.size() + "},\"layers\":[{\"mediaType\":\""
                + l.mediaType() + "\",\"digest\":\"" + l.digest() + "\",\"size\":" + l.size() + "}]}";
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
        client.putManifest(repo, tag, manifest);
        return manifest;
    }

    private static Descriptor upload(RegistryClient client, ImageReference repo, String mediaType, byte[] content) throws Exception {
        Digest digest = Digest.sha256(content);
        client.uploadBlob(repo, digest, content.length, new ByteArrayInputStream(content));
        return new Descriptor(mediaType, digest, content.length);
    }
}
