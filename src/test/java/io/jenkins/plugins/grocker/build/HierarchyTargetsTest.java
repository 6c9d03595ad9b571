package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the targets of a hierarchy check before anything is built. */
class HierarchyTargetsTest {
    @TempDir
    Path dir;

    private List<BuildTarget> targets(String text) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, text);
        HierarchySpec spec = new SpecLoader(Map.of()).load(file);
        return HierarchyTargets.of(spec);
    }

    private void rootfs(String name, String... paths) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name)); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (String p : paths) {
                byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(p);
                e.setSize(bytes.length);
                tar.putArchiveEntry(e);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
    }

    private static String checkError(BuildTarget target) {
        try {
            target.recipe().check(Platform.LINUX_AMD64);
        } catch (InputException e) {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("no error for " + target.name());
    }

    @Test
    void fieldsNeedingToolsTheRootFilesystemLacksAreNamedBeforeBuilding() throws Exception {
        rootfs("tiny.tar", "./bin/sh", "./usr/bin/env");
        rootfs("debianish.tar", "./usr/bin/apt-get", "./usr/sbin/useradd", "./bin/sh");
        List<BuildTarget> targets = targets("""
                registry: r:5000/t
                platforms: [linux/amd64]
                images:
                  - name: tiny
                    from: scratch
                    rootfs: {linux/amd64: tiny.tar}
                  - name: with-packages
                    parent: tiny
                    packages: [curl]
                  - name: with-user
                    parent: tiny
                    user: {name: app, uid: 1000}
                  - name: debianish
                    from: scratch
                    rootfs: {linux/amd64: debianish.tar}
                  - name: with-venv
                    parent: debianish
                    python: {venv: /opt/venv}
                  - name: with-apt-python
                    parent: debianish
                    python: {interpreter: apt, venv: /opt/venv}
                    user: {name: app, uid: 1000}
                  - name: with-entrypoint
                    parent: tiny
                    entrypoint: {requiredEnv: [A]}
                """);
        assertThat(checkError(targets.get(1))).endsWith("spec.yaml: image 'with-packages': field 'packages': needs apt-get, which the base "
                + "does not have (the root filesystem tiny.tar of image 'tiny' for linux/amd64); use a Debian or Ubuntu base");
        assertThat(checkError(targets.get(2))).contains("image 'with-user': field 'user': needs useradd");
        assertThat(checkError(targets.get(4))).contains("image 'with-venv': field 'python': needs python3");
        assertThat(checkError(targets.get(6))).contains("image 'with-entrypoint': field 'entrypoint': needs apt-get");
        targets.get(0).recipe().check(Platform.LINUX_AMD64);
        targets.get(3).recipe().check(Platform.LINUX_AMD64);
        targets.get(5).recipe().check(Platform.LINUX_AMD64);
    }

    @Test
    void entrypointValuesAreCheckedBeforeAnythingIsBuilt() throws Exception {
        List<BuildTarget> targets = targets("""
                registry: r:5000/t
                images:
                  - name: base
                    from: debian
                  - name: web
                    parent: base
                    entrypoint: {services: {web: "gunicorn 'app:app"}}
                """);
        assertThatThrownBy(() -> targets.get(1).recipe().check(Platform.LINUX_AMD64))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("spec.yaml: image 'web': field 'entrypoint.services.web': ");
    }
}
