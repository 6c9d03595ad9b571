package io.jenkins.plugins.grocker.sbom;

import io.jenkins.plugins.grocker.docker.ImageFiles;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.PackageURL;
import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on real samples: a root filesystem served like the Docker archive API, its contents read, the
 * CycloneDX document written, then checked with the official CycloneDX library against the 1.6 JSON schema.
 */
class CycloneDxTest {
    private static final io.jenkins.plugins.grocker.image.Digest DIGEST = io.jenkins.plugins.grocker.image.Digest.of("sha256:" + "ab".repeat(32));

    @TempDir
    Path temp;

    private ImageContents contents() throws Exception {
        return ImageContentsReader.read(new DirectoryImageFiles(SbomFixtures.rootfs(temp.resolve("rootfs"))),
                List.of("/usr/lib/python3/dist-packages", "/usr/local/lib", "/opt/venv/lib"));
    }

    @Test
    void readsAnImagesPackagesFromItsFiles() throws Exception {
        ImageContents contents = contents();

        assertThat(contents.os()).isEqualTo(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)"));
        assertThat(contents.debianPackages()).hasSize(88);
        assertThat(contents.pythonDistributions()).extracting(PythonDistribution::purl)
                .containsExactlyInAnyOrder("pkg:pypi/pyyaml@6.0", "pkg:pypi/pyjwt@2.6.0", "pkg:pypi/attrs@26.1.0");
        assertThat(contents.pythonDistributions()).filteredOn(d -> d.name().equals("PyYAML")).singleElement()
                .satisfies(d -> assertThat(d.locations()).containsExactlyInAnyOrder(
                        "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info",
                        "/opt/venv/lib/python3.11/site-packages/PyYAML-6.0.dist-info"));
    }

    @Test
    void anImageWithoutDpkgOrPythonHasOnlyItsOperatingSystem() throws Exception {
        Path root = Files.createDirectories(temp.resolve("empty"));
        ImageContents contents = ImageContentsReader.read(new DirectoryImageFiles(root), ImageContentsReader.DEFAULT_PYTHON_ROOTS);

        assertThat(contents).isEqualTo(new ImageContents(OsRelease.UNKNOWN_DEBIAN, List.of(), List.of()));
        byte[] sbom = CycloneDx.write(contents, new SbomSubject(null, null, Platform.LINUX_ARM64, null, "0.1.0"));
        assertThat(new JsonParser().validate(sbom, Version.VERSION_16)).isEmpty();
    }

    @Test
    void writesAValidCycloneDx16Document() throws Exception {
        SbomSubject subject = new SbomSubject("127.0.0.1:5000/flowcore/python-base", DIGEST, Platform.LINUX_AMD64,
                Instant.parse("2026-11-28T10:15:30Z"), "0.1.0-SNAPSHOT");
        byte[] sbom = CycloneDx.write(contents(), subject);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/sample-sbom.cdx.json"), sbom); // kept for people to read

        assertThat(new JsonParser().validate(sbom, Version.VERSION_16)).as("schema errors").isEmpty();

        Bom bom = new JsonParser().parse(sbom);
        assertThat(bom.getSpecVersion()).isEqualTo("1.6");
        assertThat(bom.getSerialNumber()).startsWith("urn:uuid:");
        assertThat(bom.getMetadata().getComponent().getType()).isEqualTo(Component.Type.CONTAINER);
        assertThat(bom.getMetadata().getComponent().getPurl())
                .isEqualTo("pkg:oci/python-base@sha256:" + "ab".repeat(32) + "?arch=amd64&repository_url=127.0.0.1:5000/flowcore/python-base");
        assertThat(bom.getComponents()).hasSize(1 + 88 + 3);
        assertThat(bom.getComponents().get(0).getType()).isEqualTo(Component.Type.OPERATING_SYSTEM);
        assertThat(bom.getComponents().get(0).getVersion()).isEqualTo("12");

        List<String> purls = new ArrayList<>();
        for (Component c : bom.getComponents().subList(1, bom.getComponents().size())) {
            PackageURL purl = new PackageURL(c.getPurl());
            assertThat(purl.getName()).isIn(c.getName(), PackageUrls.normalisePython(c.getName()));
            assertThat(purl.getVersion()).isEqualTo(c.getVersion());
            purls.add(c.getPurl());
        }
        assertThat(purls).contains("pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&upstream=glibc", "pkg:pypi/attrs@26.1.0");
        assertThat(purls).doesNotHaveDuplicates();

        JsonNode json = new ObjectMapper().readTree(sbom);
        JsonNode attrs = null;
        for (JsonNode c : json.path("components")) {
            if ("attrs".equals(c.path("name").asText())) {
                attrs = c;
            }
        }
        assertThat(attrs).isNotNull();
        assertThat(attrs.path("licenses").get(0).path("expression").asText()).isEqualTo("MIT");
        assertThat(attrs.path("evidence").path("occurrences").get(0).path("location").asText())
                .isEqualTo("/opt/venv/lib/python3.11/site-packages/attrs-26.1.0.dist-info");
        assertThat(json.path("metadata").path("timestamp").asText()).isEqualTo("2026-11-28T10:15:30Z");
        assertThat(json.path("metadata").path("tools").path("components").get(0).path("name").asText()).isEqualTo("grocker");
    }

    @Test
    void theSchemaCheckCatchesABrokenDocument() throws Exception {
        byte[] broken = ("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
                + "\"components\":[{\"type\":\"library\",\"version\":\"1.0\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(new JsonParser().validate(broken, Version.VERSION_16)).isNotEmpty(); // a component needs a name
    }

    @Test
    void theSameImageGivesTheSameBytes() throws Exception {
        SbomSubject subject = new SbomSubject("reg/app", DIGEST, Platform.LINUX_AMD64, null, "0.1.0");
        byte[] first = CycloneDx.write(contents(), subject);
        byte[] again = CycloneDx.write(ImageContentsReader.read(new DirectoryImageFiles(temp.resolve("rootfs")),
                List.of("/opt/venv/lib", "/usr/local/lib", "/usr/lib/python3/dist-packages")), subject);

        assertThat(new String(again)).isEqualTo(new String(first));
    }
}
