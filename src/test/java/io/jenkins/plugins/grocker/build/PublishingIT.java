package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures leave tags alone; bad references and unreachable endpoints are reported; local-only builds. */
class PublishingIT {
    @TempDir
    Path dir;

    private Path spec(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aFailedBuildMovesNoTagAndNamesThePackage() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        String head = "registry: " + t.registry.host() + "/atomic\nplatforms: [linux/amd64]\nimages:\n";
        Path first = spec("first.yaml", head + "  - {name: app, from: " + t.debian() + ", env: {RELEASE: \"1\"}, tags: [stable]}\n");
        TestEnvironment.Cli one = t.cli(Map.of(), "base", "--spec", first.toString());
        assertThat(one.code()).as(one.err()).isZero();
        ImageReference stable = ImageReference.parse(t.registry.host() + "/atomic/app:stable");
        Digest before = t.registryClient.head(stable).orElseThrow().digest();

        // app changes and builds fine, but its sibling fails: neither tag may move.
        Path second = spec("second.yaml", head
                + "  - {name: app, from: " + t.debian() + ", env: {RELEASE: \"2\"}, tags: [stable]}\n"
                + "  - {name: broken, from: " + t.debian() + ", packages: [grocker-no-such-package], tags: [stable]}\n");
        TestEnvironment.Cli two = t.cli(Map.of(), "base", "--spec", second.toString());
        assertThat(two.code()).isEqualTo(3);
        // One line names the image and the package; the failed step's last lines follow, each marked as log.
        java.util.List<String> lines = two.err().strip().lines().toList();
        assertThat(lines.get(0)).startsWith("grocker: ").contains("broken").contains("grocker-no-such-package");
        assertThat(lines.subList(1, lines.size())).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("grocker: | "));
        assertThat(t.registryClient.head(stable).orElseThrow().digest()).isEqualTo(before);
        assertThat(t.registryClient.head(ImageReference.parse(t.registry.host() + "/atomic/broken:stable"))).isEmpty();
    }

    @Test
    void badBaseAndUnreachableRegistry() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        Path missing = spec("missing.yaml", "registry: " + t.registry.host() + "/x\nimages:\n  - {name: a, from: "
                + t.registry.host() + "/no/such-image:1, tags: [t]}\n");
        TestEnvironment.Cli notFound = t.cli(Map.of(), "base", "--spec", missing.toString());
        assertThat(notFound.code()).isEqualTo(2);
        assertThat(notFound.err()).contains("image 'a': field 'from'").contains("was not found");

        Path wrongPlatform = spec("platform.yaml", "registry: " + t.registry.host() + "/x\nimages:\n  - {name: a, from: "
                + t.debian() + ", platforms: [linux/s390x]}\n");
        TestEnvironment.Cli noPlatform = t.cli(Map.of(), "base", "--spec", wrongPlatform.toString());
        assertThat(noPlatform.code()).isEqualTo(2);
        assertThat(noPlatform.err()).contains("field 'from'").contains("has no linux/s390x image");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path unreachable = spec("unreachable.yaml", "registry: 127.0.0.1:" + closed + "/x\nimages:\n  - {name: a, from: "
                + t.debian() + "}\n");
        TestEnvironment.Cli down = t.cli(Map.of(), "base", "--spec", unreachable.toString());
        assertThat(down.code()).isEqualTo(3);
        assertThat(down.err()).contains("127.0.0.1:" + closed).contains("unreachable");
        assertThat(down.out()).doesNotContain("building");
    }

    @Test
    void noPushBuildsLocallyThenPushReusesTheLocalImages() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        Path file = spec("local.yaml", "registry: " + t.registry.host() + "/local\nplatforms: [linux/amd64]\nimages:\n"
                + "  - {name: root, from: " + t.debian() + ", env: {LAYER: root, NONCE: \"" + System.nanoTime() + "\"}, tags: [dev]}\n"
                + "  - {name: leaf, parent: root, env: {LAYER: leaf}, tags: [dev]}\n");
        TestEnvironment.Run local = t.build(file, List.of(Platform.LINUX_AMD64), false);
        assertThat(local.result().pushed()).isFalse();
        assertThat(local.result().images()).allSatisfy(i -> {
            assertThat(i.status()).isEqualTo(Status.BUILT);
            assertThat(i.index()).isNull();
            assertThat(i.platforms().get(0).imageId()).startsWith("sha256:");
        });
        assertThat(t.registryClient.head(ImageReference.parse(t.registry.host() + "/local/leaf:dev"))).isEmpty();
        ContainerResult r = t.engine.run(RunRequest.builder(t.registry.host() + "/local/leaf:dev")
                .command("sh", "-c", "echo $LAYER").build());
        assertThat(r.output()).contains("leaf");

        TestEnvironment.Run pushed = t.build(file, List.of(Platform.LINUX_AMD64), true);
        assertThat(pushed.image("root").status()).isEqualTo(Status.REUSED);
        assertThat(pushed.image("root").platforms().get(0).reason().text()).contains("found in the local engine; pushed");
        assertThat(pushed.image("leaf").platforms().get(0).digest()).isNotNull();
        assertThat(t.registryClient.head(ImageReference.parse(t.registry.host() + "/local/leaf:dev")).orElseThrow().digest())
                .isEqualTo(pushed.image("leaf").index().digest());
    }
}
