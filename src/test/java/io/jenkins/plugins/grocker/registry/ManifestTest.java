package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final Digest EMPTY_SHA256 = Digest.of("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    @Test
    void digestIsTheSha256OfTheBytes() {
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, new byte[0]);

        assertThat(manifest.digest()).isEqualTo(EMPTY_SHA256);
        assertThat(manifest.descriptor()).isEqualTo(new Descriptor(MediaTypes.OCI_MANIFEST, EMPTY_SHA256, 0));
    }

    @Test
    void refusesADigestThatDoesNotMatch() {
        assertThatThrownBy(() -> new Manifest(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8), EMPTY_SHA256))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesCannotBeChangedFromOutside() {
        byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
        Manifest manifest = Manifest.of(MediaTypes.OCI_INDEX, bytes);
        bytes[0] = 'x';
        manifest.bytes()[1] = 'y';

        assertThat(manifest.bytes()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(manifest).isEqualTo(Manifest.of(MediaTypes.OCI_INDEX, "{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void indexesAreOciIndexesAndDockerManifestLists() {
        assertThat(Manifest.of(MediaTypes.OCI_INDEX, new byte[0]).isIndex()).isTrue();
        assertThat(Manifest.of(MediaTypes.DOCKER_MANIFEST_LIST, new byte[0]).isIndex()).isTrue();
        assertThat(Manifest.of(MediaTypes.OCI_MANIFEST, new byte[0]).isIndex()).isFalse();
        assertThat(Manifest.of(MediaTypes.DOCKER_MANIFEST_V2, new byte[0]).isIndex()).isFalse();
    }

    @Test
    void acceptAllNamesTheFourManifestTypes() {
        assertThat(MediaTypes.ACCEPT_ALL.split(", ")).containsExactlyInAnyOrder(
                MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST_V2);
    }
}
