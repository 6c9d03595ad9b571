package io.jenkins.plugins.grocker.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jenkins.plugins.grocker.InputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TagTemplatesTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    private static TagTemplates templates(String version) {
        return new TagTemplates(version, "nessie", () -> SHA);
    }

    @Test
    void versionParts() throws Exception {
        assertThat(templates("2.3.1").expandAll(List.of("{version}", "{major}", "{major}.{minor}", "{patch}")))
                .containsExactly("2.3.1", "2", "2.3", "1");
        assertThat(templates("v10.0.7-rc.1").expand("{major}.{minor}")).isEqualTo("10.0");
    }

    @Test
    void literalEnvironmentComponentAndGitTags() throws Exception {
        TagTemplates t = templates("0.104.2");
        assertThat(t.expandAll(List.of("latest", "production", "development", "{component}-{version}", "{git_sha}", "sha-{git_sha_full}")))
                .containsExactly("latest", "production", "development", "nessie-0.104.2", "0123456789ab", "sha-" + SHA);
    }

    @Test
    void repeatsAreDropped() throws Exception {
        assertThat(templates("1.0.0").expandAll(List.of("{version}", "1.0.0", "latest", "latest"))).containsExactly("1.0.0", "latest");
    }

    @Test
    void semverTemplateWithAnotherVersionSaysWhatIsWrong() {
        assertThatThrownBy(() -> templates("2.3").expand("{major}.{minor}"))
                .isInstanceOf(InputException.class)
                .hasMessage("--tag: tag template '{major}.{minor}' needs a semantic version X.Y.Z, but --version is '2.3'");
        assertThat(catchThrowable(() -> templates("2.3").expand("{version}"))).isNull();
    }

    @Test
    void missingValuesAndUnknownPlaceholders() {
        assertThatThrownBy(() -> new TagTemplates(null, null, () -> null).expand("{version}"))
                .hasMessage("--tag: tag template '{version}' uses {version}, which needs a version (--version)");
        assertThatThrownBy(() -> new TagTemplates("1.0.0", null, () -> null).expand("{component}-{version}"))
                .hasMessageContaining("needs a component name (--component)");
        assertThatThrownBy(() -> new TagTemplates("1.0.0", null, () -> null).expand("{git_sha}"))
                .hasMessageContaining("needs the git commit (GIT_COMMIT");
        assertThatThrownBy(() -> templates("1.0.0").expand("{majr}"))
                .hasMessageStartingWith("--tag: tag template '{majr}' has an unknown placeholder {majr} (known: {version}, {major}");
    }

    @Test
    void resultMustBeAValidTag() {
        assertThatThrownBy(() -> templates("1.0.0+build.5").expand("{version}"))
                .hasMessageContaining("gives '1.0.0+build.5', which is not a valid tag");
        assertThatThrownBy(() -> templates("1.0.0").expand("{version")).hasMessageContaining("unbalanced brace");
        assertThatThrownBy(() -> templates("1.0.0").expand(" ")).hasMessage("--tag: a tag template is empty");
    }

    @Test
    void gitCommitIsLookedUpOnlyWhenNeededAndOnce() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        TagTemplates t = new TagTemplates("1.2.3", null, () -> {
            lookups.incrementAndGet();
            return SHA;
        });
        t.expand("{version}");
        assertThat(lookups).hasValue(0);
        t.expandAll(List.of("{git_sha}", "x-{git_sha}"));
        assertThat(lookups).hasValue(1);
    }

    @Test
    void gitCommitFromTheEnvironmentFirst() throws Exception {
        TagTemplates t = TagTemplates.fromEnvironment("1.0.0", null, Map.of("GIT_COMMIT", SHA.toUpperCase()), Path.of("/nonexistent"));
        assertThat(t.expand("{git_sha}")).isEqualTo("0123456789ab");
    }
}
