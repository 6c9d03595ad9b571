package io.jenkins.plugins.grocker.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/flowcore/flowcore.yaml through the command line: the FlowCore document as a runtime image {@code flowcore}
 * and a development/build image {@code flowcore-dev} on it. Together they have every package, locale, directory,
 * variable and label of the document that Debian bookworm has: flowcore-dev all of it, flowcore what the services run
 * with and no compiler, header, pip, sudo or wheel file. linux/amd64 only: the spec declares arm64 too, but installing
 * the whole document (Rust, Nim, Chromium, gfortran, ...) under qemu takes far longer than the test suite's budget;
 * arm64 builds are proven on the hierarchy roots (DatalypticaIT, LoomIT).
 */
class FlowCoreIT {
    private static final List<String> LOCALES = List.of("en_US.utf8", "es_ES.utf8", "zh_CN.utf8", "zh_TW.utf8",
            "fr_FR.utf8", "de_DE.utf8", "tr_TR.utf8", "ja_JP.utf8", "ko_KR.utf8");
    private static final List<String> TAGS = List.of("3.11", "3.11-bookworm", "1.0", "latest");

    @TempDir
    Path dir;

    @Test
    void flowcoreAndFlowcoreDevArePublishedAndEachContainerIsRight() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        Path json = dir.resolve("flowcore.json");
        TestEnvironment.Cli cli = t.cli(Map.of(), "base", "--spec", t.root.resolve("examples/flowcore/flowcore.yaml").toString(),
                "--platform", "linux/amd64", "--output-json", json.toString());
        assertThat(cli.code()).as(cli.err() + cli.out()).isZero();
        // The document's short locale names are mapped, with a note.
        assertThat(cli.out()).contains("note: " + t.root.resolve("examples/flowcore/flowcore.yaml")
                + ": image 'flowcore': field 'locales[4]': 'fr.UTF-8' is taken as fr_FR.UTF-8", "'ko.UTF-8' is taken as ko_KR.UTF-8");
        // linux/amd64 may have been built and tagged already by ExampleAppIT, in the same registry: then the tags are
        // reported unchanged instead of tagged.
        assertThat(cli.out()).contains("[flowcore linux/amd64] ", "[flowcore-dev linux/amd64] ");
        for (String tag : List.of("/flowcore/flowcore:3.11", "/flowcore/flowcore-dev:3.11")) {
            assertThat(cli.out()).as(tag).containsAnyOf("tagged " + t.registry.host() + tag, "unchanged " + t.registry.host() + tag);
        }

        JsonNode images = new ObjectMapper().readTree(json.toFile()).get("images");
        ImageReference repository = ImageReference.parse(t.registry.host() + "/flowcore/flowcore");
        ImageReference devRepository = ImageReference.parse(t.registry.host() + "/flowcore/flowcore-dev");
        String runtime = checkIndex(t, images, "flowcore", repository);
        String dev = checkIndex(t, images, "flowcore-dev", devRepository);

        // The runtime image: what the services run with, no compiler, header, pip, sudo or wheel file.
        ContainerResult r = t.engine.run(RunRequest.builder(runtime).command("sh", "-c", String.join("; ",
                "uname -m", "python --version", "command -v python", "id -u", "id -un", "id -gn", "locale -a",
                "sudo -n true 2>/dev/null && echo sudo=ok", "stat -c owner=%U /var/log/troc", "stat -c code=%U /code",
                "stat -c ssh=%U:%a /home/troc/.ssh", "stat -c symbits=%U /home/ubuntu/symbits", "pwd", "echo SITE_ROOT=$SITE_ROOT",
                "echo PATH=$PATH", "echo LANG=$LANG", "echo LANGUAGE=$LANGUAGE", "echo LC_ALL=$LC_ALL",
                "for c in vim.tiny redis-cli chromedriver exempi sqlite3 psql; do command -v $c; done", "python -m gunicorn --version",
                "python -c 'import ctypes.util as u; print(\"libs\", *[u.find_library(n) for n in (\"blas\", \"lapack\", \"cairo\","
                        + " \"pango-1.0\", \"gdk_pixbuf-2.0\", \"ffi\", \"xml2\", \"xslt\", \"yaml-0\", \"geos_c\", \"memcached\", \"magic\","
                        + " \"exempi\", \"pq\", \"mariadb\", \"sqlite3\", \"sybdb\")])'",
                "command -v gcc cc g++ make pip || echo no-compiler-no-pip",
                "find / -xdev -name '*.whl' 2>/dev/null | head -n 3; echo wheels-end", "ls /usr/include/python3.11 2>&1 | head -n 1")).build());
        assertThat(r.exitCode()).as(r.output()).isZero();
        String out = r.output();
        assertThat(out).as("flowcore:\n" + out)
                .contains("x86_64", "Python 3.11.", "/code/venv/bin/python", "\n1000\n", "troc\ntroc\n", "owner=troc", "code=troc",
                        "ssh=troc:700", "symbits=troc", "/code\n", "SITE_ROOT=/code", "PATH=/code/venv/bin:/home/troc/.local/bin:",
                        "LANG=en_US.UTF-8", "LANGUAGE=en_US:en", "LC_ALL=en_US.UTF-8", "/usr/bin/vim.tiny", "/usr/bin/redis-cli",
                        "/usr/bin/chromedriver", "/usr/bin/exempi", "/usr/bin/sqlite3", "/usr/bin/psql", "(version 20.",
                        "no-compiler-no-pip\nwheels-end\n", "No such file")
                .containsPattern("libs( lib[a-z0-9_.-]+\\.so[.0-9]*){17}\n")
                .doesNotContain("sudo=ok");
        assertThat(out).contains(LOCALES);
        assertThat(t.engine.inspect(runtime).orElseThrow().labels()).containsEntry("maintainer", "Navigator Team")
                .containsEntry("org.opencontainers.image.description", "FlowCore - Base Image for Navigator Applications")
                .containsEntry("org.opencontainers.image.version", "1.0")
                .containsEntry("org.opencontainers.image.vendor", "Navigator Team");
        assertThat(t.engine.inspect(runtime).orElseThrow().exposedPorts()).contains("5000/tcp");

