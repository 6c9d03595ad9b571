package io.jenkins.plugins.grocker.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fragment's text. That the entrypoint reads it back exactly is proven in entrypoint/EntrypointScriptTest. */
class EntrypointConfigTest {
    @Test
    void quotesEveryValueSoThatNoValueCanBreakTheFormat() {
        assertThat(EntrypointConfig.quote("plain")).isEqualTo("\"plain\"");
        assertThat(EntrypointConfig.quote("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
        assertThat(EntrypointConfig.quote("line1\nservice \"x\" exec \"rm\"\r\t")).isEqualTo("\"line1\\nservice \\\"x\\\" exec \\\"rm\\\"\\r\\t\"");
        assertThat(EntrypointConfig.quote("bell\u0007del\u007fesc\u001b")).isEqualTo("\"bell\\x07del\\x7fesc\\x1b\"");
        assertThat(EntrypointConfig.quote("$(id) `id` ' é")).isEqualTo("\"$(id) `id` ' é\"");
        assertThatThrownBy(() -> EntrypointConfig.quote("a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> EntrypointConfig.quote("a\u001fb")).hasMessageContaining("unit separator");
    }

    @Test
    void everyLineIsOneDirectiveWhateverTheValuesHold() {
        String hostile = "x\"\n" + "service \"evil\" exec \"sh\"\n" + "$(touch /tmp/p) `id` \\";
        String text = EntrypointConfig.builder()
                .app(hostile, "1.0")
                .require(List.of("DATABASE_URL"))
                .service("worker", List.of("echo", hostile))
                .template("/etc/grocker/templates/a\"b $(id)", "/config/app.ini", 0640)
                .build().render();
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("# ");
        assertThat(lines.subList(1, 7)).extracting(l -> l.split(" ")[0])
                .containsExactly("format", "app", "version", "require", "service", "template");
        assertThat(lines.get(5)).isEqualTo("service \"worker\" \"exec\" \"echo\" "
                + "\"x\\\"\\nservice \\\"evil\\\" exec \\\"sh\\\"\\n$$(touch /tmp/p) `id` \\\\\"");
        assertThat(lines.get(6)).isEqualTo("template \"/etc/grocker/templates/a\\\"b $(id)\" \"/config/app.ini\" \"0640\"");
    }

    @Test
    void commandLinesAreSplitAtBuildTime() {
        String text = EntrypointConfig.builder()
                .serviceLine("scheduler", "python -m app.scheduler --every ${EVERY:-60} --label 'a b'")
                .prestartLine("migrate --check")
                .cronShell("*/5 * * * *", "cd /app && ./job > /dev/null")
                .cron("@daily", List.of("python", "-m", "app.$daily"))
                .build().render();
        assertThat(text).contains("service \"scheduler\" \"exec\" \"python\" \"-m\" \"app.scheduler\" \"--every\" \"${EVERY:-60}\" \"--label\" \"a b\"\n")
                .contains("prestart \"migrate\" \"--check\"\n")
                .contains("cron \"*/5 * * * *\" \"/bin/sh\" \"-c\" \"cd /app && ./job > /dev/null\"\n")
                .contains("cron \"@daily\" \"python\" \"-m\" \"app.$$daily\"\n");
    }

    @Test
    void wwwCronOpsAndClear() {
        String text = EntrypointConfig.builder()
                .wwwService("www").cronService("cron").opsService("ops").defaultService("www")
                .www(EntrypointConfig.WwwServer.UWSGI, 8080, "app.wsgi:application", 2, 4)
                .wwwStatic("/static/", "/app/static").wwwMedia("/_media/", "/media").wwwArgs(List.of("--harakiri", "30"))
                .wwwMaxBody("20m").scripts("/scripts").clear(EntrypointConfig.Clearable.CRON)
                .build().render();
        assertThat(text).contains("service \"www\" \"www\"\n", "service \"cron\" \"cron\"\n", "service \"ops\" \"ops\"\n",
                "default \"www\"\n", "www-server \"uwsgi\"\n", "www-port \"8080\"\n", "www-app \"app.wsgi:application\"\n",
                "www-workers \"2\"\n", "www-threads \"4\"\n", "www-static \"/static/\" \"/app/static\"\n",
                "www-media \"/_media/\" \"/media\"\n", "www-args \"--harakiri\" \"30\"\n", "www-max-body \"20m\"\n",
                "scripts \"/scripts\"\n", "clear \"cron\"\n");
    }

    @Test
    void refusesValuesTheEntrypointOrNginxCouldNotTake() {
        var b = EntrypointConfig.builder();
        assertThatThrownBy(() -> b.service("bad name", List.of("x"))).hasMessageContaining("not a service name");
        assertThatThrownBy(() -> b.service("w", List.of())).hasMessageContaining("service w: the command is empty");
        assertThatThrownBy(() -> b.serviceLine("w", "echo $(id)")).hasMessageContaining("service w: a $ must be followed");
        assertThatThrownBy(() -> b.require(List.of("OK", "NOT-OK"))).hasMessageContaining("'NOT-OK' is not an environment variable name");
        assertThatThrownBy(() -> b.template("relative", "/x", 0644)).hasMessageContaining("template source 'relative' must be an absolute path");
        assertThatThrownBy(() -> b.template("/a", "/x\n/y", 0644)).hasMessageContaining("template destination");
        assertThatThrownBy(() -> b.wwwStatic("/static/; } location / { root /", "/app")).hasMessageContaining("www static URL");
        assertThatThrownBy(() -> b.wwwStatic("/static/", "/app/../etc")).hasMessageContaining("www static directory");
        assertThatThrownBy(() -> b.wwwMedia("/m/", "/media dir")).hasMessageContaining("www media directory");
        assertThatThrownBy(() -> b.www(EntrypointConfig.WwwServer.UWSGI, 0, "app:app", 1, 1)).hasMessageContaining("port");
        assertThatThrownBy(() -> b.www(EntrypointConfig.WwwServer.UWSGI, 80, "app; rm -rf /", 1, 1)).hasMessageContaining("WSGI application");
        assertThatThrownBy(() -> b.wwwMaxBody("1 g")).hasMessageContaining("size");
        assertThatThrownBy(() -> b.cron("* * * *", List.of("x"))).hasMessageContaining("needs 5 fields");
        assertThatThrownBy(() -> b.cronShell("@daily", " ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> b.scripts("scripts")).hasMessageContaining("absolute");
    }

    @Test
    void cronSchedules() {
        for (String ok : List.of("* * * * *", "*/5 0-23/2 1,15 jan-mar mon-fri", "0 9 * * 7", "30 4 1 12 sun", "@hourly", "@reboot", "5/10 * * * *")) {
            assertThat(EntrypointConfig.cronProblem(ok)).as(ok).isNull();
        }
        assertThat(EntrypointConfig.cronProblem("60 * * * *")).contains("out of range 0-59");
        assertThat(EntrypointConfig.cronProblem("* 24 * * *")).contains("out of range 0-23");
        assertThat(EntrypointConfig.cronProblem("* * 0 * *")).contains("out of range 1-31");
        assertThat(EntrypointConfig.cronProblem("* * * 13 *")).contains("out of range 1-12");
        assertThat(EntrypointConfig.cronProblem("* * * * 8")).contains("out of range 0-7");
        assertThat(EntrypointConfig.cronProblem("*/0 * * * *")).contains("bad step");
        assertThat(EntrypointConfig.cronProblem("5-1 * * * *")).contains("out of range");
        assertThat(EntrypointConfig.cronProblem("@often")).contains("unknown shorthand");
        assertThat(EntrypointConfig.cronProblem("* * * * * *")).contains("needs 5 fields");
    }

    @Test
    void fragmentNamesOrderTheLayers() {
        assertThat(EntrypointConfig.fragmentName(10, "python-base")).isEqualTo("010-python-base.conf");
        assertThat(EntrypointConfig.fragmentName(900, "grocker sample/../x")).isEqualTo("900-grocker-sample-..-x.conf");
        assertThat(EntrypointConfig.fragmentName(20, "a")).isGreaterThan(EntrypointConfig.fragmentName(10, "z"));
    }
}
