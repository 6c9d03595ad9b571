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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application spec's entrypoint as the runner's configuration fragment (the entrypoint reads it: entrypoint/). */
class RunnerRendererTest {
    @Test
    void theApplicationsEntrypointBecomesTheRunnersFragment() throws Exception {
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("cli", List.of("grocker-sample", "$literal"));
        services.put("scheduler", "python -m app.scheduler --every ${EVERY:-60} --name 'a b'");
        EntrypointSpec spec = new EntrypointSpec("cli", services, List.of("APP_ENV"), Map.of("scheduler", List.of("SCHED_KEY")),
                List.of(new FileSpec(Path.of("/spec/dir/app.ini"), "/app/app.ini", 0640)));
        String text = new String(RunnerRenderer.entrypointConfig(spec, "grocker-sample", "1.0.0", "app.yaml"), StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "format 1",
                "app \"grocker-sample\"",
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
    void aCommandTheEntrypointCannotTakeIsAnInputErrorNamingTheField() {
        EntrypointSpec spec = new EntrypointSpec(null, Map.of("www", "gunicorn $(cat /secret)"), List.of(), Map.of(), List.of());
        assertThatThrownBy(() -> RunnerRenderer.entrypointConfig(spec, "a", "1", "app.yaml"))
                .isInstanceOf(InputException.class)
                .hasMessage("app.yaml: field 'entrypoint': service www: a $ must be followed by a name, {name}, {name:-default} or $"
                        + " (write $$ or '$' for a literal $)");
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
                .render(Platform.LINUX_AMD64, "127.0.0.1:5000/apptest/py@sha256:" + "a".repeat(64), null).dockerfile();
        // make-dirs (shared with the base images) takes PATH OWNER MODE triples
        assertThat(dockerfile).contains(
                "RUN [\"/usr/local/lib/grocker/make-dirs\", \"/app\", \"1001:1001\", \"-\", \"/data\", \"1001:1001\", \"-\"]");
    }
}
