package io.jenkins.plugins.grocker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile specs through the command line: exit 2, one line naming the file, image and field, before any engine or
 * registry is contacted (DOCKER_HOST points nowhere here).
 */
class HostileSpecCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run grocker(String spec, String... args) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, spec);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--spec";
        all[args.length + 1] = file.toString();
        int code = GrockerCommand.run(new PrintWriter(out, true), new PrintWriter(err, true),
                Map.of("DOCKER_HOST", "tcp://127.0.0.1:1"), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void hostileSpecsExitWithTwoAndOneLine() throws Exception {
        String head = "registry: 127.0.0.1:5000/t\nimages:\n  - name: base\n    from: 127.0.0.1:5000/debian:bookworm\n";
        for (String[] c : new String[][] {
                {"    files: [{src: ../../../../../../etc/passwd, dest: /tmp/p}]\n", "field 'files[0].src'"},
                {"    dirs: ['/']\n", "field 'dirs[0]'"},
                {"    locales: [xx_YY.UTF-8]\n", "field 'locales[0]'"},
                {"    healthcheck: {command: [true], interval: 0s}\n", "field 'healthcheck.interval'"},
                {"    workdir: *undefined\n", "undefined alias"}}) {
            for (String command : new String[] {"plan", "base"}) {
                Run run = grocker(head + c[0], command);
                assertThat(run.code()).as(run.err()).isEqualTo(2);
                assertThat(run.err().strip()).doesNotContain("\n").startsWith("grocker: " + dir.resolve("spec.yaml")).contains(c[1]);
                assertThat(run.out()).doesNotContain("building");
            }
        }
    }

    @Test
    void localeAliasesPrintANote() throws Exception {
        Run run = grocker("registry: 127.0.0.1:5000/t\nimages:\n  - name: base\n    from: 127.0.0.1:5000/debian:bookworm\n"
                + "    locales: [de.UTF-8]\n", "plan");
        assertThat(run.out()).contains("note: " + dir.resolve("spec.yaml") + ": image 'base': field 'locales[0]': 'de.UTF-8' is taken as de_DE.UTF-8");
        assertThat(run.code()).isEqualTo(3);
    }
}
