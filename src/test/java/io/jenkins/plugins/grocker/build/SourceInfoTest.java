package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SourceInfoTest {
    @Test
    void credentialsInRemoteUrlsNeverReachLabels() {
        assertThat(SourceInfo.withoutUserInfo("https://ci-bot:s3cret@git.example.com/team/app.git"))
                .isEqualTo("https://git.example.com/team/app.git");
        assertThat(SourceInfo.withoutUserInfo("https://git.example.com/team/app.git")).isEqualTo("https://git.example.com/team/app.git");
        assertThat(SourceInfo.withoutUserInfo("git@git.example.com:team/app.git")).isEqualTo("git@git.example.com:team/app.git");
    }

    @Test
    void declaredSourceWinsAndStaysClean() {
        assertThat(SourceInfo.labels(Path.of("/nonexistent/spec.yaml"), "https://u:p@example.com/x"))
                .containsEntry("org.opencontainers.image.source", "https://example.com/x")
                .doesNotContainKey("org.opencontainers.image.revision");
    }
}
