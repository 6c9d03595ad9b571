package io.jenkins.plugins.grocker.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppSpecLoaderTest {
    @TempDir
    Path dir;

    private static final String HEAD = "base: 127.0.0.1:5000/flowcore/flowcore:3.11\nimage: 127.0.0.1:5000/apps/navigator-api\n";

    private AppSpec load(String text) throws Exception {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, text);
        return new AppSpecLoader(Map.of()).load(file);
    }

    private String errorOf(String text) throws IOException {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, text);
        try {
            new AppSpecLoader(Map.of()).load(file);
        } catch (InputException e) {
            assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("no error for " + text);
    }

    @Test
    void loadsAFullSpec() throws Exception {
        Files.writeString(dir.resolve("constraints.txt"), "requests==2.31.0\n");
        Files.writeString(dir.resolve("config.ini"), "[db]\nurl = ${DATABASE_URL}\n");
        AppSpec app = load(HEAD + """
                app: "navigator-api[locale,web]==2.3.1"
                platforms: [linux/amd64, linux/arm64]
                dependencies: {build: [libpq-dev, gcc], run: [libpq5]}
                index:
                  url: https://pypi.example.com/simple
                  extraUrls: [http://127.0.0.1:8080/simple]
                  credentials: {usernameEnv: NEXUS_USER, passwordEnv: NEXUS_PASSWORD}
                constraints: constraints.txt
                entrypoint:
                  default: www
                  services:
                    www: gunicorn --bind 0.0.0.0:5000 app:app
                    worker: [python, -m, app.worker]
                  requiredEnv: [DATABASE_URL]
                  serviceEnv: {www: [SECRET_KEY]}
                  templates: [{src: config.ini, dest: /app/config.ini, mode: "0640"}]
                user: {name: troc, uid: 1000}
                workdir: /app
                volumes: [/data]
                ports: ["5000"]
                tags: ["{version}", latest]
                """);
        assertThat(app.requirement()).isEqualTo(new AppRequirement("navigator-api", List.of("locale", "web"), "2.3.1"));
        assertThat(app.extras()).containsExactly("locale", "web");
        assertThat(app.image().name()).isEqualTo("127.0.0.1:5000/apps/navigator-api");
        assertThat(app.index().usernameEnv()).isEqualTo("NEXUS_USER");
        assertThat(app.entrypoint().services()).containsEntry("www", "gunicorn --bind 0.0.0.0:5000 app:app")
                .containsEntry("worker", List.of("python", "-m", "app.worker"));
        assertThat(app.entrypoint().templates().get(0).mode()).isEqualTo(0640);
        assertThat(app.venv()).isEqualTo(AppSpec.DEFAULT_VENV);
        assertThat(app.constraints()).isEqualTo(dir.resolve("constraints.txt"));
    }

    @Test
    void localSources() throws Exception {
        Files.createDirectories(dir.resolve("src/app"));
        AppSpec app = load(HEAD + "app: ./src/app\nextras: [web]\n");
        assertThat(app.requirement()).isNull();
        assertThat(app.source()).isEqualTo(dir.resolve("src/app"));
        assertThat(app.extras()).containsExactly("web");
        assertThat(errorOf(HEAD + "app: ./dist/app-1.0-py3-none-any.whl\n")).contains("field 'app'").contains("does not exist");
    }

    @Test
    void unparsableRequirements() throws Exception {
        assertThat(errorOf(HEAD + "app: \"app==\"\n")).contains("field 'app'").contains("no version after '=='");
        assertThat(errorOf(HEAD + "app: \"app>=1\"\n")).contains("field 'app'").contains("pin exactly one version");
        assertThat(errorOf(HEAD + "app: app\n")).contains("field 'app'").contains("has no version");
        assertThat(errorOf(HEAD + "app: \"app[x==1\"\n")).contains("field 'app'");
    }

    @Test
    void otherBadInput() throws Exception {
        assertThat(errorOf("image: r:5000/a/b\napp: a==1\n")).contains("field 'base': is required");
        assertThat(errorOf(HEAD + "app: a==1\nindex: {url: \"https://user:secret@nexus.example.com/simple\"}\n"))
                .contains("field 'index.url'").contains("credentials do not belong").doesNotContain("secret");
        assertThat(errorOf(HEAD + "app: a==1\nindex: {credentials: {password: hunter2}}\n"))
                .contains("field 'index.credentials.password'").contains("did you mean 'passwordEnv'?");
        assertThat(errorOf(HEAD + "app: a==1\ndependencies: {build: [\"Not A Package\"]}\n")).contains("field 'dependencies.build[0]'");
        assertThat(errorOf(HEAD + "app: a==1\nentrypoint: {default: web, services: {www: gunicorn}}\n"))
                .contains("field 'entrypoint.default'");
        assertThat(errorOf(HEAD + "app: a==1\nconstraints: missing.txt\n")).contains("field 'constraints'");
        assertThat(errorOf(HEAD.replace("navigator-api", "navigator-api:1.0") + "app: a==1\n")).contains("field 'image'");
        assertThat(errorOf(HEAD + "app: a==1\nuser: {name: x, uid: abc}\n")).contains("field 'user.uid'");
        assertThat(errorOf(HEAD + "app: a==1\nplatforms: [linux/arm65]\n")).contains("field 'platforms[0]'");
        assertThat(errorOf(HEAD + "app: a==1\ntags: [\"bad tag\"]\n")).contains("field 'tags[0]'");
        assertThat(errorOf(HEAD + "app: a==1\nentrypiont: {}\n")).contains("did you mean 'entrypoint'?");
    }

    @Test
    void requirementNormalization() throws Exception {
        assertThat(AppRequirement.normalize("Grocker_Sample.Web")).isEqualTo("grocker-sample-web");
        assertThat(AppRequirement.parse(" Navigator_API [ locale ] == 2.3.1 ").toString()).isEqualTo("Navigator_API[locale]==2.3.1");
        assertThatThrownBy(() -> AppRequirement.parse("a b==1")).isInstanceOf(InputException.class);
    }

    @Test
    void extrasOfALocalSourceGoInBracketsOrInTheExtrasField() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        AppSpec brackets = load(HEAD + "app: \"./src[fancy, web]\"\n");
        assertThat(brackets.source()).isEqualTo(dir.resolve("src"));
        assertThat(brackets.extras()).containsExactly("fancy", "web");
        assertThat(load(HEAD + "app: ./src\nextras: [fancy]\n").extras()).containsExactly("fancy");
        assertThat(errorOf(HEAD + "app: \"./src[fancy]\"\nextras: [web]\n")).contains("field 'extras'").contains("once");
        assertThat(errorOf(HEAD + "app: \"./src[no way]\"\n")).contains("field 'app'").contains("'no way' is not an extra name");
        assertThat(errorOf(HEAD + "app: \"./nowhere[fancy]\"\n")).contains("field 'app'").contains("nowhere does not exist");
    }

    @Test
    void grockerFields() throws Exception {
        Files.createDirectories(dir.resolve("ops"));
        Files.writeString(dir.resolve("ops/migrate"), "#!/bin/sh\n");
        AppSpec app = load(HEAD + """
                app: a==1
                buildBase: 127.0.0.1:5000/flowcore/flowcore-dev:3.11
                venv: inherit
                www: {app: "a.wsgi:application", server: gunicorn, port: "5000", workers: 4, static: {/static/: /code/static}}
                cron: [{schedule: "@hourly", command: "python -m a.tick"}]
                scripts: {dir: /ops, files: [ops/migrate]}
                media: /media
                config: /etc/a
                """);
        assertThat(app.compilerBase().toString()).isEqualTo("127.0.0.1:5000/flowcore/flowcore-dev:3.11");
        assertThat(app.base().toString()).isEqualTo("127.0.0.1:5000/flowcore/flowcore:3.11");
        assertThat(app.inheritsVenv()).isTrue();
        assertThat(app.www()).isEqualTo(new WwwSpec("gunicorn", "a.wsgi:application", 5000, 4, 1, Map.of("/static/", "/code/static"),
                "/_media/", List.of(), null));
        assertThat(app.cron()).containsExactly(new CronJob("@hourly", "python -m a.tick"));
        assertThat(app.scripts()).isEqualTo(new ScriptsSpec("/ops", List.of(dir.resolve("ops/migrate"))));
        assertThat(app.config()).isEqualTo("/etc/a");
        assertThat(app.entrypoint().defaultService()).isEqualTo("www");
        AppSpec plain = load(HEAD + "app: a==1\n");
        assertThat(plain.compilerBase()).isEqualTo(plain.base());
        assertThat(plain.config()).isEqualTo("/config");
        assertThat(plain.www()).isNull();
        assertThat(load(HEAD + "app: a==1\nscripts: /scripts\n").scripts()).isEqualTo(new ScriptsSpec("/scripts", List.of()));

        assertThat(errorOf(HEAD + "app: a==1\nvenv: relative\n")).contains("field 'venv'");
        assertThat(errorOf(HEAD + "app: a==1\nbuildBase: \"Not An Image\"\n")).contains("field 'buildBase'");
        assertThat(errorOf(HEAD + "app: a==1\nwww: {server: apache, app: a:b}\n")).contains("field 'www.server'");
        assertThat(errorOf(HEAD + "app: a==1\nwww: {port: 8080}\n")).contains("field 'www.app': is required");
        assertThat(errorOf(HEAD + "app: a==1\nwww: {app: a:b, port: 70000}\n")).contains("field 'www.port'");
        assertThat(errorOf(HEAD + "app: a==1\nwww: {app: a:b, mediaUrl: /_m/}\n")).contains("field 'www.mediaUrl'").contains("media");
        assertThat(errorOf(HEAD + "app: a==1\nwww: {app: a:b, statc: {}}\n")).contains("did you mean 'static'?");
        assertThat(errorOf(HEAD + "app: a==1\nwww: {app: a:b}\nentrypoint: {services: {www: [x]}}\n"))
                .contains("field 'entrypoint.services.www'").contains("already the service of field 'www'");
        assertThat(errorOf(HEAD + "app: a==1\ncron: [{schedule: \"* * * * *\"}]\n")).contains("field 'cron[0].command'");
        assertThat(errorOf(HEAD + "app: a==1\ncron: {a: b}\n")).contains("field 'cron'");
        assertThat(errorOf(HEAD + "app: a==1\nscripts: {files: [ops/missing]}\n")).contains("field 'scripts.files[0]'");
        assertThat(errorOf(HEAD + "app: a==1\nmedia: media\n")).contains("field 'media'");
        assertThat(errorOf(HEAD + "app: a==1\nentrypoint: {default: cron, services: {w: [x]}}\n")).contains("field 'entrypoint.default'");
    }
}
