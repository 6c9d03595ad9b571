package io.jenkins.plugins.grocker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without Docker: options, bad input and exit codes. */
class GrockerCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GrockerCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void versionAndHelp() {
        Run version = run(Map.of(), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("grocker ").doesNotContain("unknown");
        Run help = run(Map.of(), "base", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--spec", "--platform", "--[no-]push", "--output-json", "--verbose");
        assertThat(run(Map.of(), "plan", "--help").out()).contains("--spec");
        assertThat(run(Map.of(), "--help").out()).contains("base", "plan", "Exit codes");
    }

    @Test
    void everySubcommandPrintsItsHelpAndExitsZero() {
        picocli.CommandLine top = new picocli.CommandLine(new GrockerCommand(Map.of()));
        assertThat(top.getSubcommands()).containsKeys("base", "plan", "compile", "runner", "promote", "publish", "index",
                "wheels");
        java.util.List<java.util.List<String>> commands = new java.util.ArrayList<>();
        collect(top, java.util.List.of(), commands);
        assertThat(commands).contains(java.util.List.of("wheels", "push"), java.util.List.of("wheels", "pull"));
        for (java.util.List<String> command : commands) {
            for (String flag : new String[] {"--help", "-h"}) {
                java.util.List<String> args = new java.util.ArrayList<>(command);
                args.add(flag);
                Run help = run(Map.of(), args.toArray(String[]::new));
                String name = String.join(" ", command);
                assertThat(help.code()).as("grocker %s %s: %s", name, flag, help.err()).isZero();
                assertThat(help.out()).as("grocker %s %s", name, flag).startsWith("Usage: grocker " + name);
                assertThat(help.err()).isEmpty();
            }
        }
    }

    private static void collect(picocli.CommandLine command, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                java.util.List<String> here = new java.util.ArrayList<>(path);
                here.add(name);
                out.add(here);
                collect(sub, here, out);
            }
        });
    }

    @Test
    void badSpecIsOneLineAndExitCodeTwo() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "registry: r:5000\nimages:\n  - name: a\n    from: debian\n    user: {name: troc, uid: abc}\n");
        Run r = run(Map.of(), "base", "--spec", spec.toString(), "--docker-host", "unix:///nonexistent/docker.sock");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .isEqualTo("grocker: " + spec + ": image 'a': field 'user.uid': must be a whole number from 0 to 2147483647, got 'abc'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingSpecFileAndBadOptions() {
        Run missing = run(Map.of(), "base", "--spec", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml: spec file does not exist");

        Run noSpec = run(Map.of(), "base");
        assertThat(noSpec.code()).isEqualTo(2);
        assertThat(noSpec.err()).contains("Missing required option: '--spec=FILE'").contains("grocker base --help");

        Run unknown = run(Map.of(), "base", "--spec", "x.yaml", "--pussh");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--pussh");

        assertThat(run(Map.of()).code()).isEqualTo(2);
    }

    @Test
    void invalidPlatformOptionIsNamed() throws Exception {
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, "registry: r:5000\nimages: [{name: a, from: debian}]\n");
        Run r = run(Map.of(), "base", "--spec", spec.toString(), "--platform", "linux/arm65");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("grocker: --platform: ").contains("arm65");
    }

    @Test
    void unreachableEngineIsExitCodeThreeNamingTheEndpoint() throws Exception {
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, "registry: r:5000\nimages: [{name: a, from: debian}]\n");
        Run r = run(Map.of(), "base", "--spec", spec.toString(), "--docker-host", "unix:///nonexistent/docker.sock");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("unix:///nonexistent/docker.sock").contains("unreachable");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void planPrintsTheGraphBeforeAskingTheEngine() throws Exception {
        Path spec = dir.resolve("stack.yaml");
        Files.writeString(spec, "registry: r:5000\nimages:\n  - {name: base, from: debian}\n  - {name: child, parent: base}\n");
        Run r = run(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"), "plan", "--spec", spec.toString());
        assertThat(r.out()).contains("base -> child", "level 0: base", "level 1: child");
        assertThat(r.code()).isEqualTo(3);
    }
}
