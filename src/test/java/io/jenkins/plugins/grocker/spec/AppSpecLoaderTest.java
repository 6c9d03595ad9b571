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
}
