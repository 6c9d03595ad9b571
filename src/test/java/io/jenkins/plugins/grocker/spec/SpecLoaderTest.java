package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
            registry: 127.0.0.1:5000/loom
            platforms: [linux/amd64, linux/arm64]
            images:
              - name: python-base
                from: 127.0.0.1:5000/debian:bookworm
                python: {interpreter: apt, version: "3.11", venv: /opt/venv, systemSitePackages: true}
                locales: [en_US.UTF-8, fr_FR.UTF-8]
                packages: [ca-certificates]
                user: {name: appuser, uid: 1000, sudo: true}
                workdir: /app
                env: {TZ: UTC}
                dirs: [/var/log/app]
                ports: ["8000", 9000/udp]
                healthcheck: {command: [/usr/local/bin/healthcheck], interval: 30s, retries: 3}
                labels: {team: platform}
                tags: ["3.11"]
              - name: kafka-python-base
                parent: python-base
                packages: [python3-kafka]
            """;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, text);
        return file;
    }

    private HierarchySpec load(String text) throws Exception {
        return new SpecLoader(Map.of()).load(write(text));
    }

    private String errorOf(String text) throws IOException {
        Path file = write(text);
        try {
            new SpecLoader(Map.of()).load(file);
        } catch (InputException e) {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).doesNotContain("\n").startsWith(file.toString() + ": ");
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + text);
    }

    @Test
    void loadsAHierarchy() throws Exception {
        HierarchySpec spec = load(GOOD);
        assertThat(spec.registry()).isEqualTo("127.0.0.1:5000/loom");
        assertThat(spec.images()).extracting(ImageSpec::name).containsExactly("python-base", "kafka-python-base");
        ImageSpec base = spec.images().get(0);
        assertThat(base.user()).isEqualTo(new UserSpec("appuser", 1000, 1000, true));
        assertThat(base.python().venv()).isEqualTo("/opt/venv");
        assertThat(base.ports()).containsExactly("8000", "9000/udp");
        assertThat(base.healthcheck().command()).containsExactly("/usr/local/bin/healthcheck");
        ImageSpec kafka = spec.images().get(1);
        assertThat(spec.effectiveUser(kafka).name()).isEqualTo("appuser");
        assertThat(spec.effectiveVenv(kafka)).isEqualTo("/opt/venv");
        assertThat(spec.declaredPlatforms(kafka)).containsExactly(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
        assertThat(spec.repository(kafka)).isEqualTo("127.0.0.1:5000/loom/kafka-python-base");
    }

    @Test
    void readsJsonToo() throws Exception {
        HierarchySpec spec = load("{\"registry\": \"r.example:5000\", \"images\": [{\"name\": \"a\", \"from\": \"debian:bookworm\"}]}");
        assertThat(spec.images().get(0).from()).isEqualTo("debian:bookworm");
    }

    @Test
    void expandsEnvironmentVariablesWithDefaults() throws Exception {
        Path file = write("""
                registry: "${REG:-127.0.0.1:5000}/x"
                images:
                  - name: a
                    from: "${FROM:-${REG:-127.0.0.1:5000}/debian:bookworm}"
                    env: {PRICE: "$$5"}
                """);
        HierarchySpec withDefaults = new SpecLoader(Map.of()).load(file);
        assertThat(withDefaults.registry()).isEqualTo("127.0.0.1:5000/x");
        assertThat(withDefaults.images().get(0).from()).isEqualTo("127.0.0.1:5000/debian:bookworm");
        assertThat(withDefaults.images().get(0).env()).containsEntry("PRICE", "$5");
        HierarchySpec withEnv = new SpecLoader(Map.of("REG", "10.0.0.1:5001")).load(file);
        assertThat(withEnv.images().get(0).from()).isEqualTo("10.0.0.1:5001/debian:bookworm");
    }

    @Test
    void undefinedVariableWithoutDefaultNamesFieldAndVariable() throws Exception {
        assertThat(errorOf("registry: ${NOPE}/x\nimages: [{name: a, from: debian}]\n"))
                .contains("field 'registry'").contains("NOPE is not set");
    }

    @Test
    void missingFieldIsNamed() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - from: debian:bookworm\n"))
                .contains("field 'images[0].name'").contains("is required");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n"))
                .contains("image 'a'").contains("field 'from'").contains("'parent'");
        assertThat(errorOf("images:\n  - name: a\n    from: debian\n")).contains("field 'registry': is required");
    }

    @Test
    void unknownKeySuggestsClosestName() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    pakages: [curl]\n"))
                .contains("image 'a'").contains("field 'pakages'").contains("did you mean 'packages'?");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    user: {name: u, uidd: 5}\n"))
                .contains("field 'user.uidd'").contains("did you mean 'uid'?");
        assertThat(errorOf("regsitry: r:5000\nimages: [{name: a, from: debian}]\n"))
                .contains("field 'regsitry'").contains("did you mean 'registry'?");
    }

    @Test
    void undefinedParent() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: base\n    from: debian\n  - name: child\n    parent: bsae\n"))
                .contains("image 'child'").contains("field 'parent'").contains("'bsae' is not an image")
                .contains("did you mean 'base'?");
    }

    @Test
    void duplicateNames() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n  - name: a\n    from: debian\n"))
                .contains("image 'a'").contains("field 'name'").contains("duplicate");
    }

    @Test
    void invalidPlatform() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    platforms: [linux/amd64, linux/arm65]\n"))
                .contains("image 'a'").contains("field 'platforms[1]'").contains("arm65");
        assertThat(errorOf("registry: r:5000\nplatforms: [linux]\nimages: [{name: a, from: debian}]\n"))
                .contains("field 'platforms[0]'");
    }

    @Test
    void childPlatformMustBeOneOfTheParents() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    platforms: [linux/amd64]\n"
                + "  - name: b\n    parent: a\n    platforms: [linux/arm64]\n"))
                .contains("image 'b'").contains("field 'platforms'").contains("linux/arm64");
    }

    @Test
    void invalidImageReference() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: Debian:Bookworm!\n"))
                .contains("image 'a'").contains("field 'from'");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian@sha256:123\n"))
                .contains("field 'from'").contains("digest");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    parent: b\n"))
                .contains("not both");
    }

    @Test
    void uidMustBeANumberInRange() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    user: {name: troc, uid: abc}\n"))
                .contains("image 'a'").contains("field 'user.uid'").contains("'abc'");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    user: {name: troc, uid: 99999999999}\n"))
                .contains("field 'user.uid'").contains("out of range");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    user: {name: troc, uid: -1}\n"))
                .contains("field 'user.uid'").contains("out of range");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    user: {name: troc, uid: 0}\n"))
                .contains("field 'user.uid'").contains("non-root");
    }

    @Test
    void emptyLocale() throws Exception {
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    locales: [en_US.UTF-8, \"\"]\n"))
                .contains("image 'a'").contains("field 'locales[1]'").contains("empty");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: debian\n    locales: [english]\n"))
                .contains("field 'locales[0]'");
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> new SpecLoader(Map.of()).load(missing))
                .isInstanceOf(InputException.class)
                .hasMessage(missing + ": spec file does not exist");
    }

    @Test
    void yamlSyntaxErrorReportsTheLine() throws Exception {
        String message = errorOf("registry: r:5000\nimages:\n  - name: a\n    from: [debian\n    tags: x\n");
        assertThat(message).containsPattern("line [45], column \\d+: syntax error");
    }

    @Test
    void duplicateYamlKeysAreAnError() throws Exception {
        assertThat(errorOf("registry: r:5000\nregistry: r:5001\nimages: [{name: a, from: debian}]\n"))
                .contains("registry");
    }

    @Test
    void otherFieldChecks() throws Exception {
        String head = "registry: r:5000\nimages:\n  - name: a\n    from: debian\n";
        assertThat(errorOf(head + "    ports: [\"70000\"]\n")).contains("field 'ports[0]'");
        assertThat(errorOf(head + "    workdir: code\n")).contains("field 'workdir'").contains("absolute");
        assertThat(errorOf(head + "    env: {\"1BAD\": x}\n")).contains("field 'env'");
        assertThat(errorOf(head + "    tags: [\"bad tag\"]\n")).contains("field 'tags[0]'");
        assertThat(errorOf(head + "    packages: [\"Bad Package\"]\n")).contains("field 'packages[0]'");
        assertThat(errorOf(head + "    healthcheck: {command: x, interval: soon}\n")).contains("field 'healthcheck.interval'");
        assertThat(errorOf(head + "    python: {interpreter: conda, venv: /v}\n")).contains("field 'python.interpreter'");
        assertThat(errorOf(head + "    python: {packages: [requests]}\n")).contains("field 'python.venv'");
        assertThat(errorOf(head + "    python: {venv: /v, packages: [requests]}\n")).contains("field 'python.findLinks'");
        assertThat(errorOf(head + "    files: [{src: missing.txt, dest: /x}]\n")).contains("field 'files[0].src'");
        assertThat(errorOf("registry: r:5000\nimages:\n  - name: a\n    from: scratch\n")).contains("field 'rootfs'");
        assertThat(errorOf(head + "    rootfs: {linux/amd64: x.tar}\n")).contains("field 'rootfs'").contains("scratch");
        assertThat(errorOf("registry: r:5000\nimages: []\n")).contains("field 'images'");
        assertThat(errorOf("registry: \"not a registry!\"\nimages: [{name: a, from: debian}]\n")).contains("field 'registry'");
    }
}
