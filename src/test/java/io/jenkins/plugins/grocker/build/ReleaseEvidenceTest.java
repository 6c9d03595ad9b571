package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.provenance.ProvenanceStatement;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.scan.Scanner;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import io.jenkins.plugins.grocker.testing.FakeEngine;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a build leaves for a release manager, on the in-memory engine and the fake registry: an SBOM and a provenance
 * record attached to every platform image it pushes (subject = the image manifest), what a reused image already has,
 * and the scan gate, which runs on every platform image before any tag moves and, when it fails, moves none.
 */
class ReleaseEvidenceTest {
    private static final String STATUS = """
            Package: base-files
            Status: install ok installed
            Architecture: amd64
            Version: 12.4+deb12u5
            Maintainer: Santiago Vila <sanvila@debian.org>

            Package: libc6
            Status: install ok installed
            Architecture: amd64
            Source: glibc
            Version: 2.36-9+deb12u4
            """;
    private static final String MARKER = """
            Metadata-Version: 2.1
            Name: grocker-scan-marker
            Version: 1.0
            """;
    /** Fails, naming it, on an image whose SBOM lists the marker package. */
    private static final String SCANNER = "if grep -q '\"name\" : \"grocker-scan-marker\"' \"$GROCKER_SCAN_SBOM\"; then "
            + "echo \"$GROCKER_SCAN_NAME: marker package found in $GROCKER_SCAN_IMAGE\"; exit 3; fi; echo \"$GROCKER_SCAN_NAME clean\"";

    @TempDir
    Path dir;

