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
        Files.createSymbolicLink(dir.resolve("innocent.txt"), Path.of("/etc/passwd"));
        // Each item of issue 10's list of bad input, as a user would write it.
        for (String[] c : new String[][] {
                {"    files: [{src: ../../../../../../etc/passwd, dest: /tmp/p}]\n", "field 'files[0].src': '../../../../../../etc/passwd' is outside the spec's directory"},
                {"    files: [{src: /etc/passwd, dest: /tmp/p}]\n", "field 'files[0].src': '/etc/passwd' is outside the spec's directory"},
                {"    files: [{src: innocent.txt, dest: /tmp/p}]\n", "field 'files[0].src': 'innocent.txt' is outside the spec's directory"},
                {"    dirs: ['/']\n", "field 'dirs[0]': '/' is the root directory"},
                {"    dirs: [/var/../../etc/x]\n", "field 'dirs[0]': '/var/../../etc/x' has a '..' segment"},
                {"    locales: [xx_YY.UTF-8]\n", "field 'locales[0]': 'xx_YY.UTF-8' is not a locale glibc supports"},
                {"    healthcheck: {command: [true], interval: 0s}\n", "field 'healthcheck.interval': '0s' is shorter than Docker's minimum"},
                {"    healthcheck: {command: [true], timeout: 3000000h}\n", "field 'healthcheck.timeout': '3000000h' is beyond Docker's range"},
                {"    workdir: *undefined\n", "undefined alias"},
                {"    dirs: &loop [/a, *loop]\n", "a recursive structure"},
                {"    workdir: /" + "a".repeat(200_000) + "\n", "a value of 200001 characters (at most 65536)"}}) {
            for (String command : new String[] {"plan", "base"}) {
                Run run = grocker(head + c[0], command);
                assertThat(run.code()).as(run.err()).isEqualTo(2);
                assertThat(run.err().strip()).doesNotContain("\n").startsWith("grocker: " + dir.resolve("spec.yaml")).contains(c[1]);
                assertThat(run.out()).doesNotContain("building");
            }
        }
    }

    @Test
    void anOversizedSpecIsRefusedQuicklyWithTwo() throws Exception {
        StringBuilder big = new StringBuilder("registry: 127.0.0.1:5000/t\nimages:\n  - name: base\n    from: debian\n    workdir: /");
        big.append("a".repeat(50 << 20)).append('\n');
        for (String command : new String[] {"plan", "base"}) {
            long start = System.nanoTime();
            Run run = grocker(big.toString(), command);
            assertThat(run.code()).as(run.err()).isEqualTo(2);
            assertThat(run.err().strip()).doesNotContain("\n").contains("spec file is 52428", "at most 1048576");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(5.0);
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
