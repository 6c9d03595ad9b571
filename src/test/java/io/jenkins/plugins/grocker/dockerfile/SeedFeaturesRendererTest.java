package io.jenkins.plugins.grocker.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the fields added for the seed systems render to: entrypoint, trees, dirs, volumes, requirements, variants. */
class SeedFeaturesRendererTest {
    private static final String FROM = "127.0.0.1:5000/debian@sha256:" + "b".repeat(64);

    @TempDir
    Path dir;

    private HierarchySpec spec(String text) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, text);
        return new SpecLoader(Map.of()).load(file);
    }

    private BuildContext render(HierarchySpec spec, String image) {
        return new DockerfileRenderer().render(spec, spec.image(image).orElseThrow(), Platform.LINUX_AMD64, FROM);
    }

    private static String text(BuildContext context, String path) throws IOException {
        for (BuildContext.Entry e : context.entries()) {
            if (e.path().equals(path)) {
                return new String(e.bytes() != null ? e.bytes() : Files.readAllBytes(e.source()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + path + " in the context");
    }

    @Test
    void theRootInstallsTheEntrypointAndChildrenAddTheirFragment() throws Exception {
        Files.writeString(dir.resolve("pg.conf.template"), "port = ${PORT:-5432}\n");
        HierarchySpec spec = spec("""
                registry: r:5000/d
                images:
                  - name: base
                    from: debian
                    user: {name: shusr, uid: 1000}
                    entrypoint: {requiredEnv: [TZ]}
                  - name: postgresql
                    parent: base
                    entrypoint:
                      requiredEnv: [POSTGRES_PASSWORD]
                      templates: [{src: pg.conf.template, dest: /config/postgresql.conf, mode: "0600"}]
                      prestart: [[/usr/local/bin/pg-init], "echo $${PGDATA}"]
                      services: {postgresql: "postgres -D $${PGDATA}", psql: [psql, "$$literal"]}
                      default: postgresql
                      serviceEnv: {postgresql: [PGDATA]}
                """);
        BuildContext base = render(spec, "base");
        String df = base.dockerfile();
        assertThat(df).contains("RUN [\"/usr/local/lib/grocker/apt-install\", \"tini\"]",
                "COPY [\"grocker-entrypoint/\", \"/usr/local/lib/grocker/entrypoint/\"]",
                "COPY [\"entrypoint.d/010-base.conf\", \"/etc/grocker/entrypoint.d/010-base.conf\"]",
                "ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/usr/local/lib/grocker/entrypoint/entrypoint\"]");
        assertThat(df.indexOf("ENTRYPOINT")).isLessThan(df.indexOf("USER 1000:1000"));
        assertThat(text(base, "entrypoint.d/010-base.conf")).contains("format 1\n", "require \"TZ\"\n");
        assertThat(text(base, "grocker-entrypoint/entrypoint")).startsWith("#!/bin/sh");

        BuildContext pg = render(spec, "postgresql");
        df = pg.dockerfile();
        assertThat(df).doesNotContain("tini", "grocker-entrypoint", "ENTRYPOINT");
        assertThat(df).contains("COPY [\"templates/0-pg.conf.template\", \"/etc/grocker/templates/postgresql/0-pg.conf.template\"]",
                "COPY [\"entrypoint.d/020-postgresql.conf\", \"/etc/grocker/entrypoint.d/020-postgresql.conf\"]");
        String fragment = text(pg, "entrypoint.d/020-postgresql.conf");
        assertThat(fragment).contains(
                "require \"POSTGRES_PASSWORD\"\n",
                "require-for \"postgresql\" \"PGDATA\"\n",
                "template \"/etc/grocker/templates/postgresql/0-pg.conf.template\" \"/config/postgresql.conf\" \"0600\"\n",
                "prestart \"/usr/local/bin/pg-init\"\n",
                "prestart \"echo\" \"${PGDATA}\"\n",
                "service \"postgresql\" \"exec\" \"postgres\" \"-D\" \"${PGDATA}\"\n",
                "service \"psql\" \"exec\" \"psql\" \"$$literal\"\n",
                "default \"postgresql\"\n");
        assertThat(text(pg, "templates/0-pg.conf.template")).isEqualTo("port = ${PORT:-5432}\n");
    }

    @Test
    void entrypointValuesTheRuntimeCannotTakeNameTheirField() throws Exception {
        HierarchySpec spec = spec("""
                registry: r:5000/d
                images:
                  - name: base
                    from: debian
                    entrypoint: {services: {web: "python -m 'unterminated"}}
                """);
        assertThatThrownBy(() -> new DockerfileRenderer().check(spec.images().get(0)))
                .isInstanceOfSatisfying(DockerfileRenderer.SpecValueException.class,
                        e -> assertThat(e.field()).isEqualTo("entrypoint.services.web"));
    }

    @Test
    void directoriesAndArchivesBecomeTarsWithTheirOwnerAndModes() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app/bin"));
        Files.writeString(app.resolve("run"), "#!/bin/sh\n");
        app.resolve("run").toFile().setExecutable(true);
        Files.writeString(dir.resolve("app/README"), "readme\n");
        Files.createSymbolicLink(dir.resolve("app/passwd"), Path.of("/etc/passwd"));
        writeTarGz(dir.resolve("trino.tar.gz"), Map.of("trino-server/bin/launcher", "#!/bin/sh\n"), false);
        HierarchySpec spec = spec("""
                registry: r:5000/d
                images:
                  - name: base
                    from: debian
                    user: {name: shusr, uid: 1000}
                    files:
                      - {src: app, dest: /opt/app, owner: shusr}
                      - {src: trino.tar.gz, dest: /opt/trino, extract: true, owner: "2000:3000", mode: "0750"}
                    dirs: [/a, {path: /b, owner: root, mode: "0700"}]
                    volumes: [/data, /app/logs]
                """);
        BuildContext context = render(spec, "base");
        String df = context.dockerfile();
        assertThat(df).contains("ADD [\"files/0-app.tar\", \"/opt/app/\"]", "ADD [\"files/1-trino.tar.gz.tar\", \"/opt/trino/\"]",
                "RUN [\"/usr/local/lib/grocker/make-dirs\", \"/a\", \"1000:1000\", \"-\", \"/b\", \"-\", \"0700\"]",
                "VOLUME [\"/data\", \"/app/logs\"]");
        assertThat(df.indexOf("ADD [\"files/0-app.tar\"")).isLessThan(df.indexOf("make-dirs"));
        assertThat(df.indexOf("make-dirs")).isLessThan(df.indexOf("VOLUME"));

        Map<String, TarArchiveEntry> app0 = entries(context, "files/0-app.tar");
        assertThat(app0).containsKeys("./bin/", "./bin/run", "./README", "./passwd");
        assertThat(app0.get("./bin/run").getMode() & 07777).isEqualTo(0755);
        assertThat(app0.get("./README").getMode() & 07777).isEqualTo(0644);
        assertThat(app0.get("./README").getLongUserId()).isEqualTo(1000);
        assertThat(app0.get("./README").getModTime().getTime()).isZero();
        assertThat(app0.get("./passwd").isSymbolicLink()).isTrue();
        assertThat(app0.get("./passwd").getLinkName()).isEqualTo("/etc/passwd");
        assertThat(app0.get("./passwd").getSize()).isZero();

        Map<String, TarArchiveEntry> trino = entries(context, "files/1-trino.tar.gz.tar");
        assertThat(trino).containsKeys("./trino-server/", "./trino-server/bin/", "./trino-server/bin/launcher");
        assertThat(trino.get("./trino-server/bin/launcher").getMode() & 07777).isEqualTo(0750);
        assertThat(trino.get("./trino-server/bin/").getMode() & 07777).isEqualTo(0750);
        assertThat(trino.get("./trino-server/bin/launcher").getLongUserId()).isEqualTo(2000);
        assertThat(trino.get("./trino-server/bin/launcher").getLongGroupId()).isEqualTo(3000);
        // The same spec gives the same tar, so the same key.
        assertThat(render(spec, "base").digests()).isEqualTo(context.digests());
    }

    @Test
    void archivesThatLeaveTheirDestinationAreRefused() throws Exception {
        writeTarGz(dir.resolve("evil.tar.gz"), Map.of("../../etc/cron.d/x", "* * * * * root sh\n"), false);
        HierarchySpec spec = spec("""
                registry: r:5000/d
                images:
                  - name: base
                    from: debian
                    files: [{src: evil.tar.gz, dest: /opt/x, extract: true}]
                """);
        assertThatThrownBy(() -> new DockerfileRenderer().check(spec.images().get(0)))
                .isInstanceOfSatisfying(DockerfileRenderer.SpecValueException.class, e -> {
                    assertThat(e.field()).isEqualTo("files[0].src");
                    assertThat(e.getMessage()).contains("'../../etc/cron.d/x' leaves the destination");
                });
        Files.writeString(dir.resolve("notatar.tar"), "just text");
        HierarchySpec plain = spec("""
                registry: r:5000/d
                images:
                  - name: base
                    from: debian
                    files: [{src: notatar.tar, dest: /opt/x, extract: true}]
                """);
        assertThatThrownBy(() -> new DockerfileRenderer().check(plain.images().get(0)))
                .isInstanceOf(DockerfileRenderer.SpecValueException.class).hasMessageContaining("is not a tar archive");
    }

    @Test
    void requirementsAndInheritedIndexSettingsReachPip() throws Exception {
        Files.writeString(dir.resolve("requirements.txt"), "streamlit\n");
        HierarchySpec spec = spec("""
                registry: r:5000/d
                images:
                  - name: base
                    from: debian
                    python: {interpreter: apt, venv: /opt/venv, indexUrl: "http://127.0.0.1:8080/simple", trustedHosts: [127.0.0.1]}
                  - name: app
                    parent: base
                    python: {requirements: requirements.txt, packages: [plotly]}
                """);
        BuildContext app = render(spec, "app");
        assertThat(app.dockerfile()).contains(
                "COPY [\"files/requirements.txt\", \"/usr/local/lib/grocker/requirements/app.txt\"]",
                "RUN [\"/usr/local/lib/grocker/pip-install\", \"/opt/venv\", \"-\", \"--index-url\", \"http://127.0.0.1:8080/simple\", "
                        + "\"--trusted-host\", \"127.0.0.1\", \"-r\", \"/usr/local/lib/grocker/requirements/app.txt\", \"plotly\"]");
        assertThat(text(app, "files/requirements.txt")).isEqualTo("streamlit\n");

        // The file's content is part of the context the cache key hashes: another pin, another key.
        Map<String, String> before = app.digests();
        Files.writeString(dir.resolve("requirements.txt"), "streamlit==1.40.0\n");
        Map<String, String> after = render(spec, "app").digests();
        assertThat(after.get("files/requirements.txt")).isNotEqualTo(before.get("files/requirements.txt"));
        assertThat(after.get(BuildContext.DOCKERFILE)).isEqualTo(before.get(BuildContext.DOCKERFILE));
    }

    @Test
    void variantsStartFromTheirImage() throws Exception {
        HierarchySpec spec = spec("""
                registry: r:5000
                images:
                  - name: fractal-app
                    from: debian
                    tags: ["1.0"]
                    variants:
                      dev: {packages: [jupyter-notebook], cmd: [jupyter, notebook]}
                      prod: {env: {STREAMLIT_SERVER_HEADLESS: "true"}}
                """);
        ImageSpec dev = spec.image("fractal-app:dev").orElseThrow();
        String df = new DockerfileRenderer().render(spec, dev, Platform.LINUX_AMD64, "r:5000/fractal-app@sha256:" + "c".repeat(64)).dockerfile();
        assertThat(df).contains("FROM r:5000/fractal-app@sha256:", "apt-install\", \"jupyter-notebook\"]", "CMD [\"jupyter\", \"notebook\"]",
                "\"org.opencontainers.image.title\"=\"fractal-app:dev\"");
    }

    private static Map<String, TarArchiveEntry> entries(BuildContext context, String path) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        for (BuildContext.Entry e : context.entries()) {
            if (e.path().equals(path)) {
                try (InputStream raw = Files.newInputStream(e.source()); TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
                    TarArchiveEntry t;
                    while ((t = in.getNextEntry()) != null) {
                        entries.put(t.getName(), t);
                    }
                }
            }
        }
        return entries;
    }

    static void writeTarGz(Path file, Map<String, String> files, boolean withDirs) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var f : files.entrySet()) {
                byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
                e.setMode(0100755);
                e.setSize(bytes.length);
                tar.putArchiveEntry(e);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
    }

    @SuppressWarnings("unused")
    private static byte[] bytes(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
