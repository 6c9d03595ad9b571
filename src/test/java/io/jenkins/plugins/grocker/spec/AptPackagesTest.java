package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AptPackagesTest {
    private static final List<String> ENTRIES =
            List.of("curl", "gcc [amd64]", "libjemalloc2 [!arm64]", "python3=3.11.2-1+b1", "qemu [amd64 arm64]");

    @Test
    void selectsPerPlatform() throws Exception {
        assertThat(AptPackages.forPlatform(ENTRIES, Platform.LINUX_AMD64))
                .containsExactly("curl", "gcc", "libjemalloc2", "python3=3.11.2-1+b1", "qemu");
        assertThat(AptPackages.forPlatform(ENTRIES, Platform.LINUX_ARM64)).containsExactly("curl", "python3=3.11.2-1+b1", "qemu");
        assertThat(AptPackages.forPlatform(ENTRIES, Platform.parse("linux/s390x")))
                .containsExactly("curl", "libjemalloc2", "python3=3.11.2-1+b1");
        assertThat(AptPackages.forPlatform(List.of("xz [armhf]"), Platform.parse("linux/arm/v7"))).containsExactly("xz");
    }

    @Test
    void rejectsBadEntries() {
        assertThatThrownBy(() -> AptPackages.check("gcc [amd64 !arm64]")).isInstanceOf(InputException.class).hasMessageContaining("mixes");
        assertThatThrownBy(() -> AptPackages.check("gcc [x86]")).hasMessageContaining("unknown Debian architecture 'x86'");
        assertThatThrownBy(() -> AptPackages.check("Bad Name")).hasMessageContaining("not a Debian package name");
        assertThatThrownBy(() -> AptPackages.check("gcc [amd64")).isInstanceOf(InputException.class);
    }
}