    private FakeRegistry registry;
    private RegistryClient client;
    private FakeEngine engine;
    private HierarchySpec spec;
    private RunInfo run;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        client = RegistryClient.create(Map.of());
        TestImages.pushIndex(client, ImageReference.parse(registry.host() + "/debian:bookworm"), 1, 1, 64);
        engine = new FakeEngine("fake://amd64", Platform.LINUX_AMD64, client);
        engine.files("python-base", Map.of("/var/lib/dpkg/status", STATUS));
        engine.files("app-base", Map.of("/var/lib/dpkg/status", STATUS,
                "/usr/local/lib/python3.11/dist-packages/grocker_scan_marker-1.0.dist-info/METADATA", MARKER));
        Path file = dir.resolve("loom.yaml");
        Files.writeString(file, """
                registry: "%1$s/loom"
                platforms: [linux/amd64]
                images:
                  - name: python-base
                    from: "%1$s/debian:bookworm"
                    tags: ["3.11"]
                  - name: app-base
                    parent: python-base
                    env: {APP: "1"}
                    tags: ["3.11"]
                """.formatted(registry.host()));
        spec = new SpecLoader(Map.of()).load(file);
        run = RunInfo.of(file, Map.of(RunInfo.REVISION_LABEL, "0123456789abcdef0123456789abcdef01234567",
                RunInfo.SOURCE_LABEL, "https://git.example.org/images.git"), Map.of("BUILD_URL", "https://ci.example.org/job/b/7/"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private BuildResult build(Scanner scanner, List<BuildEvent> events) throws Exception {
        return BaseBuild.of(spec, BuildOptions.defaults().withPlatforms(List.of()).withRun(run).withScanner(scanner),
                new BuildServices(Engines.single(engine), client, Credentials.none(), events::add)).run();
    }

    @Test
    void everyPushedPlatformImageGetsAnSbomAndAProvenanceRecordAboutItsManifest() throws Exception {
        BuildResult result = build(null, new ArrayList<>());

        BuildResult.PlatformResult python = result.image("python-base").platforms().get(0);
        assertThat(python.attachments()).extracting(BuildResult.Attachment::kind).containsExactly("sbom", "provenance");
        assertThat(python.attachments()).extracting(BuildResult.Attachment::via).containsOnly("referrers-tag");
        ImageReference repo = ImageReference.parse(registry.host() + "/loom/python-base");
        Referrers.Listing listing = new Referrers(client).list(repo, python.digest());
        assertThat(listing.referrers()).extracting(r -> r.descriptor().digest())
                .containsExactly(python.attachments().get(0).digest(), python.attachments().get(1).digest());
        // subject = the platform manifest, by digest
        ImageManifest artifact = ImageManifest.read(client.getManifest(repo.withDigest(python.attachments().get(0).digest())), "sbom");
        assertThat(artifact.subject().digest()).isEqualTo(python.digest());
        assertThat(artifact.artifactType()).isEqualTo(CycloneDx.MEDIA_TYPE);

        JsonNode sbom = new ObjectMapper().readTree(new Referrers(client).content(repo, python.digest(), CycloneDx.MEDIA_TYPE).orElseThrow());
        assertThat(sbom.path("specVersion").asText()).isEqualTo("1.6");
        assertThat(sbom.path("metadata").path("component").path("version").asText()).isEqualTo(python.digest().toString());
        List<String> purls = new ArrayList<>();
        sbom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
        assertThat(purls).contains("pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64",
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc");

        JsonNode provenance = new ObjectMapper().readTree(new Referrers(client).content(repo, python.digest(),
                ProvenanceStatement.MEDIA_TYPE).orElseThrow());
        assertThat(provenance.path("subject").get(0).path("digest").path("sha256").asText()).isEqualTo(python.digest().hex());
        JsonNode definition = provenance.path("predicate").path("buildDefinition");
        assertThat(definition.path("resolvedDependencies").get(0).path("digest").path("sha256").asText())
                .isEqualTo(Digest.sha256(Files.readAllBytes(dir.resolve("loom.yaml"))).hex());
        assertThat(definition.path("resolvedDependencies").get(1).path("digest").path("gitCommit").asText())
                .isEqualTo("0123456789abcdef0123456789abcdef01234567");
        Digest base = client.platforms(ImageReference.parse(registry.host() + "/debian:bookworm")).get(Platform.LINUX_AMD64).digest();
        assertThat(definition.path("resolvedDependencies").get(2).path("digest").path("sha256").asText()).isEqualTo(base.hex());
        JsonNode amd64 = definition.path("internalParameters").path("platforms").path("linux/amd64");
        assertThat(amd64.path("engine").asText()).isEqualTo("fake://amd64");
        assertThat(amd64.path("engineVersion").asText()).isEqualTo("fake-1.0");
        assertThat(amd64.path("outcome").asText()).isEqualTo("built");
        assertThat(provenance.path("predicate").path("runDetails").path("metadata").path("invocationId").asText())
                .isEqualTo("https://ci.example.org/job/b/7/");
        assertThat(engine.openFileViews).hasValue(0); // the containers made to read the files are gone

        // the child's base is its parent's platform manifest
        BuildResult.PlatformResult app = result.image("app-base").platforms().get(0);
        JsonNode appProvenance = new ObjectMapper().readTree(new Referrers(client).content(
                ImageReference.parse(registry.host() + "/loom/app-base"), app.digest(), ProvenanceStatement.MEDIA_TYPE).orElseThrow());
        assertThat(appProvenance.path("predicate").path("buildDefinition").path("resolvedDependencies").get(2).path("digest")
                .path("sha256").asText()).isEqualTo(python.digest().hex());

        // a second run reuses everything: nothing new is attached, what is there is reported
        BuildResult again = build(null, new ArrayList<>());
        assertThat(again.image("python-base").platforms().get(0).status()).isEqualTo(Status.REUSED);
        assertThat(again.image("python-base").platforms().get(0).attachments()).isEqualTo(python.attachments());
        assertThat(new Referrers(client).list(repo, python.digest()).referrers()).hasSize(2);
    }

    @Test
    void aFailingScanMovesNoTagAndKeepsTheScannersOutput() throws Exception {
        Scanner scanner = new Scanner(SCANNER, Duration.ofMinutes(1), Map.of());
        List<BuildEvent> events = new ArrayList<>();

        ScanException refused = catchThrowableOfType(ScanException.class, () -> build(scanner, events));

        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(refused.getMessage()).isEqualTo("the scan gate refused app-base linux/amd64 (exit 3): no tag was moved");
        assertThat(registry.tags("loom/python-base")).allMatch(t -> t.startsWith("gk-") || t.startsWith("sha256-"));
        assertThat(registry.tags("loom/app-base")).allMatch(t -> t.startsWith("gk-") || t.startsWith("sha256-"));
        BuildResult result = (BuildResult) refused.result();
        ScanResult python = result.image("python-base").platforms().get(0).scan();
        ScanResult app = result.image("app-base").platforms().get(0).scan();
        assertThat(python.passed()).isTrue();
        assertThat(python.output()).isEqualTo("python-base clean\n");
        assertThat(app.passed()).isFalse();
        assertThat(app.exitCode()).isEqualTo(3);
        assertThat(app.sbom()).isTrue();
        assertThat(app.image()).isEqualTo(registry.host() + "/loom/app-base@" + result.image("app-base").platforms().get(0).digest());
        assertThat(app.output()).isEqualTo("app-base: marker package found in " + app.image() + "\n");
        assertThat(result.image("app-base").tags()).isEmpty();
        assertThat(events).filteredOn(e -> e instanceof BuildEvent.Info).extracting(e -> ((BuildEvent.Info) e).message())
                .contains("[app-base linux/amd64] | app-base: marker package found in " + app.image());

        // the next run reuses both images and scans them again, with the SBOMs attached in the registry
        ScanException again = catchThrowableOfType(ScanException.class, () -> build(scanner, new ArrayList<>()));
        BuildResult second = (BuildResult) again.result();
        assertThat(second.image("app-base").platforms().get(0).status()).isEqualTo(Status.REUSED);
        assertThat(second.image("app-base").platforms().get(0).scan().exitCode()).isEqualTo(3);
        assertThat(second.image("app-base").platforms().get(0).scan().sbom()).isTrue();

        // a scanner that passes lets the tags move
        BuildResult passed = build(new Scanner("echo ok", Duration.ofMinutes(1), Map.of()), new ArrayList<>());
        assertThat(registry.tags("loom/app-base")).contains("3.11");
        assertThat(passed.scans()).hasSize(2).allMatch(ScanResult::passed);
    }

    @Test
    void theScannerSeesNoSecretAndStopsAtItsTimeout() throws Exception {
        Scanner scanner = new Scanner("echo \"token=$GROCKER_REGISTRY_PASSWORD\"; sleep 30", Duration.ofSeconds(1),
                Map.of("GROCKER_REGISTRY_PASSWORD", "hunter2-secret", "PATH", System.getenv("PATH")));

        ScanResult result = scanner.scan(new io.jenkins.plugins.grocker.scan.ScanRequest("x", Platform.LINUX_AMD64, "reg/x@sha256:0",
                "{}".getBytes(StandardCharsets.UTF_8)));

        assertThat(result.passed()).isFalse();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.output()).startsWith("token=****\n").endsWith("grocker: the scanner did not end within 1 s and was stopped")
                .doesNotContain("hunter2");
        assertThat(result.seconds()).isLessThan(10);
    }

    @Test
    void theScannerKeepsTheEndOfALongOutput() {
        Scanner scanner = new Scanner("seq 1 20000; echo last line", Duration.ofMinutes(1), Map.of("PATH", System.getenv("PATH")));

        ScanResult result = scanner.scan(new io.jenkins.plugins.grocker.scan.ScanRequest("x", Platform.LINUX_AMD64, "reg/x@sha256:0", null));

        assertThat(result.passed()).isTrue();
        assertThat(result.sbom()).isFalse();
        assertThat(result.output()).hasSize(Scanner.MAX_OUTPUT + 1).startsWith("…").endsWith("20000\nlast line\n");
    }

    @Test
    void withoutPushTheScannerIsToldTheLocalKeyTag() throws Exception {
        Scanner scanner = new Scanner("echo \"$GROCKER_SCAN_IMAGE sbom=[$GROCKER_SCAN_SBOM]\"", Duration.ofMinutes(1), Map.of());

        BuildResult result = BaseBuild.of(spec, BuildOptions.defaults().withPush(false).withScanner(scanner),
                new BuildServices(Engines.single(engine), client, Credentials.none(), e -> { })).run();

        ScanResult py = result.image("python-base").platforms().get(0).scan();
        assertThat(py.image()).isEqualTo(registry.host() + "/loom/python-base:gk-" + result.image("python-base").platforms().get(0).key());
        assertThat(py.output()).isEqualTo(py.image() + " sbom=[]\n");
    }
}
