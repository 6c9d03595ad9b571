package io.jenkins.plugins.grocker.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryAdmin;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import io.jenkins.plugins.grocker.testing.HeadlessChromium;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a release manager gets, against the real engine and registry (distribution 2.8, which has no referrers API):
 * a build of two small images (amd64) attaches a CycloneDX SBOM read from the images' own dpkg status and Python
 * metadata, and a provenance record, to every platform manifest; a scanner that fails on a marker package stops the
 * tags and its output lands in the result and the report; the report renders in Chromium; {@code grocker sbom}
 * prints the SBOM; promotion carries the SBOM, the provenance and a cosign-style signature tag, digests unchanged;
 * {@code grocker purge} removes a superseded cache image with what is attached to it and keeps the release.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseEvidenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OUT = Path.of("target/report-screenshots");
    /** Fails on an image whose SBOM lists the marker package; says how many packages it saw otherwise. */
    private static final String SCANNER = """
            #!/bin/sh
            if grep -q 'pkg:pypi/grocker-scan-marker@' "$GROCKER_SCAN_SBOM"; then
              echo "FAIL $GROCKER_SCAN_NAME: marker package grocker-scan-marker found in $GROCKER_SCAN_IMAGE"
              exit 3
            fi
            echo "ok $GROCKER_SCAN_NAME: $(grep -c '"purl"' "$GROCKER_SCAN_SBOM") package URLs, no marker"
            """;

    private static TestEnvironment t;
    private static Path work;
    private static Path spec;
    private static String scanner;

    @BeforeAll
    static void setUp() throws Exception {
        t = TestEnvironment.get();
        work = Files.createTempDirectory("grocker-evidence-it-");
        Files.createDirectories(OUT);
        Path script = work.resolve("scan.sh");
        Files.writeString(script, SCANNER);
        scanner = "sh " + script;
        Files.writeString(work.resolve("MARKER"), "Metadata-Version: 2.1\nName: grocker-scan-marker\nVersion: 1.0\n"
                + "Summary: a package the test scanner refuses\n");
        spec = work.resolve("evidence.yaml");
        Files.writeString(spec, """
                registry: "%s/evidence"
                platforms: [linux/amd64]
                images:
                  - name: py
                    from: "%s"
                    env: {EVIDENCE: "1"}
                    tags: ["1.0"]
                  - name: app
                    parent: py
                    files:
                      - {src: MARKER, dest: /usr/local/lib/python3.11/dist-packages/grocker_scan_marker-1.0.dist-info/METADATA}
                    tags: ["1.0"]
                """.formatted(t.registry.host(), t.debian()));
    }

    private static ImageReference ref(String text) throws Exception {
        return ImageReference.parse(t.registry.host() + "/" + text);
    }

    private static Digest amd64(String repository, String tagOrDigest) throws Exception {
        ImageReference r = ref(repository).withTag(tagOrDigest);
        return t.registryClient.platforms(r).get(Platform.LINUX_AMD64).digest();
    }

    @Test
    @Order(1)
    void aScanThatFindsTheMarkerMovesNoTagAndTheEvidenceIsAttached() throws Exception {
        Path result = work.resolve("refused.json");
        Path report = work.resolve("refused.html");
        TestEnvironment.Cli refused = t.cli(Map.of(), "base", "--spec", spec.toString(), "--scan-command", scanner,
                "--output-json", result.toString(), "--report", report.toString());

        assertThat(refused.code()).as(refused.err() + refused.out()).isEqualTo(5);
        assertThat(refused.err()).isEqualTo("grocker: the scan gate refused app linux/amd64 (exit 3): no tag was moved\n");
        assertThat(refused.out()).contains("[app linux/amd64] | FAIL app: marker package grocker-scan-marker found in")
                .contains("scan failed (exit 3): app linux/amd64");
        assertThat(t.registryClient.head(ref("evidence/py:1.0"))).isEmpty();
        assertThat(t.registryClient.head(ref("evidence/app:1.0"))).isEmpty();
        JsonNode json = JSON.readTree(result.toFile());
        JsonNode app = json.path("images").get(1).path("platforms").get(0);
        assertThat(app.path("scan").path("exitCode").asInt()).isEqualTo(3);
        assertThat(app.path("scan").path("sbom").asBoolean()).isTrue();
        assertThat(app.path("scan").path("output").asText()).startsWith("FAIL app: marker package grocker-scan-marker found in "
                + t.registry.host() + "/evidence/app@sha256:");
        assertThat(json.path("images").get(0).path("platforms").get(0).path("scan").path("output").asText()).startsWith("ok py: ");
        assertThat(Files.readString(report)).contains("marker package grocker-scan-marker found in").contains("scan failed");

        // each platform manifest has its SBOM and provenance, under the referrers tag (distribution has no referrers API)
        Digest py = Digest.of(json.path("images").get(0).path("platforms").get(0).path("digest").asText());
        Referrers.Listing listing = new Referrers(t.registryClient).list(ref("evidence/py"), py);
        assertThat(listing.source()).isEqualTo(Referrers.Source.REFERRERS_TAG);
        assertThat(listing.referrers()).extracting(Referrers.Referrer::artifactType)
                .containsExactly(CycloneDx.MEDIA_TYPE, "application/vnd.in-toto+json");
        assertThat(json.path("images").get(0).path("platforms").get(0).path("attachments").toString())
                .contains("\"kind\":\"sbom\"", "\"kind\":\"provenance\"", "\"via\":\"referrers-tag\"");
    }

    @Test
    @Order(2)
    void grockerSbomAndProvenancePrintWhatIsInTheImage() throws Exception {
        Digest app = amd64("evidence/app", "gk-" + tagOf("evidence/app"));
        TestEnvironment.Cli sbom = t.cli(Map.of(), "sbom", t.registry.host() + "/evidence/app@" + app);
        assertThat(sbom.code()).as(sbom.err()).isZero();
        Files.writeString(OUT.resolve("sample-sbom.cdx.json"), sbom.out());
        JsonNode bom = JSON.readTree(sbom.out());
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
        assertThat(bom.path("metadata").path("component").path("version").asText()).isEqualTo(app.toString());
        List<String> purls = new ArrayList<>();
        bom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
        // Debian's packages from the image's dpkg status (debootstrap minbase), the marker from its dist-info
        assertThat(purls).anyMatch(p -> p.startsWith("pkg:deb/debian/base-files@12"))
                .anyMatch(p -> p.startsWith("pkg:deb/debian/libc6@2.36-9") && p.contains("&upstream=glibc"))
                .contains("pkg:pypi/grocker-scan-marker@1.0");
        assertThat(purls.size()).isGreaterThan(80);

        TestEnvironment.Cli provenance = t.cli(Map.of(), "provenance", t.registry.host() + "/evidence/app@" + app);
        assertThat(provenance.code()).as(provenance.err()).isZero();
        JsonNode statement = JSON.readTree(provenance.out());
        assertThat(statement.path("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(statement.path("subject").get(0).path("digest").path("sha256").asText()).isEqualTo(app.hex());
        JsonNode dependencies = statement.path("predicate").path("buildDefinition").path("resolvedDependencies");
        assertThat(dependencies.get(0).path("digest").path("sha256").asText()).isEqualTo(Digest.sha256(Files.readAllBytes(spec)).hex());
        Digest py = amd64("evidence/py", "gk-" + tagOf("evidence/py"));
        assertThat(dependencies.toString()).contains(py.hex()); // app's base is py's platform manifest
        JsonNode amd64 = statement.path("predicate").path("buildDefinition").path("internalParameters").path("platforms").path("linux/amd64");
        assertThat(amd64.path("engineVersion").asText()).isNotEmpty();
        assertThat(amd64.path("startedOn").asText()).isNotEmpty();
        assertThat(statement.path("predicate").path("runDetails").path("builder").path("version").path("grocker").asText()).isNotEmpty();
    }

    /** The one gk- tag of a repository. */
    private static String tagOf(String repository) throws Exception {
        return new RegistryAdmin(t.registryClient).listTags(ref(repository)).stream().filter(x -> x.startsWith("gk-"))
                .findFirst().orElseThrow().substring(3);
    }

    @Test
    @Order(3)
    void aPassingScanMovesTheTagsAndTheReportRendersInChromium() throws Exception {
        Path report = OUT.resolve("build-report-real.html").toAbsolutePath();
        TestEnvironment.Cli passed = t.cli(Map.of(), "base", "--spec", spec.toString(), "--scan-command", "echo scanned",
                "--report", report.toString());
        assertThat(passed.code()).as(passed.err() + passed.out()).isZero();
        assertThat(passed.out()).contains("done in").contains("scan passed: app linux/amd64");
        assertThat(t.registryClient.head(ref("evidence/app:1.0"))).isPresent();

        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            HeadlessChromium.PageLoad load = chromium.open(report);
            assertThat(load.errors()).as("console errors, exceptions, CSP violations").isEmpty();
            assertThat(load.requests()).containsExactly(report.toUri().toString());
            assertThat(chromium.evaluate("document.querySelectorAll('svg g.node').length").asInt()).isEqualTo(2);
            assertThat(chromium.evaluate("document.querySelectorAll('svg path.edge').length").asInt()).isEqualTo(1);
            assertThat(chromium.evaluate("document.body.innerText").asText()).contains("reused").contains("sbom")
                    .contains("provenance").contains("Layers of linux/amd64");
            Path png = chromium.screenshot(OUT.resolve("build-report-real.png"));
            System.out.println("report screenshot: " + png.toAbsolutePath());
        }
    }

    @Test
    @Order(4)
    void promotionCarriesTheSbomTheProvenanceAndASignatureTag() throws Exception {
        ImageReference source = ref("evidence/app:1.0");
        Digest index = t.registryClient.head(source).orElseThrow().digest();
        Digest app = amd64("evidence/app", "1.0");
        // a signature made the cosign way: a manifest under sha256-<index hex>.sig (any manifest will do here)
        Manifest signature = t.registryClient.getManifest(ref("evidence/py:1.0"));
        String sigTag = Referrers.referrersTag(index) + ".sig";
        TestEnvironment.Cli copyBlobs = t.cli(Map.of(), "promote", t.registry.host() + "/evidence/py:1.0",
                t.registry.host() + "/evidence/app:" + sigTag, "--force", "--audit", work.resolve("sig.json").toString());
        assertThat(copyBlobs.code()).as(copyBlobs.err()).isZero();

        TestEnvironment.Cli dry = t.cli(Map.of(), "promote", source.toString(), t.registry.host() + "/release/app", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("plan " + t.registry.host() + "/release/app: carry " + CycloneDx.MEDIA_TYPE)
                .contains("carry application/vnd.in-toto+json").contains("carry tag " + sigTag);

        TestEnvironment.Cli refused = t.cli(Map.of(), "promote", source.toString(), t.registry.host() + "/release/app",
                "--scan-command", scanner, "--audit", work.resolve("refused-promotion.json").toString());
        assertThat(refused.code()).isEqualTo(5);
        assertThat(t.registryClient.head(ref("release/app:1.0"))).isEmpty();

        Path audit = work.resolve("promotion.json");
        Path report = OUT.resolve("promotion-report-real.html");
        TestEnvironment.Cli promoted = t.cli(Map.of("GROCKER_APPROVED_BY", "release-manager"), "promote", source.toString(),
                t.registry.host() + "/release/app", "--audit", audit.toString(), "--report", report.toString());
        assertThat(promoted.code()).as(promoted.err() + promoted.out()).isZero();

        ImageReference target = ref("release/app");
        Referrers referrers = new Referrers(t.registryClient);
        Referrers.Listing there = referrers.list(target, app);
        Referrers.Listing here = referrers.list(ref("evidence/app"), app);
        assertThat(there.referrers()).extracting(r -> r.descriptor().digest())
                .containsExactlyElementsOf(here.referrers().stream().map(r -> r.descriptor().digest()).toList());
        assertThat(referrers.content(target, app, CycloneDx.MEDIA_TYPE)).get()
                .isEqualTo(referrers.content(ref("evidence/app"), app, CycloneDx.MEDIA_TYPE).orElseThrow());
        assertThat(t.registryClient.head(target.withTag(sigTag)).orElseThrow().digest()).isEqualTo(signature.digest());
        JsonNode record = JSON.readTree(audit.toFile());
        assertThat(record.path("attachments")).hasSize(3);
        assertThat(record.path("attachments").toString()).contains(CycloneDx.MEDIA_TYPE, "application/vnd.in-toto+json",
                "\"tag\":\"" + sigTag + "\"", "\"outcome\":\"copied\"");
        assertThat(Files.readString(report)).contains("Carried with the image").contains("release-manager");
        TestEnvironment.Cli sbom = t.cli(Map.of(), "sbom", t.registry.host() + "/release/app:1.0");
        assertThat(sbom.out()).contains("pkg:pypi/grocker-scan-marker@1.0");
    }

    @Test
    @Order(5)
    void purgeRemovesASupersededCacheImageWithItsAttachmentsAndKeepsTheRelease() throws Exception {
        // a second py: another env, another key; the first one stays referenced by the tag 1.0 and the release
        Files.writeString(spec, Files.readString(spec).replace("EVIDENCE: \"1\"", "EVIDENCE: \"2\"").replace("tags: [\"1.0\"]\n  - name: app",
                "tags: [\"2.0\"]\n  - name: app"));
        TestEnvironment.Cli second = t.cli(Map.of(), "base", "--spec", spec.toString());
        assertThat(second.code()).as(second.err() + second.out()).isZero();
        ImageReference repo = ref("evidence/py");
        List<String> gk = new RegistryAdmin(t.registryClient).listTags(repo).stream().filter(x -> x.startsWith("gk-")).toList();
        assertThat(gk).hasSize(2);

        TestEnvironment.Cli dry = t.cli(Map.of(), "purge", repo.toString(), "--keep-last", "1", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("0 manifests to delete").contains("reached from kept tag 1.0");

        // without the 1.0 tag, the old image goes, with its SBOM, its provenance and its referrers tag
        Digest oldAmd64 = amd64("evidence/py", "1.0");
        t.registryClient.putManifest(repo, "1.0", t.registryClient.getManifest(repo.withTag("2.0")));
        Path audit = work.resolve("purge.json");
        TestEnvironment.Cli purged = t.cli(Map.of(), "purge", repo.toString(), "--keep-last", "1", "--audit", audit.toString());
        assertThat(purged.code()).as(purged.err() + purged.out()).isZero();
        assertThat(purged.out()).contains("purged, 4 of 4 manifests deleted");
        assertThat(t.registryClient.head(repo.withDigest(oldAmd64))).isEmpty();
        assertThat(new RegistryAdmin(t.registryClient).listTags(repo)).doesNotContain(Referrers.referrersTag(oldAmd64))
                .contains("1.0", "2.0");
        assertThat(t.registryClient.platforms(repo.withTag("2.0"))).containsKey(Platform.LINUX_AMD64);
        JsonNode record = JSON.readTree(audit.toFile());
        assertThat(record.path("outcome").asText()).isEqualTo("purged");
        assertThat(record.path("repositories").get(0).path("deletions").toString()).contains(oldAmd64.toString(), "artifact attached to");
        // the release repository is untouched: its referrers still there
        assertThat(new Referrers(t.registryClient).list(ref("release/app"), amd64("release/app", "1.0")).referrers()).hasSize(2);
        System.out.println("purge output:\n" + purged.out());
    }
}
