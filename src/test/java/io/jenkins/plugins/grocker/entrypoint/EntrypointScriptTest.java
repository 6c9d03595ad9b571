package io.jenkins.plugins.grocker.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.jenkins.plugins.grocker.dockerfile.EntrypointConfig;
import io.jenkins.plugins.grocker.dockerfile.EntrypointConfig.Clearable;
import java.io.File;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the entrypoint ({@code resources/.../entrypoint/}) on this machine, against fragments written by
 * {@link EntrypointConfig} (or by hand, for broken ones), with no Python in the services: what a user of an
 * image would see, minus the container. Subclasses choose the shell and tools: Debian's dash, mawk and
 * coreutils, or busybox alone. The www service needs nginx and is proven in {@link EntrypointIT}.
 */
abstract class EntrypointScriptTest {
    private static final String SECRET = "s3cr3t-do-not-print";
    private static final String PREFIX = "grocker-entrypoint: ";

    @TempDir
    Path dir;

    Path script;
    private Path conf;

    record Result(int exit, String stdout, String stderr, long pid) {
    }

    /** The interpreter command, such as {@code /bin/sh}; the script path is appended. */
    abstract List<String> shell();

    /** PATH for the script and its services. */
    abstract String path() throws IOException;

    @BeforeEach
    void install() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (EntrypointConfig.RuntimeFile f : EntrypointConfig.RUNTIME_FILES) {
            try (InputStream in = EntrypointScriptTest.class.getResourceAsStream("/io/jenkins/plugins/grocker/" + f.resource())) {
                assertThat(in).as(f.resource()).isNotNull();
                Files.copy(in, lib.resolve(f.name()));
            }
        }
        script = lib.resolve("entrypoint");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        conf = Files.createDirectories(dir.resolve("entrypoint.d"));
        fragment("010-base.conf", EntrypointConfig.builder()
                .app("grocker-sample", "1.0.0")
                .defaultService("www")
                .service("www", List.of("printf", "www ok\\n"))
                .service("worker", List.of("printf", "[%s]", "worker", "--queue", "default"))
                .serviceLine("scheduler", "printf [%s] --interval $SCHEDULE_INTERVAL --name ${APP_NAME} --cost $$5 --env ${APP_ENV:-prod}")
                .service("pid", List.of("sh", "-c", "echo $$"))
                .service("trap", List.of("sh", "-c", "trap 'echo got TERM; exit 0' TERM; echo ready; sleep 60 & wait; echo not signalled"))
                .require(List.of("DATABASE_URL", "API_TOKEN"))
                .requireFor("www", List.of("SECRET_KEY"))
                .build());
    }

    void fragment(String name, EntrypointConfig config) throws IOException {
        Files.writeString(conf.resolve(name), config.render());
    }

    /** The environment every test starts from: everything required is set. */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgres://db/app");
        env.put("API_TOKEN", "token");
        env.put("SECRET_KEY", SECRET);
        return env;
    }

    Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(shell());
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", path());
        pb.environment().put("GROCKER_ENTRYPOINT_CONFIG", conf.toString());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(dir.resolve("stdout").toFile());
        pb.redirectError(dir.resolve("stderr").toFile());
        return pb.start();
    }

    Result finish(Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the entrypoint did not finish within 60 seconds: " + Files.readString(dir.resolve("stderr")));
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")), p.pid());
    }

    Result run(Map<String, String> env, String... args) throws Exception {
        return finish(start(env, args));
    }

    Result runQuiet(Map<String, String> env, String... args) throws Exception {
        Map<String, String> quiet = new HashMap<>(env);
        quiet.put("GROCKER_ENTRYPOINT_QUIET", "1");
        return run(quiet, args);
    }

    // --- services and commands -----------------------------------------------------------------------------

    @Test
    void noArgumentStartsTheDefaultServiceAndSaysSo() throws Exception {
        Result r = run(env());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("www ok\n");
        assertThat(r.stderr()).isEqualTo(PREFIX + "starting www (grocker-sample 1.0.0)\n");
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
        Result r = runQuiet(env(), "worker", "--verbose", "two words", "");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("[worker][--queue][default][--verbose][two words][]");
    }

    @Test
    void commandLineServiceIsSplitAtBuildTimeAndItsReferencesExpandedAtStartOneWordEach() throws Exception {
        Map<String, String> env = env();
        env.put("SCHEDULE_INTERVAL", "30");
        env.put("APP_NAME", "nightly; rm -rf / $(id) 'x' \"y\"");
        Result r = runQuiet(env, "scheduler", "$NOT_EXPANDED");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("[--interval][30][--name][nightly; rm -rf / $(id) 'x' \"y\"][--cost][$5][--env][prod][$NOT_EXPANDED]");

        env.put("APP_ENV", "staging");
        assertThat(runQuiet(env, "scheduler").stdout()).endsWith("[--env][staging]");
        env.put("APP_ENV", "");
        assertThat(runQuiet(env, "scheduler").stdout()).as("an empty value takes the default").endsWith("[--env][prod]");
    }

    @Test
    void unsetVariableInAServiceIsAnErrorNamingIt() throws Exception {
        Map<String, String> env = env();
        env.put("APP_NAME", "nightly");
        Result r = run(env, "scheduler");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo(PREFIX + "service scheduler: environment variable SCHEDULE_INTERVAL is not set\n");
    }

    @Test
    void anyOtherWordIsRunAsACommandThroughPath() throws Exception {
        Result r = run(env(), "printf", "[%s]", "adhoc", "x y");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("[adhoc][x y]");
        assertThat(r.stderr()).isEqualTo(PREFIX + "starting printf (grocker-sample 1.0.0)\n");

        assertThat(runQuiet(env(), "sh", "-c", "exit 7").exit()).isEqualTo(7);
    }

    @Test
    void missingRequiredEnvironmentExits78ListingOnlyTheNamesNeverTheValues() throws Exception {
        Map<String, String> env = env();
        env.remove("DATABASE_URL");
        env.put("API_TOKEN", "");
        Result r = run(env);
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo(PREFIX + "missing required environment variables: DATABASE_URL, API_TOKEN\n");
        assertThat(r.stderr() + r.stdout()).doesNotContain(SECRET);

        env.remove("SECRET_KEY");
        Result all = run(env, "www");
        assertThat(all.exit()).isEqualTo(78);
        assertThat(all.stderr()).isEqualTo(PREFIX + "missing required environment variables: DATABASE_URL, API_TOKEN, SECRET_KEY\n");
    }

    @Test
    void adHocCommandsAreCheckedToo() throws Exception {
        Map<String, String> env = env();
        env.remove("API_TOKEN");
        Result r = run(env, "id");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo(PREFIX + "missing required environment variables: API_TOKEN\n");
    }

    @Test
    void serviceRequirementsAreOnlyCheckedForTheirService() throws Exception {
        Map<String, String> env = env();
        env.remove("SECRET_KEY");
        Result worker = runQuiet(env, "worker");
        assertThat(worker.exit()).as(worker.stderr()).isZero();
        assertThat(runQuiet(env, "true").exit()).isZero();

        Result www = run(env, "www");
        assertThat(www.exit()).isEqualTo(78);
        assertThat(www.stderr()).isEqualTo(PREFIX + "missing required environment variables: SECRET_KEY\n");
    }

    @Test
    void unknownOrUnexecutableCommandsExit127And126() throws Exception {
        Result r = runQuiet(env(), "no-such-command-grocker", "arg");
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.stderr()).isEqualTo(PREFIX + "no-such-command-grocker: command not found\n");

        Path plain = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\necho no\n");
        Result denied = runQuiet(env(), plain.toString());
        assertThat(denied.exit()).isEqualTo(126);
        assertThat(denied.stderr()).isEqualTo(PREFIX + plain + ": permission denied\n");

        Result empty = runQuiet(env(), "");
        assertThat(empty.exit()).isEqualTo(64);
        assertThat(empty.stderr()).isEqualTo(PREFIX + "the command is empty\n");
    }

    @Test
    void noCommandAndNoDefaultExits64() throws Exception {
        Files.delete(conf.resolve("010-base.conf"));
        fragment("010-base.conf", EntrypointConfig.builder().service("a", List.of("true")).build());
        Result r = run(Map.of());
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.stderr()).isEqualTo(PREFIX + "no command given and no default service\n");
    }

    @Test
    void execReplacesTheEntrypointProcess() throws Exception {
        Result r = runQuiet(env(), "pid");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Long.parseLong(r.stdout().strip())).isEqualTo(r.pid());

        Result adhoc = runQuiet(env(), "sh", "-c", "echo $$");
        assertThat(Long.parseLong(adhoc.stdout().strip())).isEqualTo(adhoc.pid());
    }

    @Test
    void theCommandGetsDefaultSignalDispositions() throws Exception {
        Result r = runQuiet(env(), "sh", "-c", "grep '^SigIgn:' /proc/self/status");
        assertThat(r.exit()).as(r.stderr()).isZero();
        long ignored = Long.parseUnsignedLong(r.stdout().replace("SigIgn:", "").strip(), 16);
        assertThat(ignored & (1L << (13 - 1))).as("SIGPIPE ignored, mask %x", ignored).isZero();
        assertThat(ignored & (1L << (15 - 1))).as("SIGTERM ignored, mask %x", ignored).isZero();
    }

    @Test
    void sigtermReachesTheService() throws Exception {
        Process p = start(env(), "trap");
        awaitOutput(p, "ready");
        p.destroy(); // SIGTERM
        Result r = finish(p);
        assertThat(r.stdout()).isEqualTo("ready\ngot TERM\n");
        assertThat(r.exit()).as(r.stderr()).isZero();
    }

    void awaitOutput(Process p, String text) throws Exception {
        Path stdout = dir.resolve("stdout");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(stdout).contains(text)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("no '" + text + "' in the output: " + Files.readString(stdout) + Files.readString(dir.resolve("stderr")));
            }
            Thread.sleep(20);
        }
    }

    // --- hostile values --------------------------------------------------------------------------------------

    @Test
    void hostileSpecValuesAndEnvironmentValuesStayOneWordAndAreNeverRun() throws Exception {
        Path marker = dir.resolve("pwned");
        List<String> hostile = List.of("$(touch " + marker + ")", "`touch " + marker + "`", "a'b\"c", "line1\nline2\n",
                "back\\slash \\n \\c \\x41", " lead and trail ", "", "-n", "*", "é ü 日本", "tab\there", "ctl\u0001\u007f",
                "; touch " + marker, "$HOME ${HOME} $$");
        List<String> words = new ArrayList<>(List.of("printf", "[%s]"));
        words.addAll(hostile);
        fragment("020-hostile.conf", EntrypointConfig.builder()
                .app("app\"\n$(touch " + marker + ")", "1\n2")
                .service("hostile", words)
                .serviceLine("fromline", "printf [%s] \"$EVIL\" $EVIL ${EVIL} ${UNSET_ONE:-$(touch " + marker + ")}")
                .build());
        Result r = runQuiet(env(), "hostile");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("[" + String.join("][", hostile) + "]");

        Map<String, String> env = env();
        String evil = "$(touch " + marker + ") `touch " + marker + "` ' \" \\ \n ; | & $HOME";
        env.put("EVIL", evil);
        Result line = runQuiet(env, "fromline");
        assertThat(line.exit()).as(line.stderr()).isZero();
        assertThat(line.stdout()).isEqualTo("[" + evil + "][" + evil + "][" + evil + "][$(touch " + marker + ")]");

        Result help = run(Map.of(), "help");
        assertThat(help.exit()).isZero();
        assertThat(marker).doesNotExist();
    }

    @Test
    void aBrokenFragmentExits78NamingFileAndLine() throws Exception {
        Path broken = conf.resolve("020-broken.conf");
        Files.writeString(broken, "format 1\nservice \"x\" \"exec\" \"unterminated\n");
        Result r = run(env());
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stderr()).isEqualTo(PREFIX + broken + ": line 2: unterminated quoted value\n");

        Files.writeString(broken, "format 1\nrm -rf /\n");
        assertThat(run(env()).stderr()).isEqualTo(PREFIX + broken + ": line 2: unknown directive 'rm'\n");

        Files.writeString(broken, "require \"A\"\n");
        assertThat(run(env()).stderr()).isEqualTo(PREFIX + broken + ": line 1: a fragment must start with 'format 1'\n");

        Files.writeString(broken, "format 2\n");
        assertThat(run(env()).stderr()).contains("format 2 is not supported");

        Files.writeString(broken, "format 1\nservice \"x\" \"exec\" \"a\"\"b\"\n");
        assertThat(run(env()).stderr()).contains("line 2: a quoted value must be followed by a blank");

        Files.writeString(broken, "format 1\ndefault \"nothere\"\n");
        Result d = run(env());
        assertThat(d.exit()).isEqualTo(78);
        assertThat(d.stderr()).contains("default 'nothere' is not one of the services").hasLineCount(1);

        Files.delete(broken);
        Files.writeString(conf.resolve("020-empty.conf"), "");
        assertThat(run(env()).stderr()).contains("empty fragment");
    }

    @Test
    void missingConfigurationExits78() throws Exception {
        Map<String, String> env = env();
        env.put("GROCKER_ENTRYPOINT_CONFIG", dir.resolve("nowhere").toString());
        Result r = run(env);
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stderr()).isEqualTo(PREFIX + "configuration " + dir.resolve("nowhere") + " not found\n");
    }

    // --- help ------------------------------------------------------------------------------------------------

    @Test
    void helpListsServicesDefaultAndRequiredEnvironmentWithoutCheckingIt() throws Exception {
        for (String word : List.of("help", "--help", "-h")) {
            Result r = run(Map.of(), word);
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stderr()).isEmpty();
            assertThat(r.stdout())
                    .startsWith("grocker-sample 1.0.0 - Grocker entrypoint\n")
                    .containsPattern("(?m)^  www +printf 'www ok\\\\n' \\(default\\)$")
                    .containsPattern("(?m)^ +requires: SECRET_KEY$")
                    .containsPattern("(?m)^  worker +printf '\\[%s\\]' worker --queue default$")
                    .containsPattern("(?m)^  scheduler +printf '\\[%s\\]' --interval \\$SCHEDULE_INTERVAL --name \\$\\{APP_NAME\\} --cost \\$\\$5 --env \\$\\{APP_ENV:-prod\\}$")
                    .contains("Default: www\n")
                    .contains("Required environment: DATABASE_URL, API_TOKEN\n");
        }
    }

    @Test
    void aServiceNamedHelpWinsOverHelp() throws Exception {
        fragment("020-help.conf", EntrypointConfig.builder().service("help", List.of("echo", "the help service")).build());
        Result r = runQuiet(env(), "help");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).isEqualTo("the help service\n");
    }

    // --- templates and prestart ------------------------------------------------------------------------------

    @Test
    void templatesAreRenderedAtomicallyWithTheirModeAtEveryStart() throws Exception {
        Path source = dir.resolve("config.ini.tpl");
        Files.writeString(source, "[db]\nurl = ${DATABASE_URL}\ntoken=$API_TOKEN\nprice = $$5\nlevel = ${LOG_LEVEL:-info}\nempty = ${EMPTY}.");
        Path destination = dir.resolve("config/conf/config.ini");
        Path plain = dir.resolve("plain.tpl");
        Files.writeString(plain, "static\n");
        Path other = dir.resolve("config/plain.txt");
        fragment("020-templates.conf", EntrypointConfig.builder()
                .template(source.toString(), destination.toString(), 0640)
                .template(plain.toString(), other.toString(), 0644)
                .build());

        Map<String, String> env = env();
        env.put("EMPTY", "");
        Result r = runQuiet(env, "worker");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Files.readString(destination)).isEqualTo("[db]\nurl = postgres://db/app\ntoken=token\nprice = $5\nlevel = info\nempty = .");
        assertThat(Files.readString(other)).isEqualTo("static\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other))).isEqualTo("rw-r--r--");
        try (var files = Files.list(destination.getParent())) {
            assertThat(files).containsExactly(destination);
        }

        env.put("DATABASE_URL", "postgres://other/app $(id) `id` \\n");
        env.put("LOG_LEVEL", "debug");
        assertThat(runQuiet(env, "worker").exit()).isZero();
        assertThat(Files.readString(destination)).contains("url = postgres://other/app $(id) `id` \\n\n").contains("level = debug\n");
    }

    @Test
    void templatesSeeTheContainersEnvironmentNotTheEntrypointsOwnVariables() throws Exception {
        Path source = Files.writeString(dir.resolve("env.tpl"), "lc=${LC_ALL:-unset} op=${GROCKER_EP_OP:-none} files=${GROCKER_EP_FILES:-none}\n");
        Path destination = dir.resolve("out/env.txt");
        fragment("020-env.conf", EntrypointConfig.builder().template(source.toString(), destination.toString(), 0644).build());
        assertThat(runQuiet(env(), "true").exit()).isZero();
        assertThat(Files.readString(destination)).isEqualTo("lc=unset op=none files=none\n");
        Map<String, String> env = env();
        env.put("LC_ALL", "C.UTF-8");
        assertThat(runQuiet(env, "true").exit()).isZero();
        assertThat(Files.readString(destination)).isEqualTo("lc=C.UTF-8 op=none files=none\n");
    }

    @Test
    void aChildTemplateForTheSameDestinationReplacesTheParents() throws Exception {
        Path base = Files.writeString(dir.resolve("base.tpl"), "base\n");
        Path child = Files.writeString(dir.resolve("child.tpl"), "child\n");
        Path destination = dir.resolve("out/app.conf");
        fragment("020-a.conf", EntrypointConfig.builder().template(base.toString(), destination.toString(), 0644).build());
        fragment("030-b.conf", EntrypointConfig.builder().template(child.toString(), destination.toString(), 0600).build());
        assertThat(runQuiet(env(), "true").exit()).isZero();
        assertThat(Files.readString(destination)).isEqualTo("child\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination))).isEqualTo("rw-------");
    }

    @Test
    void unsetVariableInATemplateExits78NamingTemplateAndVariableAndLeavesNothing() throws Exception {
        Path source = dir.resolve("config.ini.tpl");
        Files.writeString(source, "key = ${SECRET_KEY}\nmissing = ${NOT_SET_ANYWHERE}\n");
        Path destination = dir.resolve("out/config.ini");
        fragment("020-t.conf", EntrypointConfig.builder().template(source.toString(), destination.toString(), 0600).build());

        Result r = run(env(), "worker");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEqualTo(PREFIX + "template " + source + ": line 2: environment variable NOT_SET_ANYWHERE is not set\n");
        assertThat(r.stderr()).doesNotContain(SECRET);
        try (var files = Files.list(destination.getParent())) {
            assertThat(files).isEmpty();
        }

        Files.writeString(source, "cost = $5\n");
        Result invalid = run(env(), "worker");
        assertThat(invalid.exit()).isEqualTo(78);
        assertThat(invalid.stderr()).startsWith(PREFIX + "template " + source + ": line 1: a $ must be followed by a name");
    }

    @Test
    void uncreatableTemplateDestinationExits73NamingThePath() throws Exception {
        Path source = Files.writeString(dir.resolve("t.tpl"), "x\n");
        Path blocker = Files.writeString(dir.resolve("blocker"), "a regular file, not a directory\n");
        fragment("020-t.conf", EntrypointConfig.builder().template(source.toString(), blocker.resolve("sub/out.txt").toString(), 0644).build());

        Result r = run(env(), "worker");
        assertThat(r.exit()).isEqualTo(73);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith(PREFIX + "template " + source + ": cannot create directory " + blocker.resolve("sub") + ": ")
                .hasLineCount(1);
    }

    @Test
    void prestartCommandsRunInOrderBeforeTheServiceAndAFailureStopsTheStart() throws Exception {
        Path log = dir.resolve("log");
        fragment("020-pre.conf", EntrypointConfig.builder()
                .prestart(List.of("sh", "-c", "echo \"first $DATABASE_URL\" >> " + log))
                .prestartLine("sh -c 'echo second >> " + log + "'")
                .build());
        fragment("030-pre.conf", EntrypointConfig.builder()
                .prestart(List.of("sh", "-c", "echo third >> " + log + "; exit ${FAIL:-0}"))
                .build());
        Result r = runQuiet(env(), "sh", "-c", "echo service >> " + log);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Files.readString(log)).isEqualTo("first postgres://db/app\nsecond\nthird\nservice\n");

        Files.delete(log);
        Map<String, String> env = env();
        env.put("FAIL", "5");
        Result failed = run(env, "sh", "-c", "echo service >> " + log);
        assertThat(failed.exit()).isEqualTo(5);
        assertThat(failed.stderr()).isEqualTo(PREFIX + "prestart command 3 (sh) failed with status 5\n");
        assertThat(Files.readString(log)).isEqualTo("first postgres://db/app\nsecond\nthird\n");
    }

    // --- layers ----------------------------------------------------------------------------------------------

    @Test
    void aChildFragmentAddsToAndOverridesItsParents() throws Exception {
        fragment("020-child.conf", EntrypointConfig.builder()
                .app("child-app", "2.0")
                .require(List.of("CHILD_VAR"))
                .service("www", List.of("echo", "child www"))
                .service("extra", List.of("echo", "extra"))
                .defaultService("extra")
                .build());
        Map<String, String> env = env();
        Result missing = run(env);
        assertThat(missing.exit()).isEqualTo(78);
        assertThat(missing.stderr()).isEqualTo(PREFIX + "missing required environment variables: CHILD_VAR\n");

        env.put("CHILD_VAR", "x");
        Result r = run(env);
        assertThat(r.stdout()).isEqualTo("extra\n");
        assertThat(r.stderr()).isEqualTo(PREFIX + "starting extra (child-app 2.0)\n");
        assertThat(runQuiet(env, "www").stdout()).isEqualTo("child www\n");
        assertThat(runQuiet(env, "worker").stdout()).startsWith("[worker]");

        fragment("030-grandchild.conf", EntrypointConfig.builder()
                .clear(Clearable.REQUIRE).clear(Clearable.SERVICES)
                .service("only", List.of("echo", "only"))
                .build());
        Result cleared = run(Map.of());
        assertThat(cleared.exit()).as(cleared.stderr()).isEqualTo(64);
        assertThat(runQuiet(Map.of(), "only").stdout()).isEqualTo("only\n");
        assertThat(runQuiet(Map.of(), "worker").exit()).as("worker is no service any more: a command").isEqualTo(127);
    }

    // --- cron and ops ----------------------------------------------------------------------------------------

    @Test
    void cronRunsTheJobsWithTheContainersEnvironmentAndStopsOnTerm() throws Exception {
        Path out = dir.resolve("cron.out");
        fragment("020-cron.conf", EntrypointConfig.builder()
                .cronService("cron")
                .cronShell("* * * * *", "echo \"every $DATABASE_URL\" >> " + out)
                .cron("0 0 30 2 *", List.of("sh", "-c", "echo never >> " + out))
                .cron("@reboot", List.of("sh", "-c", "echo reboot >> " + out))
                .cronShell("* * * * *", "echo out-$API_TOKEN; echo err >&2")
                .build());
        Map<String, String> env = env();
        env.put("GROCKER_CRON_TICK", "1");
        Process p = start(env, "cron");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(out) || Files.readString(out).split("every", -1).length < 3) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("the jobs did not run twice: " + Files.readString(dir.resolve("stderr")));
            }
            Thread.sleep(50);
        }
        p.destroy();
        Result r = finish(p);
        assertThat(r.exit()).as(r.stderr()).isZero();
        String written = Files.readString(out);
        assertThat(written).startsWith("reboot\n").contains("every postgres://db/app\n").doesNotContain("never");
        assertThat(written.indexOf("reboot")).isEqualTo(written.lastIndexOf("reboot"));
        assertThat(r.stdout()).contains("out-token\n");
        assertThat(r.stderr()).contains(PREFIX + "cron: job 1: * * * * * /bin/sh -c 'echo \"every $$DATABASE_URL\" >> ")
                .contains(PREFIX + "cron: job 1 started").contains("err\n").contains(PREFIX + "cron: TERM received; stopping\n")
                .doesNotContain(SECRET);
    }

    @Test
    void cronSchedulesMatchLikeCron() throws Exception {
        String[] schedules = {"*/15 * * * *", "0 9 * * mon-fri", "0 0 1 * 0", "30 4 * jan,jul *", "5/20 * * * *",
            "0 12 * * 7", "@hourly", "0 0 13 * fri"};
        StringBuilder text = new StringBuilder("format 1\n");
        for (String s : schedules) {
            text.append("cron \"").append(s).append("\" \"true\"\n");
        }
        Files.writeString(conf.resolve("020-cron.conf"), text);
        // minute hour day month weekday
        assertThat(due("30 10 5 3 3")).containsExactly(1);
        assertThat(due("0 9 6 3 1")).containsExactly(1, 2, 7);
        assertThat(due("0 9 7 3 6")).containsExactly(1, 7);
        assertThat(due("0 0 1 3 3")).as("day of month or day of week when both are restricted").containsExactly(1, 3, 7);
        assertThat(due("0 0 6 3 0")).containsExactly(1, 3, 7);
        assertThat(due("30 4 2 7 4")).containsExactly(1, 4);
        assertThat(due("45 4 2 8 4")).containsExactly(1, 5);
        assertThat(due("0 12 3 3 0")).as("7 is Sunday too").containsExactly(1, 6, 7);
        assertThat(due("0 0 13 5 2")).as("the 13th, a Tuesday").containsExactly(1, 7, 8);
        assertThat(due("1 0 12 5 1")).isEmpty();
    }

    /** The jobs due at that time, asked of the awk part directly. */
    private List<Integer> due(String now) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(awk(), "-f", script.resolveSibling("entrypoint.awk").toString());
        pb.environment().put("PATH", path());
        pb.environment().put("GROCKER_EP_FILES", conf.resolve("020-cron.conf") + "\u001f");
        pb.environment().put("GROCKER_EP_OP", "cron-due");
        pb.environment().put("GROCKER_EP_ARG", now);
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<Integer> due = new ArrayList<>();
        for (String n : out.split("\u001f")) {
            if (!n.isEmpty()) {
                due.add(Integer.parseInt(n));
            }
        }
        return due;
    }

    /** The awk the entrypoint uses here. */
    String awk() throws IOException {
        for (String d : path().split(":")) {
            if (Files.isExecutable(Path.of(d, "awk"))) {
                return Path.of(d, "awk").toString();
            }
        }
        throw new IllegalStateException("no awk on " + path());
    }

    @Test
    void opsRunsANamedScriptFromTheScriptsDirectory() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(scripts.resolve("migrate"), "#!/bin/sh\nprintf '[%s]' migrate \"$@\" \"$API_TOKEN\"\n");
        Files.setPosixFilePermissions(scripts.resolve("migrate"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(scripts.resolve("notes.txt"), "not a script\n");
        fragment("020-ops.conf", EntrypointConfig.builder().opsService("ops").scripts(scripts.toString()).build());

        Result r = runQuiet(env(), "ops", "migrate", "--fake", "a b");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("[migrate][--fake][a b][token]");

        Result list = runQuiet(env(), "ops");
        assertThat(list.exit()).isEqualTo(64);
        assertThat(list.stdout()).isEqualTo("Usage: ops SCRIPT [ARGS...]\nScripts in " + scripts + ":\n  migrate\n");

        assertThat(runQuiet(env(), "ops", "../scripts/migrate").stderr()).isEqualTo(PREFIX + "ops: '../scripts/migrate' is not a script name\n");
        Result missing = runQuiet(env(), "ops", "nope");
        assertThat(missing.exit()).isEqualTo(127);
        assertThat(missing.stderr()).isEqualTo(PREFIX + "ops: no script nope in " + scripts + "\n");
        assertThat(runQuiet(env(), "ops", "notes.txt").exit()).isEqualTo(126);

        Map<String, String> env = env();
        env.remove("API_TOKEN");
        assertThat(run(env, "ops", "migrate").exit()).isEqualTo(78);
    }
}
