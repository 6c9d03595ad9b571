package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagGuardTest {
    private static final Digest OLD = Digest.of("sha256:" + "a".repeat(64));
    private static final Digest NEW = Digest.of("sha256:" + "b".repeat(64));

    @Test
    void defaultProtectsVTagsAndSemver() throws Exception {
        TagGuard guard = TagGuard.of(List.of(), false, false);
        assertThat(guard.protectedBy("v1")).isPresent();
        assertThat(guard.protectedBy("v2.3.1")).isPresent();
        assertThat(guard.protectedBy("1.2.3")).isPresent();
        assertThat(guard.protectedBy("1.2.3-rc.1")).isPresent();
        assertThat(guard.protectedBy("1.2")).isEmpty();
        assertThat(guard.protectedBy("latest")).isEmpty();
        assertThat(guard.protectedBy("very-new")).isEmpty();
    }

    @Test
    void releaseTagDoesNotMoveWithoutForce() throws Exception {
        TagGuard guard = TagGuard.of(null, false, false);
        assertThat(guard.refusal("r/app:1.2.3", "1.2.3", OLD, NEW)).hasValueSatisfying(m -> assertThat(m)
                .isEqualTo("r/app:1.2.3 is a release tag (matches '[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?') on sha256:aaaaaaaaaaaa;"
                        + " it does not move to sha256:bbbbbbbbbbbb without --force"));
        assertThat(guard.refusal("r/app:1.2.3", "1.2.3", null, NEW)).isEmpty();
        assertThat(guard.refusal("r/app:1.2.3", "1.2.3", NEW, NEW)).isEmpty();
        assertThat(guard.refusal("r/app:latest", "latest", OLD, NEW)).isEmpty();
        assertThat(TagGuard.of(null, true, false).refusal("r/app:1.2.3", "1.2.3", OLD, NEW)).isEmpty();
    }

    @Test
    void promotionDoesNotMoveAnyTagWithoutForce() throws Exception {
        TagGuard guard = TagGuard.of(null, false, true);
        assertThat(guard.refusal("r/app:stable", "stable", OLD, NEW)).contains(
                "r/app:stable already points to sha256:aaaaaaaaaaaa, not sha256:bbbbbbbbbbbb; use --force to move it");
        assertThat(TagGuard.of(null, true, true).refusal("r/app:stable", "stable", OLD, NEW)).isEmpty();
    }

    @Test
    void configuredPatternsReplaceTheDefault() throws Exception {
        TagGuard guard = TagGuard.of(List.of("release-.*"), false, false);
        assertThat(guard.protectedBy("release-7")).isPresent();
        assertThat(guard.protectedBy("1.2.3")).isEmpty();
        assertThatThrownBy(() -> TagGuard.of(List.of("(unclosed"), false, false))
                .isInstanceOf(InputException.class).hasMessageStartingWith("--protect: '(unclosed' is not a regular expression");
    }
}