        // The development image: the whole document, on the runtime image.
        ContainerResult d = t.engine.run(RunRequest.builder(dev).command("sh", "-c", String.join("; ",
                "uname -m", "python --version", "command -v python", "id -u", "id -un", "id -gn", "locale -a", "sudo -n true && echo sudo=ok",
                "pwd", "echo PATH=$PATH", "echo LANG=$LANG", "echo LANGUAGE=$LANGUAGE", "echo LC_ALL=$LC_ALL",
                "gcc --version | head -n 1", "g++ --version | head -n 1", "make --version | head -n 1", "automake --version | head -n 1",
                "nim --version | head -n 1", "rustc --version", "cargo --version", "gfortran --version | head -n 1", "git --version",
                "for c in vim.tiny redis-cli chromedriver exempi sqlite3 psql; do command -v $c; done",
                "pkg-config --exists libpq sqlite3 cairo pango gdk-pixbuf-2.0 libffi libxml-2.0 libxslt yaml-0.1 "
                        + "geos libmemcached exempi-2.0 blas lapack && echo pkgconfig=ok",
                "ls /usr/include/magic.h /usr/include/sybdb.h /usr/include/mysql/mysql.h /usr/include/python3.11/Python.h",
                "python -m gunicorn --version", "pip --version",
                "python -c 'import setuptools, wheel; print(\"setuptools\", setuptools.__version__)'")).build());
        assertThat(d.exitCode()).as(d.output()).isZero();
        assertThat(d.output()).as("flowcore-dev:\n" + d.output())
                .contains("x86_64", "Python 3.11.", "/code/venv/bin/python", "\n1000\n", "troc\ntroc\n", "sudo=ok", "/code\n",
                        "PATH=/code/venv/bin:/home/troc/.local/bin:", "LANG=en_US.UTF-8", "LANGUAGE=en_US:en", "LC_ALL=en_US.UTF-8",
                        "gcc (Debian 12", "g++ (Debian 12", "GNU Make", "automake (GNU automake)", "Nim Compiler", "rustc 1.", "cargo 1.",
                        "GNU Fortran", "git version", "/usr/bin/vim.tiny", "/usr/bin/redis-cli", "/usr/bin/chromedriver", "/usr/bin/exempi",
                        "/usr/bin/sqlite3", "/usr/bin/psql", "pkgconfig=ok", "/usr/include/magic.h", "/usr/include/sybdb.h",
                        "/usr/include/mysql/mysql.h", "/usr/include/python3.11/Python.h", "(version 20.",
                        "from /code/venv/lib/python3.11/site-packages/pip", "setuptools 66.")
                .contains(LOCALES);
        assertThat(t.engine.inspect(dev).orElseThrow().labels()).containsEntry("maintainer", "Navigator Team")
                .containsEntry("org.opencontainers.image.description",
                        "FlowCore - Base Image for Navigator Applications (development and build image)")
                .containsEntry("org.opencontainers.image.version", "1.0")
                .containsEntry("org.opencontainers.image.vendor", "Navigator Team");

        // A second run builds nothing.
        TestEnvironment.Cli again = t.cli(Map.of(), "base", "--spec", t.root.resolve("examples/flowcore/flowcore.yaml").toString(),
                "--platform", "linux/amd64");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("building").contains("0 of 2 image/platform builds ran, 2 reused",
                "unchanged " + t.registry.host() + "/flowcore/flowcore:3.11", "unchanged " + t.registry.host() + "/flowcore/flowcore-dev:3.11");
    }

    /** One OCI index for linux/amd64 under every tag; returns the linux/amd64 image by digest. */
    private static String checkIndex(TestEnvironment t, JsonNode images, String name, ImageReference repository) throws Exception {
        JsonNode image = null;
        for (JsonNode i : images) {
            if (i.get("name").asText().equals(name)) {
                image = i;
            }
        }
        assertThat(image).as(name + " in " + images).isNotNull();
        assertThat(image.get("status").asText()).isIn("built", "reused");
        Digest indexDigest = Digest.of(image.get("index").get("digest").asText());
        Manifest index = t.registryClient.getManifest(repository.withDigest(indexDigest));
        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        Map<Platform, Descriptor> platforms = t.registryClient.platforms(repository.withDigest(indexDigest));
        assertThat(platforms).containsOnlyKeys(Platform.LINUX_AMD64);
        for (String tag : TAGS) {
            assertThat(t.registryClient.head(repository.withTag(tag)).orElseThrow().digest()).as(name + ":" + tag).isEqualTo(indexDigest);
        }
        for (JsonNode p : image.get("platforms")) {
            Platform platform = Platform.parse(p.get("platform").asText());
            assertThat(platforms.get(platform).digest()).isEqualTo(Digest.of(p.get("digest").asText()));
            assertThat(p.get("key").asText()).hasSize(64);
        }
        return repository.name() + "@" + platforms.get(Platform.LINUX_AMD64).digest();
    }
}
