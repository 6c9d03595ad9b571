package io.jenkins.plugins.grocker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void parsesRegistryRepositoryTagAndDigest() throws Exception {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/flowcore/base:3.11@" + DIGEST);
        assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(r.repository()).isEqualTo("flowcore/base");
        assertThat(r.tag()).isEqualTo("3.11");
        assertThat(r.digest()).isEqualTo(Digest.of(DIGEST));
        assertThat(r.reference()).isEqualTo(DIGEST);
        assertThat(r.toString()).isEqualTo("127.0.0.1:5000/flowcore/base:3.11@" + DIGEST);
    }

    @Test
    void dockerHubDefaults() throws Exception {
        ImageReference r = ImageReference.parse("python:3.11-slim-bookworm");
        assertThat(r.registry()).isEqualTo("docker.io");
        assertThat(r.repository()).isEqualTo("library/python");
        assertThat(ImageReference.parse("debian").reference()).isEqualTo("latest");
        assertThat(ImageReference.parse("localhost/x").registry()).isEqualTo("localhost");
    }

    @Test
    void rejectsInvalidReferences() {
        for (String bad : new String[] {"", "UPPER/case", "a//b", "a:b:c", "a@sha256:12", "reg:5000/", "a:" + "t".repeat(129)}) {
            assertThatThrownBy(() -> ImageReference.parse(bad)).as(bad).isInstanceOf(InputException.class);
        }
    }

    @Test
    void platforms() throws Exception {
        assertThat(Platform.parse("linux/arm64/v8")).isEqualTo(Platform.LINUX_ARM64);
        assertThat(Platform.parse("linux/arm/v7").slug()).isEqualTo("linux-arm-v7");
        assertThatThrownBy(() -> Platform.parse("linux/arm65")).hasMessageContaining("arm65");
        assertThatThrownBy(() -> Platform.parse("darwin/amd64")).hasMessageContaining("darwin");
    }
}
