package io.jenkins.plugins.grocker.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real samples under {@code src/test/resources/sbom/}: dpkg's status of a Debian bookworm minbase root filesystem
 * (debootstrap, amd64, 88 packages), its os-release, and the metadata of three installed Python distributions
 * (PyYAML 6.0 and PyJWT 2.6.0 as Debian packages them, attrs 26.1.0 as pip installs it).
 */
final class SbomFixtures {
    private SbomFixtures() {}

    static String text(String resource) {
        try (InputStream in = SbomFixtures.class.getResourceAsStream("/sbom/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource sbom/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A root filesystem like a Python image's: os-release (with /etc/os-release a link to it), dpkg's status,
     * PyYAML and PyJWT in Debian's dist-packages, attrs and PyYAML again in a venv, and a decoy dist-info deep
     * inside a package (test data of a vendored library), which is not an installed distribution.
     */
    static Path rootfs(Path root) throws IOException {
        write(root.resolve("usr/lib/os-release"), text("os-release"));
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
        write(root.resolve("var/lib/dpkg/status"), text("bookworm-minbase-amd64.status"));
        Path dist = root.resolve("usr/lib/python3/dist-packages");
        write(dist.resolve("PyYAML-6.0.dist-info/METADATA"), text("site-packages/PyYAML-6.0.dist-info/METADATA"));
        write(dist.resolve("PyJWT-2.6.0.egg-info/PKG-INFO"), text("site-packages/PyJWT-2.6.0.egg-info/PKG-INFO"));
        write(dist.resolve("yaml/__init__.py"), "# the module itself\n");
        Path venv = root.resolve("opt/venv/lib/python3.11/site-packages");
        write(venv.resolve("attrs-26.1.0.dist-info/METADATA"), text("site-packages/attrs-26.1.0.dist-info/METADATA"));
        write(venv.resolve("PyYAML-6.0.dist-info/METADATA"), text("site-packages/PyYAML-6.0.dist-info/METADATA"));
        write(venv.resolve("pip/_vendor/tests/data/decoy-9.9.dist-info/METADATA"), "Metadata-Version: 2.1\nName: decoy\nVersion: 9.9\n");
        return root;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
