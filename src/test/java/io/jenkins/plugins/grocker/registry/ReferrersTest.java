package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Referrers} and {@link RegistryAdmin} against the in-process {@link FakeRegistry}. */
class ReferrersTest {
    private static final String CYCLONEDX = "application/vnd.cyclonedx+json";
    private static final String IN_TOTO = "application/vnd.in-toto+json";

    private FakeRegistry registry;
    private RegistryClient client;
    private ImageReference repo;
    private Descriptor subject;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        registry.deleteEnabled = true;
        client = new RegistryClient(Credentials.none(), Set.of(), RegistryClient.newHttpClient());
        repo = ImageReference.parse(registry.host() + "/team/app");
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.putBlob(config);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[]}";
        Digest digest = Digest.of(registry.putManifest("team/app", "1.0", MediaTypes.OCI_MANIFEST, json));
        subject = new Descriptor(MediaTypes.OCI_MANIFEST, digest, json.getBytes(StandardCharsets.UTF_8).length);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private static Referrers.Artifact sbom(String text) {
        return new Referrers.Artifact(CYCLONEDX, CYCLONEDX, text.getBytes(StandardCharsets.UTF_8),
                Map.of("org.opencontainers.image.created", "2026-11-28T00:00:00Z"));
    }

    @Test
    void theEmptyConfigDigestIsTheDigestOfTheEmptyObject() {
        assertThat(Referrers.EMPTY_DIGEST).isEqualTo(FakeRegistry.digest("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anArtifactManifestHasAnEmptyConfigOneLayerAndTheSubject() throws Exception {
        Referrers.Artifact artifact = sbom("{\"bomFormat\":\"CycloneDX\"}");
        Manifest manifest = Referrers.artifactManifest(subject, artifact);

        JsonNode json = new ObjectMapper().readTree(manifest.bytes());
        assertThat(json.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(json.path("artifactType").asText()).isEqualTo(CYCLONEDX);
        assertThat(json.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        assertThat(json.path("config").path("size").asInt()).isEqualTo(2);
        assertThat(json.path("layers")).hasSize(1);
        assertThat(json.path("layers").get(0).path("digest").asText()).isEqualTo(FakeRegistry.sha256(artifact.content()));
        assertThat(json.path("subject").path("digest").asText()).isEqualTo(subject.digest().toString());
        assertThat(json.path("annotations").path("org.opencontainers.image.created").asText()).isEqualTo("2026-11-28T00:00:00Z");
        assertThat(Referrers.artifactManifest(subject, artifact)).isEqualTo(manifest); // same bytes every time
    }

    @Test
    void withoutAReferrersApiArtifactsGoUnderTheReferrersTag() throws Exception {
        Referrers referrers = new Referrers(client);

        Referrers.Attached sbom = referrers.attach(repo, subject, sbom("{\"bomFormat\":\"CycloneDX\"}"));
        Referrers.Attached provenance = referrers.attach(repo, subject,
                new Referrers.Artifact(IN_TOTO, IN_TOTO, "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8),
                        Map.of("in-toto.io/predicate-type", "https://slsa.dev/provenance/v1")));

        assertThat(sbom.source()).isEqualTo(Referrers.Source.REFERRERS_TAG);
        assertThat(provenance.source()).isEqualTo(Referrers.Source.REFERRERS_TAG);
        String tag = "sha256-" + subject.digest().hex();
        assertThat(Referrers.referrersTag(subject.digest())).isEqualTo(tag);
        Manifest index = client.getManifest(repo.withTag(tag));
        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);

        Referrers.Listing listing = referrers.list(repo, subject.digest());
        assertThat(listing.source()).isEqualTo(Referrers.Source.REFERRERS_TAG);
        assertThat(listing.referrers()).extracting(r -> r.descriptor().digest())
                .containsExactly(sbom.manifest().digest(), provenance.manifest().digest());
        assertThat(listing.ofType(IN_TOTO)).singleElement()
                .satisfies(r -> assertThat(r.annotations()).containsEntry("in-toto.io/predicate-type", "https://slsa.dev/provenance/v1"));
        assertThat(registry.requests).contains("GET /v2/team/app/referrers/" + subject.digest());

        // the artifact and its layer are in the repository, digest for digest
        assertThat(client.getManifest(repo.withDigest(sbom.manifest().digest()))).isEqualTo(sbom.manifest());
        Digest layer = ImageManifest.read(sbom.manifest(), "sbom").layers().get(0).digest();
        assertThat(new String(client.getBlob(repo, layer), StandardCharsets.UTF_8)).isEqualTo("{\"bomFormat\":\"CycloneDX\"}");
    }

    @Test
    void attachingTheSameArtifactTwiceListsItOnce() throws Exception {
        Referrers referrers = new Referrers(client);
        referrers.attach(repo, subject, sbom("{}"));
        String tag = Referrers.referrersTag(subject.digest());
        Manifest before = client.getManifest(repo.withTag(tag));
        referrers.attach(repo, subject, sbom("{}"));

        assertThat(client.getManifest(repo.withTag(tag))).isEqualTo(before);
        assertThat(referrers.list(repo, subject.digest()).referrers()).hasSize(1);
    }

    @Test
    void aRegistryWithTheReferrersApiIndexesArtifactsItself() throws Exception {
        registry.referrersApi = true;
        Referrers referrers = new Referrers(client);

        Referrers.Attached attached = referrers.attach(repo, subject, sbom("{\"bomFormat\":\"CycloneDX\"}"));

        assertThat(attached.source()).isEqualTo(Referrers.Source.REFERRERS_API);
        assertThat(client.head(repo.withTag(Referrers.referrersTag(subject.digest())))).isEmpty();
        Referrers.Listing listing = referrers.list(repo, subject.digest());
        assertThat(listing.source()).isEqualTo(Referrers.Source.REFERRERS_API);
        assertThat(listing.referrers()).singleElement().satisfies(r -> {
            assertThat(r.descriptor()).isEqualTo(attached.manifest().descriptor());
            assertThat(r.artifactType()).isEqualTo(CYCLONEDX);
        });
    }

    @Test
    void aManifestWithoutReferrersHasNone() throws Exception {
        Referrers.Listing listing = new Referrers(client).list(repo, subject.digest());
        assertThat(listing.source()).isEqualTo(Referrers.Source.NONE);
        assertThat(listing.referrers()).isEmpty();
    }

    @Test
    void findsCosignSignaturesAndAttestationsUnderTheirTags() throws Exception {
        String hex = subject.digest().hex();
        Digest sig = Digest.of(registry.putManifest("team/app", "sha256-" + hex + ".sig", MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"sig\":1}"));
        Digest att = Digest.of(registry.putManifest("team/app", "sha256-" + hex + ".att", MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"att\":1}"));

        List<Referrers.TagAttachment> found = new Referrers(client).tagAttachments(repo, subject.digest());

        assertThat(found).extracting(Referrers.TagAttachment::tag).containsExactly("sha256-" + hex + ".sig", "sha256-" + hex + ".att");
        assertThat(found).extracting(a -> a.descriptor().digest()).containsExactly(sig, att);
    }

    @Test
    void listsEveryTagAcrossPages() throws Exception {
        registry.tagsPageSize = 2;
        for (String tag : List.of("gk-1", "gk-2", "gk-3", "latest")) {
            registry.putManifest("team/app", tag, MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"t\":\"" + tag + "\"}");
        }

        List<String> tags = new RegistryAdmin(client).listTags(repo);

        assertThat(tags).containsExactly("1.0", "gk-1", "gk-2", "gk-3", "latest");
        assertThat(registry.requests.stream().filter(r -> r.endsWith("/tags/list"))).hasSize(3);
    }

    @Test
    void anUnknownRepositoryIsAnErrorNamingIt() throws Exception {
        RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> new RegistryAdmin(client).listTags(ImageReference.parse(registry.host() + "/team/missing")));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("repository team/missing not found in registry " + registry.host());
    }

    @Test
    void deletesAManifestAndItsTags() throws Exception {
        RegistryAdmin admin = new RegistryAdmin(client);

        assertThat(admin.deleteManifest(repo, subject.digest())).isTrue();

        assertThat(client.head(repo.withTag("1.0"))).isEmpty();
        assertThat(admin.deleteManifest(repo, subject.digest())).isFalse();
    }

    @Test
    void aRegistryThatRefusesDeletionSaysHowToAllowIt() throws Exception {
        registry.deleteEnabled = false;

        RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> new RegistryAdmin(client).deleteManifest(repo, subject.digest()));

        assertThat(e.status()).isEqualTo(405);
        assertThat(e.getMessage()).isEqualTo("registry " + registry.host() + " refuses to delete team/app@" + subject.digest()
                + " (HTTP 405 UNSUPPORTED: The operation is unsupported.): deletion is disabled on this registry"
                + " (distribution: set storage.delete.enabled to true)");
        assertThat(client.head(repo.withTag("1.0"))).isPresent();
    }
}
