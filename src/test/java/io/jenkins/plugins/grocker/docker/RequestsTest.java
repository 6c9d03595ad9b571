package io.jenkins.plugins.grocker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestsTest {
    @Test
    void buildRequestDefaults() {
        BuildRequest r = new BuildRequest(Path.of("ctx.tar"), null, null, null, null, null, false);

        assertThat(r.dockerfile()).isEqualTo("Dockerfile");
        assertThat(r.networkMode()).isEqualTo("host");
        assertThat(r.tags()).isEmpty();
        assertThat(r.labels()).isEmpty();
        assertThat(r.pull()).isFalse();
    }

    @Test
    void buildRequestKeepsTagOrder() {
        BuildRequest r = BuildRequest.builder(Path.of("ctx.tar"))
                .platform(Platform.LINUX_ARM64)
                .tag("b/z:1").tag("a/a:1").tag("m/m:1")
                .label("k", "v")
                .build();

        assertThat(r.tags()).containsExactly("b/z:1", "a/a:1", "m/m:1");
        assertThat(r.labels()).containsEntry("k", "v");
    }

    @Test
    void runRequestDefaults() {
        RunRequest r = RunRequest.builder("img").build();

        assertThat(r.command()).isEmpty();
        assertThat(r.networkMode()).isEqualTo("host");
        assertThat(r.entrypoint()).isNull();
        assertThat(r.timeout()).isEqualTo(RunRequest.DEFAULT_TIMEOUT);
        assertThat(RunRequest.builder("img").entrypoint(List.of()).build().entrypoint()).isEmpty();
    }

    @Test
    void runRequestRejectsNonPositiveTimeout() {
        assertThatThrownBy(() -> RunRequest.builder("img").timeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registryAuthHidesThePassword() {
        RegistryAuth auth = new RegistryAuth("registry.example.com", "ci", "s3cret-token");

        assertThat(auth.toString()).contains("ci", "registry.example.com").doesNotContain("s3cret-token");
    }
}
