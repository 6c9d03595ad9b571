package io.jenkins.plugins.grocker.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.EntrypointSpec;
import io.jenkins.plugins.grocker.spec.FileSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
