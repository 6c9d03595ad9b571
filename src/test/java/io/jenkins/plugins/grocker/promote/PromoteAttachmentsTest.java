package io.jenkins.plugins.grocker.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.registry.RetryPolicy;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.scan.Scanner;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What travels with a promoted image, on the fake registries: the referrers of the index and of each platform
 * manifest (an SBOM, a provenance record), a signature of the SBOM, and cosign's tag attachments, copied to every
 * target with their digests; a dry run lists them; the audit record names them; the scan gate stops the promotion
 * before anything is copied.
 */
class PromoteAttachmentsTest {
    private static final String CYCLONEDX = "application/vnd.cyclonedx+json";
    private static final String IN_TOTO = "application/vnd.in-toto+json";
    private static final String SIGNATURE = "application/vnd.example.signature";

    @TempDir
    Path dir;

    private FakeRegistry a;
    private FakeRegistry b;
    private RegistryClient client;
    private TestImages.Image image;
    private Referrers.Attached sbom;
    private Referrers.Attached provenance;
    private Referrers.Attached sbomSignature;
    private Manifest cosignSignature;
    private String cosignTag;

    @BeforeEach
    void start() throws Exception {
        a = new FakeRegistry();
        b = new FakeRegistry();
        b.referrersApi = true; // the target registry indexes referrers itself, the source (like distribution 2.8) does not
        client = RegistryClient.create(Map.of(), null, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)));
        ImageReference src = ref(a, "team/app:1.0");
        image = TestImages.pushIndex(client, src, 7, 2, 4096);
        Referrers referrers = new Referrers(client);
        Manifest amd64 = image.children().get(0);
        sbom = referrers.attach(src, amd64.descriptor(), artifact(CYCLONEDX, "{\"bomFormat\":\"CycloneDX\",\"components\":[{\"name\":\"grocker-scan-marker\"}]}"));
        provenance = referrers.attach(src, amd64.descriptor(), artifact(IN_TOTO, "{\"_type\":\"https://in-toto.io/Statement/v1\"}"));
        sbomSignature = referrers.attach(src, sbom.manifest().descriptor(), artifact(SIGNATURE, "signed"));
        // cosign's way: a manifest under sha256-<index hex>.sig
        byte[] layer = "cosign signature".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        client.uploadBlob(src, Digest.sha256(layer), layer.length, new ByteArrayInputStream(layer));
        client.uploadBlob(src, Digest.sha256(config), config.length, new ByteArrayInputStream(config));
        cosignSignature = Manifest.of(MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digest.sha256(config) + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
                + Digest.sha256(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8));
        cosignTag = Referrers.referrersTag(image.digest()) + ".sig";
        client.putManifest(src, cosignTag, cosignSignature);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private static Referrers.Artifact artifact(String type, String content) {
        return new Referrers.Artifact(type, type, content.getBytes(StandardCharsets.UTF_8), Map.of("org.opencontainers.image.created", "2026-11-28T10:00:00Z"));
    }

    private static ImageReference ref(FakeRegistry registry, String rest) throws InputException {
        return ImageReference.parse(registry.host() + "/" + rest);
    }

    private PromotionRecord promote(List<ImageReference> targets, boolean dryRun, Scanner scanner, List<BuildEvent> events)
            throws Exception {
        PromotionRequest request = new PromotionRequest(ref(a, "team/app:1.0"), targets, List.of(), TagGuard.of(null, false, true),
                dryRun, dir.resolve("audit.json"), "release-manager", null, scanner);
        return new Promoter(client, events::add, 4, Clock.systemUTC()).promote(request);
    }

    @Test
    void referrersAndCosignTagsTravelToEveryTargetWithTheirDigests() throws Exception {
        ImageReference same = ref(a, "release/app:1.0");
        ImageReference other = ref(b, "prod/app:1.0");

        PromotionRecord record = promote(List.of(same, other), false, null, new ArrayList<>());

        assertThat(record.outcome()).isEqualTo(PromotionRecord.Outcome.PROMOTED);
        Digest amd64 = image.children().get(0).digest();
        Referrers referrers = new Referrers(client);
        for (ImageReference target : List.of(same, other)) {
            ImageReference repo = ImageReference.of(target.registry(), target.repository());
            Referrers.Listing listing = referrers.list(repo, amd64);
            assertThat(listing.referrers()).as(repo.toString()).extracting(r -> r.descriptor().digest())
                    .containsExactlyInAnyOrder(sbom.manifest().digest(), provenance.manifest().digest());
            assertThat(referrers.list(repo, sbom.manifest().digest()).referrers()).extracting(r -> r.descriptor().digest())
                    .containsExactly(sbomSignature.manifest().digest());
            assertThat(client.getManifest(repo.withDigest(sbom.manifest().digest()))).isEqualTo(sbom.manifest());
            assertThat(referrers.content(repo, amd64, CYCLONEDX).map(String::new)).contains(
                    "{\"bomFormat\":\"CycloneDX\",\"components\":[{\"name\":\"grocker-scan-marker\"}]}");
            assertThat(client.getManifest(repo.withTag(cosignTag))).isEqualTo(cosignSignature);
        }
        // the target with a referrers API has no referrers tag; the one without has one per subject
        assertThat(b.tags("prod/app")).containsExactlyInAnyOrder("1.0", cosignTag);
        assertThat(a.tags("release/app")).contains(Referrers.referrersTag(amd64), Referrers.referrersTag(sbom.manifest().digest()));
        // the audit record names every attachment, per target repository
        assertThat(record.attachments()).hasSize(8).allMatch(x -> x.outcome().equals("copied"));
        assertThat(record.attachments()).filteredOn(x -> x.repository().equals(other.name()))
                .extracting(PromotionRecord.Attachment::digest).containsExactlyInAnyOrder(sbom.manifest().digest(),
                        provenance.manifest().digest(), sbomSignature.manifest().digest(), cosignSignature.digest());
        assertThat(record.attachments()).filteredOn(x -> x.tag() != null).extracting(PromotionRecord.Attachment::tag)
                .containsOnly(cosignTag);
        assertThat(Files.readString(dir.resolve("audit.json"))).contains("\"attachments\"", sbom.manifest().digest().toString(),
                "\"artifactType\" : \"application/vnd.cyclonedx+json\"", "\"tag\" : \"" + cosignTag + "\"");

        // promoting again: everything is present already
        PromotionRecord again = promote(List.of(other), false, null, new ArrayList<>());
        assertThat(again.attachments()).hasSize(4).allMatch(x -> x.outcome().equals("present"));
    }

    @Test
    void aDryRunListsWhatWouldTravelAndCopiesNothing() throws Exception {
        List<BuildEvent> events = new ArrayList<>();

        PromotionRecord record = promote(List.of(ref(b, "prod/app:1.0")), true, null, events);

        assertThat(record.outcome()).isEqualTo(PromotionRecord.Outcome.DRY_RUN);
        assertThat(record.attachments()).hasSize(4).allMatch(x -> x.outcome().equals("planned"));
        assertThat(events).filteredOn(e -> e instanceof BuildEvent.Info).extracting(e -> ((BuildEvent.Info) e).message())
                .contains("plan " + b.host() + "/prod/app: carry " + CYCLONEDX + " " + sbom.manifest().digest() + " (about sha256:"
                        + image.children().get(0).digest().shortForm() + ")",
                        "plan " + b.host() + "/prod/app: carry tag " + cosignTag + " " + cosignSignature.digest() + " (about sha256:"
                        + image.digest().shortForm() + ")");
        assertThat(b.tags("prod/app")).isEmpty();
    }

    @Test
    void aCosignTagTheTargetHasOnAnotherManifestIsLeftAlone() throws Exception {
        ImageReference target = ref(b, "prod/app:1.0");
        TestImages.Image theirs = TestImages.pushIndex(client, ref(b, "prod/app:" + cosignTag), 9, 1, 64);

        PromotionRecord record = promote(List.of(target), false, null, new ArrayList<>());

        assertThat(record.attachments()).filteredOn(x -> x.tag() != null).singleElement()
                .satisfies(x -> assertThat(x.outcome()).isEqualTo("kept"));
        assertThat(b.digestOf("prod/app", cosignTag)).contains(theirs.digest().toString());
    }

    @Test
    void theScanGateStopsThePromotionBeforeAnythingIsCopied() throws Exception {
        Scanner scanner = new Scanner("if [ -n \"$GROCKER_SCAN_SBOM\" ] && grep -q grocker-scan-marker \"$GROCKER_SCAN_SBOM\"; then "
                + "echo \"marker in $GROCKER_SCAN_IMAGE\"; exit 4; fi; echo \"no SBOM or clean: $GROCKER_SCAN_PLATFORM\"",
                Duration.ofMinutes(1), Map.of());

        ScanException refused = catchThrowableOfType(ScanException.class,
                () -> promote(List.of(ref(b, "prod/app:1.0")), false, scanner, new ArrayList<>()));

        PromotionRecord record = (PromotionRecord) refused.result();
        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(refused.getMessage()).isEqualTo("the scan gate refused " + a.host() + "/team/app linux/amd64 (exit 4): "
                + "nothing was copied and no tag was moved");
        assertThat(record.outcome()).isEqualTo(PromotionRecord.Outcome.REFUSED);
        assertThat(record.scans()).extracting(ScanResult::platform).containsExactly("linux/amd64", "linux/arm64");
        assertThat(record.scans().get(0).output()).isEqualTo("marker in " + a.host() + "/team/app@" + image.children().get(0).digest() + "\n");
        assertThat(record.scans().get(1).passed()).isTrue();
        assertThat(record.scans().get(1).sbom()).isFalse();
        assertThat(record.attachments()).allMatch(x -> x.outcome().equals("not-copied"));
        assertThat(b.tags("prod/app")).isEmpty();
        assertThat(b.requests("PUT", "/manifests/")).isEmpty();
        assertThat(Files.readString(dir.resolve("audit.json"))).contains("\"outcome\" : \"refused\"", "marker in");
    }

    @Test
    void aDryRunScansAndReportsWithoutFailing() throws Exception {
        Scanner refusing = new Scanner("echo \"would refuse $GROCKER_SCAN_PLATFORM\"; exit 1", Duration.ofMinutes(1), Map.of());

        PromotionRecord record = promote(List.of(ref(b, "prod/app:1.0")), true, refusing, new ArrayList<>());

        assertThat(record.outcome()).isEqualTo(PromotionRecord.Outcome.DRY_RUN);
        assertThat(record.scans()).hasSize(2).noneMatch(ScanResult::passed);
        assertThat(record.scans().get(1).output()).isEqualTo("would refuse linux/arm64\n");
        assertThat(b.tags("prod/app")).isEmpty();
    }

    @Test
    void publishScansEveryPlatformImageBeforeWritingAnyTag() throws Exception {
        Publisher publisher = new Publisher(client, events -> { });
        ImageReference index = ref(a, "team/app").withDigest(image.digest());
        Scanner marker = new Scanner("if [ -n \"$GROCKER_SCAN_SBOM\" ] && grep -q grocker-scan-marker \"$GROCKER_SCAN_SBOM\"; then "
                + "echo marker; exit 2; fi", Duration.ofMinutes(1), Map.of());

        ScanException refused = catchThrowableOfType(ScanException.class,
                () -> publisher.publish(List.of(index), List.of("candidate"), TagGuard.of(null, false, false), false, marker));

        assertThat(refused.getMessage()).isEqualTo("the scan gate refused " + a.host() + "/team/app linux/amd64 (exit 2): no tag was moved");
        assertThat(a.tags("team/app")).doesNotContain("candidate");
        Publisher.Published result = (Publisher.Published) refused.result();
        assertThat(result.scans()).extracting(ScanResult::passed).containsExactly(false, true);
        assertThat(result.tags()).isEmpty();

        Publisher.Published dry = publisher.publish(List.of(index), List.of("candidate"), TagGuard.of(null, false, false), true, marker);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.scans()).extracting(ScanResult::passed).containsExactly(false, true);
        assertThat(a.tags("team/app")).doesNotContain("candidate");

        Publisher.Published passed = publisher.publish(List.of(index), List.of("candidate"), TagGuard.of(null, false, false), false,
                new Scanner("true", Duration.ofMinutes(1), Map.of()));
        assertThat(passed.scans()).hasSize(2).allMatch(ScanResult::passed);
        assertThat(a.digestOf("team/app", "candidate")).contains(image.digest().toString());
    }
}
