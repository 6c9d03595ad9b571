package io.jenkins.plugins.grocker.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.PackageURL;
import java.util.List;
import org.junit.jupiter.api.Test;

class DpkgStatusTest {
    @Test
    void readsEveryInstalledPackageOfARealStatusFile() {
        List<DebianPackage> packages = DpkgStatus.parse(SbomFixtures.text("bookworm-minbase-amd64.status"));

        assertThat(packages).hasSize(88);
        assertThat(packages).filteredOn(p -> p.name().equals("libc6")).singleElement().satisfies(p -> {
            assertThat(p.version()).isEqualTo("2.36-9+deb12u14");
            assertThat(p.architecture()).isEqualTo("amd64");
            assertThat(p.source()).isEqualTo("glibc");
            assertThat(p.maintainer()).isEqualTo("GNU Libc Maintainers <debian-glibc@lists.debian.org>");
            assertThat(p.purl("debian")).isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&upstream=glibc");
        });
        // "Source: util-linux (2.38.1-5+deb12u3)" names the source package and its version; an epoch in the version
        assertThat(packages).filteredOn(p -> p.name().equals("bsdutils")).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo("util-linux");
            assertThat(p.version()).isEqualTo("1:2.38.1-5+deb12u3");
            assertThat(p.purl("debian")).isEqualTo("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&upstream=util-linux");
        });
        // a package whose source has its own name gets no upstream qualifier; Architecture: all stays all
        assertThat(packages).filteredOn(p -> p.name().equals("debian-archive-keyring")).singleElement()
                .satisfies(p -> assertThat(p.purl("debian")).isEqualTo("pkg:deb/debian/debian-archive-keyring@2023.3+deb12u2?arch=all"
                        .replace("+", "%2B")));
    }

    @Test
    void everyPackageUrlReadsBackAsItsPackage() throws Exception {
        for (DebianPackage p : DpkgStatus.parse(SbomFixtures.text("bookworm-minbase-amd64.status"))) {
            PackageURL purl = new PackageURL(p.purl("debian"));
            assertThat(purl.getType()).isEqualTo("deb");
            assertThat(purl.getNamespace()).isEqualTo("debian");
            assertThat(purl.getName()).isEqualTo(p.name());
            assertThat(purl.getVersion()).isEqualTo(p.version());
            assertThat(purl.getQualifiers()).containsEntry("arch", p.architecture());
        }
    }

    @Test
    void leavesOutPackagesThatAreNotInstalled() {
        String status = """
                Package: removed-but-configured
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 1.0-1

                Package: half
                Status: install reinstreq half-installed
                Architecture: amd64
                Version: 2.0-1

                Package: kept
                Status: hold ok installed
                Priority: optional
                Architecture: arm64
                Version: 3.0-1
                Description: a package on hold
                 with a long description
                 .
                 over several lines
                """;

        assertThat(DpkgStatus.parse(status)).containsExactly(new DebianPackage("kept", "3.0-1", "arm64", null, null));
    }

    @Test
    void readsTheStatusDirectoryFormatOfDistrolessImages() {
        String file = "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n";

        assertThat(DpkgStatus.parse(file)).containsExactly(new DebianPackage("tzdata", "2024a-0+deb12u1", "all", null, null));
    }
}
