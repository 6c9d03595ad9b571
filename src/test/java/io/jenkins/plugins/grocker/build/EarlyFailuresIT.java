package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.testing.DockerCli;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base that lacks what a field needs, and a package name apt cannot install, fail in one line naming the field, with
 * the last lines of the failed step, without --verbose (exit 3: what the base holds is only known once it runs).
 */
class EarlyFailuresIT {
    @TempDir
    Path dir;

    @Test
    void aVirtualPackageNamesItsProviders() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                registry: "${GROCKER_REGISTRY}/early"
                images:
                  - name: nc
                    from: "${GROCKER_REGISTRY}/debian:bookworm"
                    packages: [netcat]
                """);
        TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(cli.code()).isEqualTo(3);
        String[] lines = cli.err().split("\n");
        assertThat(lines[0]).as(cli.err() + cli.out()).startsWith("grocker: ").contains("nc", "field 'packages': apt package(s) virtual, name a package that "
                + "provides it: netcat (one of: netcat-openbsd netcat-traditional)");
        assertThat(cli.err()).contains("grocker: | ").doesNotContain("\tat ");
        assertThat(lines.length).isLessThanOrEqualTo(1 + BuildImageStep.TAIL_LINES);
    }

    @Test
    void aBaseWithoutAptGetIsNamedWithTheField() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        String noApt = baseWithout(t, "no-apt", "/usr/bin/apt-get");
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                registry: "${GROCKER_REGISTRY}/early"
                images:
                  - name: curl
                    from: "%s"
                    packages: [curl]
                """.formatted(noApt));
        TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(cli.code()).isEqualTo(3);
        assertThat(cli.err().split("\n")[0]).as(cli.err() + cli.out()).contains("curl", "field 'packages': apt-get is not installed in the base image");
        // the failed step's header is among the last lines (its number depends on how many steps the Dockerfile has)
        assertThat(cli.err()).containsPattern("grocker: \\| Step \\d+/\\d+ : RUN \\[\"/usr/local/lib/grocker/apt-install\", \"curl\"\\]");
    }

    @Test
    void aBaseWithoutUseraddIsNamedWithTheUserField() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        String noUseradd = baseWithout(t, "no-useradd", "/usr/sbin/useradd");
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                registry: "${GROCKER_REGISTRY}/early"
                images:
                  - name: svc
                    from: "%s"
                    user: {name: svc, uid: 1000}
                """.formatted(noUseradd));
        TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(cli.code()).isEqualTo(3);
        assertThat(cli.err().split("\n")[0]).as(cli.err() + cli.out())
                .contains("svc", "field 'user': useradd is not installed in the base image");
        assertThat(cli.err()).contains("grocker: | ").doesNotContain("\tat ");
    }

    @Test
    void aBaseWithoutPython3IsNamedWithThePythonField() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        // Debian's minimal root filesystem has no python3; interpreter: base says the base brings it.
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                registry: "${GROCKER_REGISTRY}/early"
                images:
                  - name: py
                    from: "${GROCKER_REGISTRY}/debian:bookworm"
                    python: {interpreter: base, venv: /opt/venv}
                """);
        TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", spec.toString(), "--platform", "linux/amd64");
        assertThat(cli.code()).isEqualTo(3);
        assertThat(cli.err().split("\n")[0]).as(cli.err() + cli.out())
                .contains("py", "field 'python': python3 is not installed in the base image");
        assertThat(cli.err()).contains("grocker: | ").doesNotContain("\tat ");
    }

    /** The test's Debian base with one file removed, pushed to the test registry. */
    private String baseWithout(TestEnvironment t, String name, String file) throws Exception {
        String image = t.registry.host() + "/early/" + name + ":1";
        Path context = Files.createDirectories(dir.resolve("ctx-" + name));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + t.debian() + "\nRUN rm " + file + "\n");
        try (DockerCli docker = new DockerCli()) {
            DockerCli.Result built = docker.run("build", "--network", "host", "-t", image, context.toString());
            assertThat(built.code()).as(built.output()).isZero();
            assertThat(docker.run("push", image).code()).isZero();
        }
        return image;
    }
}
