package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Referrers} and {@link RegistryAdmin} against a real registry (distribution 2.8, {@link LocalRegistry}),
 * which has no referrers API: attaching and listing go through the referrers tag.
 */
class ReferrersIT {
    private static final String CYCLONEDX = "application/vnd.cyclonedx+json";
    private static final String IN_TOTO = "application/vnd.in-toto+json";

    @Test
    void attachesAnSbomAndAProvenanceThroughTheReferrersTag() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.create(Map.of());
            ImageReference repo = ImageReference.parse(registry.host() + "/team/app");
            Manifest image = pushImage(client, repo, "1.0", "amd64");

            // distribution 2.8 has no referrers API: this is what makes the client fall back
            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + registry.host() + "/v2/team/app/referrers/" + image.digest())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(404);

            Referrers referrers = new Referrers(client);
            byte[] sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}".getBytes(StandardCharsets.UTF_8);
            byte[] statement = "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8);
            Referrers.Attached a = referrers.attach(repo, image.descriptor(), new Referrers.Artifact(CYCLONEDX, CYCLONEDX, sbom, Map.of()));
            Referrers.Attached b = referrers.attach(repo, image.descriptor(), new Referrers.Artifact(IN_TOTO, IN_TOTO, statement,
                    Map.of("in-toto.io/predicate-type", "https://slsa.dev/provenance/v1")));

            assertThat(a.source()).isEqualTo(Referrers.Source.REFERRERS_TAG);
            Referrers.Listing listing = referrers.list(repo, image.digest());
            assertThat(listing.source()).isEqualTo(Referrers.Source.REFERRERS_TAG);
            assertThat(listing.referrers()).extracting(Referrers.Referrer::artifactType).containsExactly(CYCLONEDX, IN_TOTO);
            assertThat(listing.referrers()).extracting(Referrers.Referrer::descriptor)
                    .containsExactly(a.manifest().descriptor(), b.manifest().descriptor());
            assertThat(new RegistryAdmin(client).listTags(repo)).containsExactlyInAnyOrder("1.0", Referrers.referrersTag(image.digest()));

            // the artifact manifest kept its bytes and its subject; its layer is the SBOM
            Manifest stored = client.getManifest(repo.withDigest(a.manifest().digest()));
            assertThat(stored).isEqualTo(a.manifest());
            ImageManifest parts = ImageManifest.read(stored, "sbom");
            assertThat(parts.subject()).isEqualTo(image.descriptor());
            assertThat(parts.artifactType()).isEqualTo(CYCLONEDX);
            assertThat(client.getBlob(repo, parts.layers().get(0).digest())).isEqualTo(sbom);
            // the image itself did not change
            assertThat(client.getManifest(repo.withTag("1.0"))).isEqualTo(image);
        }
    }

    @Test
    void findsSignaturesUnderCosignTags() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.create(Map.of());
            ImageReference repo = ImageReference.parse(registry.host() + "/team/app");
            Manifest image = pushImage(client, repo, "1.0", "amd64");
            String sigTag = Referrers.referrersTag(image.digest()) + ".sig";
            Manifest signature = pushImage(client, repo, sigTag, "arm64"); // any manifest will do under the tag

            List<Referrers.TagAttachment> found = new Referrers(client).tagAttachments(repo, image.digest());

            assertThat(found).containsExactly(new Referrers.TagAttachment(sigTag, signature.descriptor()));
        }
    }

    @Test
    void deletesAManifestWithItsTag() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.create(Map.of());
            ImageReference repo = ImageReference.parse(registry.host() + "/team/app");
            Manifest old = pushImage(client, repo, "gk-old", "amd64");
            pushImage(client, repo, "gk-new", "arm64");
            RegistryAdmin admin = new RegistryAdmin(client);

            assertThat(admin.deleteManifest(repo, old.digest())).isTrue();

            assertThat(admin.listTags(repo)).containsExactly("gk-new");
            assertThat(client.head(repo.withDigest(old.digest()))).isEmpty();
            assertThat(admin.deleteManifest(repo, old.digest())).isFalse();
        }
    }

    @Test
    void aRegistryWithDeletionDisabledRefusesWithAClearError() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithDeleteDisabled()) {
            RegistryClient client = RegistryClient.create(Map.of());
            ImageReference repo = ImageReference.parse(registry.host() + "/team/app");
            Manifest old = pushImage(client, repo, "gk-old", "amd64");

            RegistryException e = catchThrowableOfType(RegistryException.class,
                    () -> new RegistryAdmin(client).deleteManifest(repo, old.digest()));

            assertThat(e.status()).isEqualTo(405);
            assertThat(e.getMessage()).startsWith("registry " + registry.host() + " refuses to delete team/app@" + old.digest())
                    .endsWith("deletion is disabled on this registry (distribution: set storage.delete.enabled to true)");
            assertThat(client.getManifest(repo.withTag("gk-old"))).isEqualTo(old);
        }
    }

    /** Pushes a config, a layer and their manifest under {@code tag}; returns the manifest. */
    static Manifest pushImage(RegistryClient client, ImageReference repo, String tag, String architecture) throws Exception {
        byte[] layer = ("layer of " + tag + " for " + architecture).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"created\":\"2026-11-01T00:00:00Z\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
        Digest layerDigest = Digest.sha256(layer);
        Digest configDigest = Digest.sha256(config);
        client.uploadBlob(repo, layerDigest, layer.length, new ByteArrayInputStream(layer));
        client.uploadBlob(repo, configDigest, config.length, new ByteArrayInputStream(config));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}";
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
        client.putManifest(repo, tag, manifest);
        return manifest;
    }
}
