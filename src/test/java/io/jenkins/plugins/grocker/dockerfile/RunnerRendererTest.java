package io.jenkins.plugins.grocker.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.AppSpecLoader;
import io.jenkins.plugins.grocker.spec.EntrypointSpec;
import io.jenkins.plugins.grocker.spec.FileSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application spec as the runner's Dockerfile and entrypoint fragment (the entrypoint reads it: entrypoint/). */
class RunnerRendererTest {
    private static final String HEAD = "app: ./src\nbase: 127.0.0.1:5000/flowcore/flowcore:3.11\nimage: 127.0.0.1:5000/apps/hello\n";

    private static final String DEPS = "127.0.0.1:5000/apps/hello@sha256:" + "d".repeat(64);

    @TempDir
    Path dir;

    private AppSpec load(String text) throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, HEAD + text);
        return new AppSpecLoader(Map.of()).load(file);
    }

    private static String fragment(AppSpec app) throws InputException {
        return new String(RunnerRenderer.entrypointConfig(app, "hello", "1.0.0", "/code/venv/lib/python3.11/site-packages"),
                StandardCharsets.UTF_8);
    }

    @Test
    void theApplicationsEntrypointBecomesTheRunnersFragment() throws Exception {
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("cli", List.of("grocker-sample", "$literal"));
        services.put("scheduler", "python -m app.scheduler --every ${EVERY:-60} --name 'a b'");
        EntrypointSpec spec = new EntrypointSpec("cli", services, List.of("APP_ENV"), Map.of("scheduler", List.of("SCHED_KEY")),
                List.of(new FileSpec(Path.of("/spec/dir/app.ini"), "/app/app.ini", 0640)));
        AppSpec app = load("").toBuilder().entrypoint(spec).build();
        assertThat(fragment(app).lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "format 1",
                "app \"hello\"",
                "version \"1.0.0\"",
                "service \"cli\" \"exec\" \"grocker-sample\" \"$$literal\"",
                "service \"scheduler\" \"exec\" \"python\" \"-m\" \"app.scheduler\" \"--every\" \"${EVERY:-60}\" \"--name\" \"a b\"",
                "default \"cli\"",
                "require \"APP_ENV\"",
                "require-for \"scheduler\" \"SCHED_KEY\"",
                "template \"/etc/grocker/templates/0-app.ini\" \"/app/app.ini\" \"0640\"");
        assertThat(RunnerRenderer.FRAGMENT).isEqualTo("900-app.conf");
    }

    @Test
    void wwwCronAndOpsBecomeGrockerServices() throws Exception {
        Files.createDirectories(dir.resolve("ops"));
        Files.writeString(dir.resolve("ops/report"), "#!/bin/sh\n");
        Files.writeString(dir.resolve("app.ini"), "x=${X}\n");
        AppSpec app = load("""
                entrypoint:
                  services: {worker: [python, -m, hello.worker]}
                  default: www
                  templates: [{src: app.ini}]
                www:
                  app: hello.web:app
                  static: {/static/: "{site-packages}/hello/static"}
                  args: [--harakiri, "30"]
                  maxBody: 20m
                media: /media
                cron:
                  - {schedule: "*/5 * * * *", command: "python -m hello.tick >> /media/ticks"}
                  - {schedule: "@daily", command: [python, -m, hello.report]}
                scripts: {files: [ops/report]}
                """);
        assertThat(app.www().mediaUrl()).isEqualTo("/_media/");
        assertThat(app.entrypoint().templates().get(0).destination()).isEqualTo("/config/app.ini");
        assertThat(fragment(app).lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "format 1",
                "app \"hello\"",
                "version \"1.0.0\"",
                "service \"worker\" \"exec\" \"python\" \"-m\" \"hello.worker\"",
                "service \"www\" \"www\"",
                "www-server \"uwsgi\"",
                "www-port \"8080\"",
                "www-app \"hello.web:app\"",
                "www-workers \"2\"",
                "www-threads \"1\"",
                "www-static \"/static/\" \"/code/venv/lib/python3.11/site-packages/hello/static\"",
                "www-media \"/_media/\" \"/media\"",
                "www-args \"--harakiri\" \"30\"",
                "www-max-body \"20m\"",
                "service \"cron\" \"cron\"",
                "cron \"*/5 * * * *\" \"/bin/sh\" \"-c\" \"python -m hello.tick >> /media/ticks\"",
                "cron \"@daily\" \"python\" \"-m\" \"hello.report\"",
                "service \"ops\" \"ops\"",
                "scripts \"/scripts\"",
                "default \"www\"",
                "template \"/etc/grocker/templates/0-app.ini\" \"/config/app.ini\" \"0644\"");
    }

    @Test
    void valuesTheEntrypointCannotTakeAreInputErrorsNamingTheirField() throws Exception {
        assertThatThrownBy(() -> RunnerRenderer.check(load("entrypoint: {services: {www2: \"gunicorn $(cat /secret)\"}}\n")))
                .isInstanceOf(InputException.class)
                .hasMessage(dir.resolve("app.yaml") + ": field 'entrypoint': service www2: a $ must be followed by a name, {name},"
                        + " {name:-default} or $ (write $$ or '$' for a literal $)");
        assertThatThrownBy(() -> RunnerRenderer.check(load("cron: [{schedule: \"61 * * * *\", command: date}]\n")))
                .hasMessageContaining("field 'cron[0]': cron schedule '61 * * * *'");
        assertThatThrownBy(() -> RunnerRenderer.check(load("www: {app: \"not an app\"}\n")))
                .hasMessageContaining("field 'www': www app 'not an app'");
        assertThatThrownBy(() -> RunnerRenderer.check(load("www: {app: a:b, static: {static: /x}}\n")))
                .hasMessageContaining("field 'www.static.static'");
        assertThatThrownBy(() -> RunnerRenderer.check(load("www: {app: a:b, static: {/s/: \"/x y\"}}\n")))
                .hasMessageContaining("field 'www.static./s/'");
    }

    @Test
    void sitePackagesFollowTheWheelsPython() {
        assertThat(RunnerRenderer.sitePackages("/code/venv", "cp311")).isEqualTo("/code/venv/lib/python3.11/site-packages");
        assertThat(RunnerRenderer.sitePackages("/opt/app/venv", "cp39")).isEqualTo("/opt/app/venv/lib/python3.9/site-packages");
    }

    /** One wheel with METADATA and a manifest for it, as grocker compile writes them. */
    private Wheelhouse wheelhouse(Path wheels) throws Exception {
        Path platformDir = wheels.resolve("linux-amd64");
        Files.createDirectories(platformDir);
        Path wheel = platformDir.resolve("hello-1.0.0-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("hello-1.0.0.dist-info/METADATA"));
            zip.write(("Metadata-Version: 2.1\nName: hello\nVersion: 1.0.0\nSummary: Says hello\n"
                    + "Project-URL: Source, https://git.example.com/hello\n\nLong description: ignored\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Wheelhouse.WheelFile file = new Wheelhouse.WheelFile(wheel.getFileName().toString(), WheelhouseStore.sha256(wheel),
                Files.size(wheel), Wheelhouse.Source.BUILT);
        return new Wheelhouse(Wheelhouse.SCHEMA, "hello", "1.0.0", List.of(), "hello==1.0.0", Map.of("linux/amd64",
                new Wheelhouse.PlatformWheels("linux-amd64", "cp311", "sha256:c", "k", "k2", wheel.getFileName().toString(), List.of(file))));
    }

    @Test
    void theDockerfileInstallsTheWwwServerMakesTheContractDirectoriesAndLabelsTheApplication() throws Exception {
        Path wheels = dir.resolve("wheels");
        Wheelhouse manifest = wheelhouse(wheels);
        AppSpec app = load("venv: inherit\nwww: {app: hello.web:app, server: gunicorn, port: 5000}\nmedia: /media\nscripts: /scripts\n");
        String from = "127.0.0.1:5000/flowcore/flowcore@sha256:" + "a".repeat(64);
        RunnerRenderer.Base base = new RunnerRenderer.Base("troc", "/code/venv", Map.of("org.opencontainers.image.description",
                "FlowCore base", "org.opencontainers.image.revision", "0123abc", "team", "base"));
        RunnerRenderer renderer = new RunnerRenderer(app, manifest, wheels);
        String deps = renderer.renderDependencies(Platform.LINUX_AMD64, from, base).dockerfile();
        String df = renderer.render(Platform.LINUX_AMD64, DEPS, from, base).dockerfile();
        assertThat(deps).contains("RUN [\"/usr/local/lib/grocker/install-wheels\", \"/code/venv\", \"inherit\", \"deps\", \"gunicorn\"]")
                .contains("RUN [\"/usr/local/lib/grocker/apt-install\", \"tini\", \"nginx-light\", \"python3-gunicorn\"]")
                .contains("COPY --from=install /tmp/grocker/root/ /")
                .contains("RUN [\"/usr/local/lib/grocker/make-dirs\", \"/config\", \"troc\", \"-\", \"/scripts\", \"troc\", \"-\","
                        + " \"/media\", \"troc\", \"-\"]")
                .contains("FROM " + from + " AS install")
                .doesNotContain("1.0.0").doesNotContain("LABEL").doesNotContain("ensurepip");
        assertThat(df).contains("FROM " + from + " AS install").contains("FROM " + DEPS + "\n")
                .contains("RUN [\"/usr/local/lib/grocker/install-wheels\", \"/code/venv\", \"inherit\", \"app\"]")
                .contains("COPY entrypoint.conf /tmp/grocker/root/etc/grocker/entrypoint.d/900-app.conf")
                .contains("COPY --from=install /tmp/grocker/root/ /")
                .doesNotContain("apt-install\", \"tini").doesNotContain("make-dirs")
                .contains("VOLUME [\"/media\"]")
                .contains("EXPOSE 5000")
                .doesNotContain("ENV VIRTUAL_ENV")
                .contains("\"org.opencontainers.image.title\"=\"hello\"", "\"org.opencontainers.image.version\"=\"1.0.0\"",
                        "\"org.opencontainers.image.description\"=\"Says hello\"",
                        "\"org.opencontainers.image.source\"=\"https://git.example.com/hello\"",
                        "\"org.opencontainers.image.revision\"=\"\"",
                        "\"org.opencontainers.image.base.name\"=\"127.0.0.1:5000/flowcore/flowcore:3.11\"",
                        "\"org.opencontainers.image.base.digest\"=\"sha256:" + "a".repeat(64) + "\"")
                .doesNotContain("FlowCore base").doesNotContain("0123abc");
        // the runner's stage after the dependency image adds one layer: no RUN, one COPY
        String last = df.substring(df.indexOf("FROM " + DEPS));
        assertThat(last.lines().filter(l -> l.startsWith("RUN ") || l.startsWith("COPY ") || l.startsWith("ADD ")))
                .containsExactly("COPY --from=install /tmp/grocker/root/ /");

        AppSpec own = load("www: {app: hello.web:app}\n");
        RunnerRenderer ownRenderer = new RunnerRenderer(own, manifest, wheels);
        assertThat(ownRenderer.renderDependencies(Platform.LINUX_AMD64, from, base).dockerfile())
                .contains("\"/opt/app/venv\", \"new\", \"deps\"]").contains("\"nginx-light\", \"uwsgi\", \"uwsgi-plugin-python3\"");
        assertThat(ownRenderer.render(Platform.LINUX_AMD64, DEPS, from, base).dockerfile())
                .contains("ENV VIRTUAL_ENV=/opt/app/venv").contains("EXPOSE 8080");

        RunnerRenderer.Base noVenv = new RunnerRenderer.Base("troc", null, Map.of());
        assertThatThrownBy(() -> new RunnerRenderer(app, manifest, wheels).renderDependencies(Platform.LINUX_AMD64, from, noVenv))
                .hasMessageContaining("field 'venv': inherit: the base image 127.0.0.1:5000/flowcore/flowcore:3.11 has no virtual environment");
    }

    @Test
    void theWorkdirAndVolumesAreMadeWithMakeDirsTriples(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.yaml"), """
                app: "grocker-sample==1.0.0"
                base: 127.0.0.1:5000/apptest/py:1
                image: 127.0.0.1:5000/apps/grocker-sample
                user: {name: app, uid: 1001}
                workdir: /app
                volumes: [/data]
                """);
        AppSpec app = new AppSpecLoader(Map.of()).load(dir.resolve("app.yaml"));
        Files.createDirectories(dir.resolve("wheels/linux-amd64"));
        Wheelhouse wheelhouse = new Wheelhouse(Wheelhouse.SCHEMA, "grocker-sample", "1.0.0", List.of(), "grocker-sample==1.0.0",
                Map.of("linux/amd64", new Wheelhouse.PlatformWheels("linux-amd64", "cp311", "sha256:" + "c".repeat(64), "k", "k",
                        "grocker_sample-1.0.0-py3-none-any.whl", List.of())));
        String dockerfile = new RunnerRenderer(app, wheelhouse, dir.resolve("wheels"))
                .renderDependencies(Platform.LINUX_AMD64, "127.0.0.1:5000/apptest/py@sha256:" + "a".repeat(64),
                        new RunnerRenderer.Base(null, null, Map.of())).dockerfile();
        // make-dirs (shared with the base images) takes PATH OWNER MODE triples
        assertThat(dockerfile).contains(
                "RUN [\"/usr/local/lib/grocker/make-dirs\", \"/app\", \"1001:1001\", \"-\", \"/data\", \"1001:1001\", \"-\","
                        + " \"/config\", \"1001:1001\", \"-\"]");
    }

    /** A wheel whose METADATA names it, as pip would build it. */
    private static Wheelhouse.WheelFile wheel(Path dir, String name, String version, Wheelhouse.Source source) throws Exception {
        Files.createDirectories(dir);
        Path wheel = dir.resolve(name + "-" + version + "-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry metadata = new ZipEntry(name + "-" + version + ".dist-info/METADATA");
            metadata.setTime(1704067200000L); // the same bytes for the same wheel, as a cached wheel is
            zip.putNextEntry(metadata);
            zip.write(("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return new Wheelhouse.WheelFile(wheel.getFileName().toString(), WheelhouseStore.sha256(wheel), Files.size(wheel), source);
    }

    private static Wheelhouse release(Path wheels, String version) throws Exception {
        return release(wheels, version, "2.0");
    }

    private static Wheelhouse release(Path wheels, String version, String helperVersion) throws Exception {
        Path platformDir = wheels.resolve("linux-amd64");
        Wheelhouse.WheelFile app = wheel(platformDir, "hello", version, Wheelhouse.Source.BUILT);
        Wheelhouse.WheelFile helper = wheel(platformDir, "helper", helperVersion, Wheelhouse.Source.CACHE);
        return new Wheelhouse(Wheelhouse.SCHEMA, "hello", version, List.of(), "hello==" + version, Map.of("linux/amd64",
                new Wheelhouse.PlatformWheels("linux-amd64", "cp311", "sha256:c", "k", "k2", app.file(), List.of(helper, app))));
    }

    @Test
    void aNewVersionWithTheSameDependencyWheelsHasTheSameDependencyContextAndANewRunnerContext() throws Exception {
        AppSpec app = load("user: {name: app, uid: 1001}\n");
        String from = "127.0.0.1:5000/apptest/py@sha256:" + "a".repeat(64);
        RunnerRenderer.Base base = new RunnerRenderer.Base(null, null, Map.of());
        Path v1Wheels = dir.resolve("v1");
        Path v2Wheels = dir.resolve("v2");
        RunnerRenderer v1 = new RunnerRenderer(app, release(v1Wheels, "1.0.0"), v1Wheels);
        RunnerRenderer v2 = new RunnerRenderer(app, release(v2Wheels, "1.1.0"), v2Wheels);

        BuildContext deps1 = v1.renderDependencies(Platform.LINUX_AMD64, from, base);
        BuildContext deps2 = v2.renderDependencies(Platform.LINUX_AMD64, from, base);
        assertThat(deps2.digests()).isEqualTo(deps1.digests());
        assertThat(deps1.digests().keySet()).contains("wheels/helper-2.0-py3-none-any.whl")
                .noneMatch(path -> path.startsWith("wheels/hello-"));
        assertThat(deps1.dockerfile()).contains("Python 3.11").contains("/opt/app/venv");

        BuildContext run1 = v1.render(Platform.LINUX_AMD64, DEPS, from, base);
        BuildContext run2 = v2.render(Platform.LINUX_AMD64, DEPS, from, base);
        assertThat(run1.digests().keySet()).contains("wheels/hello-1.0.0-py3-none-any.whl")
                .noneMatch(path -> path.startsWith("wheels/helper-"));
        assertThat(run2.digests()).isNotEqualTo(run1.digests());

        // another helper wheel is another dependency image
        Path v3Wheels = dir.resolve("v3");
        assertThat(new RunnerRenderer(app, release(v3Wheels, "1.2.0", "2.1"), v3Wheels)
                .renderDependencies(Platform.LINUX_AMD64, from, base).digests())
                .isNotEqualTo(deps1.digests());
    }
}
