package io.jenkins.plugins.grocker.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the runner image's entrypoint script with the host's python3 (which must be there: these tests
 * fail, they do not skip, without it) against configurations written to a temporary directory.
 */
class EntrypointScriptTest {
    private static final String RESOURCE = "/io/jenkins/plugins/grocker/runner/entrypoint.py";
    private static final String SECRET = "s3cr3t-do-not-print";

    /** The real interpreter (not a shim), so the script's process is the one we started. */
    private static String python;
    /** PATH for the script: the interpreter's directory first, so services' "python3" is the same one. */
    private static String path;

    @TempDir
    Path dir;

    private Path script;
    private Path config;

    private record Result(int exit, String stdout, String stderr, long pid) {
    }

    @BeforeAll
    static void findPython() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable); print(sys.version_info >= (3, 9))")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("python3 is required to test the runner entrypoint but cannot be started: " + e.getMessage());
            return;
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python3 did not answer within 30 seconds");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail("python3 failed (exit " + p.exitValue() + "): " + out);
        }
        String[] lines = out.strip().split("\n");
        if (lines.length != 2 || !lines[1].strip().equals("True")) {
            fail("the runner entrypoint needs python3 3.9 or later; python3 said: " + out);
        }
        python = lines[0].strip();
        path = Path.of(python).getParent() + ":/usr/local/bin:/usr/bin:/bin";
    }

    @BeforeEach
    void copyScript() throws IOException {
        script = dir.resolve("entrypoint.py");
        try (InputStream in = EntrypointScriptTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("classpath resource " + RESOURCE).isNotNull();
            Files.copy(in, script);
        }
        config = dir.resolve("entrypoint.json");
        writeConfig("[]");
    }

    private void writeConfig(String templates) throws IOException {
        Files.writeString(config, """
                {
                  "app": "grocker-sample", "version": "1.0.0",
                  "default": "www",
                  "services": {
                    "www": ["python3", "-c", "print('www ok')"],
                    "worker": ["python3", "-c", "import sys; print('worker', sys.argv[1:])", "--queue", "default"],
                    "scheduler": "python3 -c 'import sys; print(sys.argv[1:])' --interval $SCHEDULE_INTERVAL --name ${APP_NAME} --cost $$5",
                    "pid": ["python3", "-c", "import os; print(os.getpid())"],
                    "trap": ["python3", "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, lambda s, f: (print('got TERM', flush=True), sys.exit(0))); print('ready', flush=True); time.sleep(60); print('not signalled')"]
                  },
                  "requiredEnv": ["DATABASE_URL", "API_TOKEN"],
                  "serviceEnv": {"www": ["SECRET_KEY"]},
                  "templates": %s
                }
                """.formatted(templates));
    }

    /** The environment every test starts from: everything required is set. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgres://db/app");
        env.put("API_TOKEN", "token");
        env.put("SECRET_KEY", SECRET);
        return env;
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", path);
        pb.environment().put("GROCKER_ENTRYPOINT_CONFIG", config.toString());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(dir.resolve("stdout").toFile());
        pb.redirectError(dir.resolve("stderr").toFile());
        return pb.start();
    }

    private Result finish(Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the entrypoint did not finish within 60 seconds");
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")), p.pid());
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        return finish(start(env, args));
    }

    private Result runQuiet(Map<String, String> env, String... args) throws Exception {
        Map<String, String> quiet = new HashMap<>(env);
        quiet.put("GROCKER_ENTRYPOINT_QUIET", "1");
        return run(quiet, args);
    }

    @Test
    void noArgumentStartsTheDefaultServiceAndSaysSo() throws Exception {
        Result r = run(env());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("www ok\n");
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: starting www (grocker-sample 1.0.0)\n");
    }

    @Test
    void quietSuppressesTheStartingLine() throws Exception {
        Result r = runQuiet(env());
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).isEqualTo("www ok\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void namedServiceGetsTheExtraArgumentsAppended() throws Exception {
        Result r = runQuiet(env(), "worker", "--verbose", "two words");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("worker ['--queue', 'default', '--verbose', 'two words']\n");
    }

    @Test
    void stringServiceIsExpandedThenSplitWithoutAShell() throws Exception {
        Map<String, String> env = env();
        env.put("SCHEDULE_INTERVAL", "30");
        env.put("APP_NAME", "nightly;rm");
        Result r = runQuiet(env, "scheduler", "$NOT_EXPANDED");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("['--interval', '30', '--name', 'nightly;rm', '--cost', '$5', '$NOT_EXPANDED']\n");
    }

    @Test
    void unsetVariableInAStringServiceIsAnErrorNamingIt() throws Exception {
        Map<String, String> env = env();
        env.put("APP_NAME", "nightly");
        Result r = run(env, "scheduler");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: service scheduler: environment variable SCHEDULE_INTERVAL is not set\n");
    }

    @Test
    void anyOtherWordIsRunAsACommandThroughPath() throws Exception {
        Result r = run(env(), "python3", "-c", "import sys; print('adhoc', sys.argv[1:])", "x y");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("adhoc ['x y']\n");
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: starting python3 (grocker-sample 1.0.0)\n");

        Result sh = runQuiet(env(), "sh", "-c", "exit 7");
        assertThat(sh.exit()).isEqualTo(7);
    }

    @Test
    void missingRequiredEnvironmentExits78ListingOnlyTheNamesNeverTheValues() throws Exception {
        Map<String, String> env = env();
        env.remove("DATABASE_URL");
        env.put("API_TOKEN", "");
        Result r = run(env);
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: missing required environment variables: DATABASE_URL, API_TOKEN\n");
        assertThat(r.stderr() + r.stdout()).doesNotContain(SECRET);

        env.remove("SECRET_KEY");
        Result all = run(env, "www");
        assertThat(all.exit()).isEqualTo(78);
        assertThat(all.stderr())
                .isEqualTo("grocker-entrypoint: missing required environment variables: DATABASE_URL, API_TOKEN, SECRET_KEY\n");
    }

    @Test
    void adHocCommandsAreCheckedToo() throws Exception {
        Map<String, String> env = env();
        env.remove("API_TOKEN");
        Result r = run(env, "python3", "-c", "print('should not run')");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: missing required environment variables: API_TOKEN\n");
    }

    @Test
    void serviceEnvIsOnlyCheckedForItsService() throws Exception {
        Map<String, String> env = env();
        env.remove("SECRET_KEY");
        Result worker = runQuiet(env, "worker");
        assertThat(worker.exit()).as(worker.stderr()).isZero();
        assertThat(worker.stdout()).startsWith("worker ");
        Result adhoc = runQuiet(env, "python3", "-c", "print(1)");
        assertThat(adhoc.exit()).isZero();

        Result www = run(env, "www");
        assertThat(www.exit()).isEqualTo(78);
        assertThat(www.stderr()).isEqualTo("grocker-entrypoint: missing required environment variables: SECRET_KEY\n");
    }

    @Test
    void templatesAreRenderedAtomicallyWithTheirMode() throws Exception {
        Path source = dir.resolve("config.ini.tpl");
        Files.writeString(source, "[db]\nurl = ${DATABASE_URL}\ntoken=$API_TOKEN\nprice = $$5\n");
        Path destination = dir.resolve("app/conf/config.ini");
        Path other = dir.resolve("app/plain.txt");
        Files.writeString(dir.resolve("plain.tpl"), "static\n");
        writeConfig("""
                [{"source": "%s", "destination": "%s", "mode": "0640"},
                 {"source": "%s", "destination": "%s"}]""".formatted(source, destination, dir.resolve("plain.tpl"), other));

        Result r = runQuiet(env(), "worker");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Files.readString(destination)).isEqualTo("[db]\nurl = postgres://db/app\ntoken=token\nprice = $5\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other))).isEqualTo("rw-r--r--");
        try (var files = Files.list(destination.getParent())) {
            assertThat(files).containsExactly(destination);
        }

        // rendered again (replaced) at every start
        Map<String, String> env = env();
        env.put("DATABASE_URL", "postgres://other/app");
        assertThat(runQuiet(env, "worker").exit()).isZero();
        assertThat(Files.readString(destination)).contains("url = postgres://other/app\n");
    }

    @Test
    void unsetVariableInATemplateExits78NamingTemplateAndVariable() throws Exception {
        Path source = dir.resolve("config.ini.tpl");
        Files.writeString(source, "key = ${SECRET_KEY}\nmissing = ${NOT_SET_ANYWHERE}\n");
        Path destination = dir.resolve("out/config.ini");
        writeConfig("[{\"source\": \"%s\", \"destination\": \"%s\", \"mode\": \"0600\"}]".formatted(source, destination));

        Result r = run(env(), "worker");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: template " + source + ": environment variable NOT_SET_ANYWHERE is not set\n");
        assertThat(r.stderr()).doesNotContain(SECRET);
        assertThat(destination).doesNotExist();
    }

    @Test
    void uncreatableTemplateDestinationExits73NamingThePath() throws Exception {
        Path source = dir.resolve("t.tpl");
        Files.writeString(source, "x\n");
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a regular file, not a directory\n");
        writeConfig("[{\"source\": \"%s\", \"destination\": \"%s\"}]".formatted(source, blocker.resolve("sub/out.txt")));

        Result r = run(env(), "worker");
        assertThat(r.exit()).isEqualTo(73);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("grocker-entrypoint: template " + source + ": cannot create directory " + blocker.resolve("sub"))
                .hasLineCount(1);
    }

    @Test
    void unknownExecutableExits127() throws Exception {
        Result r = runQuiet(env(), "no-such-command-grocker", "arg");
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: no-such-command-grocker: command not found\n");
    }

    @Test
    void helpListsServicesDefaultAndRequiredEnvironmentWithoutCheckingIt() throws Exception {
        for (String word : List.of("help", "--help")) {
            Result r = run(Map.of(), word);
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stderr()).isEmpty();
            assertThat(r.stdout())
                    .contains("grocker-sample 1.0.0")
                    .containsPattern("(?m)^  www +python3 -c 'print\\(.*www ok.*\\)' \\(default\\)$")
                    .containsPattern("(?m)^ +requires: SECRET_KEY$")
                    .containsPattern("(?m)^  worker +python3 -c .* --queue default$")
                    .containsPattern("(?m)^  scheduler +python3 -c .* --interval \\$SCHEDULE_INTERVAL --name \\$\\{APP_NAME\\} --cost \\$\\$5$")
                    .contains("Default: www\n")
                    .contains("Required environment: DATABASE_URL, API_TOKEN\n");
        }
    }

    @Test
    void aServiceNamedHelpWinsOverHelp() throws Exception {
        Files.writeString(config, """
                {"app": "a", "version": "1", "default": "help",
                 "services": {"help": ["python3", "-c", "print('the help service')"]}}
                """);
        Result r = runQuiet(Map.of(), "help");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).isEqualTo("the help service\n");
    }

    @Test
    void missingOrInvalidConfigurationExits78WithOneLine() throws Exception {
        Files.delete(config);
        Result missing = run(env());
        assertThat(missing.exit()).isEqualTo(78);
        assertThat(missing.stderr()).isEqualTo("grocker-entrypoint: configuration file " + config + " not found\n");

        Files.writeString(config, "{\"services\": {\"www\": [\"a\"],}");
        Result invalid = run(env());
        assertThat(invalid.exit()).isEqualTo(78);
        assertThat(invalid.stderr()).startsWith("grocker-entrypoint: invalid configuration file " + config).hasLineCount(1);

        Files.writeString(config, "{\"default\": \"www\", \"services\": {\"www\": 42}}");
        Result wrongType = run(env());
        assertThat(wrongType.exit()).isEqualTo(78);
        assertThat(wrongType.stderr()).startsWith("grocker-entrypoint: invalid configuration: service www").hasLineCount(1);
    }

    @Test
    void execReplacesTheEntrypointProcess() throws Exception {
        Result r = runQuiet(env(), "pid");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Long.parseLong(r.stdout().strip())).isEqualTo(r.pid());

        Result adhoc = runQuiet(env(), "python3", "-c", "import os; print(os.getpid())");
        assertThat(Long.parseLong(adhoc.stdout().strip())).isEqualTo(adhoc.pid());
    }

    @Test
    void theCommandGetsTheDefaultSigpipeDispositionNotPythons() throws Exception {
        // Python ignores SIGPIPE (13) and ignored dispositions survive exec: the entrypoint must undo it.
        Result r = runQuiet(env(), "sh", "-c", "grep '^SigIgn:' /proc/self/status");
        assertThat(r.exit()).as(r.stderr()).isZero();
        long ignored = Long.parseUnsignedLong(r.stdout().replace("SigIgn:", "").strip(), 16);
        assertThat(ignored & (1L << (13 - 1))).as("SIGPIPE ignored, mask %x", ignored).isZero();
    }

    @Test
    void sigtermReachesTheService() throws Exception {
        Process p = start(env(), "trap");
        Path stdout = dir.resolve("stdout");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(stdout).contains("ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("the service did not get ready: " + Files.readString(dir.resolve("stderr")));
            }
            Thread.sleep(20);
        }
        p.destroy(); // SIGTERM on Linux
        Result r = finish(p);
        assertThat(r.stdout()).isEqualTo("ready\ngot TERM\n");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEqualTo("grocker-entrypoint: starting trap (grocker-sample 1.0.0)\n");
    }
}
