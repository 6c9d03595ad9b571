package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grocker index} keeps what each per-platform result says is attached to its image. */
class IndexAssemblerTest {
    @TempDir
    Path dir;

    @Test
    void theMergedResultKeepsEachPlatformsAttachments() throws Exception {
        try (FakeRegistry registry = new FakeRegistry()) {
            RegistryClient client = RegistryClient.create(Map.of());
            ImageReference repo = ImageReference.parse(registry.host() + "/team/app");
            TestImages.Image image = TestImages.pushIndex(client, repo.withTag("gk-1"), 5, 1, 64);
            String sbom = "sha256:" + "a".repeat(64);
            Path result = dir.resolve("amd64.json");
            Files.writeString(result, "{\"spec\":\"s.yaml\",\"pushed\":true,\"images\":[{\"name\":\"app\",\"repository\":\"" + repo.name()
                    + "\",\"tags\":[\"" + repo.name() + ":1.0\"],\"platforms\":[{\"platform\":\"linux/amd64\",\"digest\":\""
                    + image.children().get(0).digest() + "\",\"status\":\"built\",\"reason\":\"r\",\"attachments\":[{\"kind\":\"sbom\","
                    + "\"artifactType\":\"application/vnd.cyclonedx+json\",\"digest\":\"" + sbom + "\",\"via\":\"referrers-tag\"}]}]}]}");

            BuildResult merged = new IndexAssembler(client, BuildListener.NONE).assemble(List.of(result));

            BuildResult.PlatformResult amd64 = merged.images().get(0).platforms().get(0);
            assertThat(amd64.attachments()).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo("sbom");
                assertThat(a.digest().toString()).isEqualTo(sbom);
                assertThat(a.via()).isEqualTo("referrers-tag");
            });
            assertThat(registry.tags("team/app")).contains("1.0");
        }
    }
}
