package io.jenkins.plugins.grocker.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.jenkins.plugins.grocker.docker.BuildRequest;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.dockerfile.EntrypointConfig;
import io.jenkins.plugins.grocker.dockerfile.EntrypointConfig.WwwServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The entrypoint in real containers on Debian bookworm (made from the cached debootstrap root filesystem,
 * linux/amd64 only): a base without Python (Datalyptica's case), a child image that adds its own fragment,
 * and a runner-like image with Debian's nginx-light, uwsgi and gunicorn for www, cron and ops. Images are
 * built through the engine API; containers are driven with the docker command line (detached runs, stop,
 * exec, logs). Containers use the host network (the engine runs with --bridge=none) and nginx listens on a
 * free port of 127.0.0.1 only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EntrypointIT {
    private static final String REPO = "grocker-entrypoint-it";
    private static final String DEBIAN = REPO + "/debian:bookworm";
    private static final String BASE = REPO + "/base:test";
    private static final String CHILD = REPO + "/child:test";
    private static final String WWW = REPO + "/www:test";
    private static final String PASSWORD = "p@ss $(id) `id` \"q\" 'r' " + UUID.randomUUID();
    private static final String RUN = Long.toHexString(System.nanoTime());
    private static final String MEDIA = "media report " + RUN + "\n";
    private static final String CSS = "body { color: #" + RUN.substring(0, 6) + "; }\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static DockerEngine engine;
    private static final List<String> containers = new ArrayList<>();
    private static String minuteCron;
    private static long minuteCronStarted;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void buildImages() throws Exception {
        Path rootfs = Path.of(System.getenv().getOrDefault("GROCKER_ROOTFS_DIR", "/var/cache/grocker/rootfs"), "bookworm-amd64.tar");
        if (!Files.isRegularFile(rootfs)) {
            throw new IllegalStateException(rootfs + " is missing: run the tests through scripts/test, which makes it");
        }
        engine = DockerEngine.connect(System.getenv("DOCKER_HOST"));
        build(DEBIAN, BuildContext.builder("FROM scratch\nADD rootfs.tar /\nCMD [\"bash\"]\n").addFile("rootfs.tar", rootfs, 0644));
        buildBase();
        buildChild();
        buildWww();
        // cron without the test hook: the job must run at the start of the next minute; checked by the last test
        minuteCron = startDetached(List.of("-e", "GREETING=minute"), WWW, "cron");
        minuteCronStarted = System.nanoTime();
    }

    @AfterAll
    static void removeContainers() throws Exception {
        for (String c : containers) {
            docker(30, "rm", "-f", "-v", c);
        }
        if (engine != null) {
            engine.close();
        }
    }

    // --- images ---------------------------------------------------------------------------------------------

    /** Adds the entrypoint's files, as an image build would. */
    private static BuildContext.Builder withRuntime(BuildContext.Builder context) {
        for (EntrypointConfig.RuntimeFile f : EntrypointConfig.RUNTIME_FILES) {
            context.add("entrypoint/" + f.name(), f.bytes(), f.mode());
        }
        return context;
    }

    private static final String INSTALL = "COPY entrypoint/ " + EntrypointConfig.INSTALL_DIR + "/\n";
    private static final String ENTRYPOINT = "ENTRYPOINT [\"" + String.join("\", \"", EntrypointConfig.ENTRYPOINT) + "\"]\nCMD []\n";

    /** Datalyptica's case: a base with no Python at all, a user, /config, and a server configured from the environment. */
    private static void buildBase() throws Exception {
        EntrypointConfig config = EntrypointConfig.builder()
                .app("base", "1")
                .require(List.of("DB_HOST", "DB_PASSWORD"))
                .template("/etc/grocker/templates/010-base/server.properties", "/config/server.properties", 0600)
                .prestart(List.of("sh", "-c", "echo \"prestart ran as $(id -u)\" > /config/prestart.log"))
                .service("server", List.of("sh", "-c", "echo \"server for $DB_HOST:${DB_PORT:-5432}\""))
                .defaultService("server")
                .build();
        String dockerfile = "FROM " + DEBIAN + "\n"
                + "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini"
                + " && rm -rf /var/lib/apt/lists/*\n"
                + "RUN useradd -u 1000 -m shusr && mkdir -p /config && chown 1000:1000 /config\n"
                + INSTALL
                + "COPY 010-base.conf " + EntrypointConfig.CONFIG_DIR + "/\n"
                + "COPY templates/ /etc/grocker/templates/\n"
                + "USER 1000\n" + ENTRYPOINT;
        build(BASE, withRuntime(BuildContext.builder(dockerfile))
                .add("010-base.conf", config.bytes(), 0644)
                .add("templates/010-base/server.properties",
                        "host=${DB_HOST}\nport=${DB_PORT:-5432}\npassword=${DB_PASSWORD}\n".getBytes(StandardCharsets.UTF_8), 0644));
    }

    /** A child of the base with its own fragment: inherits the entrypoint and adds to its configuration. */
    private static void buildChild() throws Exception {
        EntrypointConfig config = EntrypointConfig.builder()
                .app("child", "2")
                .require(List.of("CHILD_TOKEN"))
                .template("/etc/grocker/templates/020-child/child.ini", "/config/child.ini", 0644)
                .serviceLine("child", "sh -c 'echo child service; cat /config/child.ini'")
                .defaultService("child")
                .build();
        build(CHILD, BuildContext.builder("FROM " + BASE + "\n"
                        + "COPY 020-child.conf " + EntrypointConfig.CONFIG_DIR + "/\n"
                        + "COPY templates/ /etc/grocker/templates/\n")
                .add("020-child.conf", config.bytes(), 0644)
                .add("templates/020-child/child.ini", "[child]\ndb=${DB_HOST}\n".getBytes(StandardCharsets.UTF_8), 0644));
    }

    /** The Grocker container: www (nginx + uwsgi, or gunicorn), cron and ops, /config, /scripts and a media volume. */
    private static void buildWww() throws Exception {
        byte[] uwsgiConfig = wwwConfig(WwwServer.UWSGI).bytes();
        byte[] gunicornConfig = wwwConfig(WwwServer.GUNICORN).bytes();
        String app = """
                import os
                def application(environ, start_response):
                    path = environ.get("PATH_INFO", "/")
                    if path == "/media/report":
                        # nginx sends the file: the application only names it
                        start_response("200 OK", [("X-Accel-Redirect", "/_media/report.txt"), ("Content-Type", "text/plain")])
                        return [b""]
                    if path == "/whoami":
                        start_response("200 OK", [("Content-Type", "text/plain")])
                        return [("uid=%d" % os.getuid()).encode()]
                    start_response("200 OK", [("Content-Type", "text/plain")])
                    return [("hello %s from %s" % (os.environ["GREETING"], environ.get("SERVER_SOFTWARE", "uwsgi"))).encode()]
                """;
        String dockerfile = "FROM " + DEBIAN + "\n"
                + "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends"
                + " tini nginx-light uwsgi uwsgi-plugin-python3 python3 gunicorn && rm -rf /var/lib/apt/lists/*\n"
                + "RUN useradd -u 1000 -m app && mkdir -p /config /scripts /media && chown 1000:1000 /config /media\n"
                + INSTALL
                + "COPY conf/ " + EntrypointConfig.CONFIG_DIR + "/\n"
                + "COPY gunicorn/ /etc/grocker/gunicorn.d/\n"
                + "COPY app/ /app/\n"
                + "COPY scripts/ /scripts/\n"
                + "COPY report.txt /media/report.txt\n"
                + "RUN chown 1000:1000 /media/report.txt\n"
                + "VOLUME [\"/media\"]\n"
                + "WORKDIR /app\n"
                + "USER 1000\n" + ENTRYPOINT;
        build(WWW, withRuntime(BuildContext.builder(dockerfile))
                .add("conf/900-webapp.conf", uwsgiConfig, 0644)
                .add("gunicorn/900-webapp.conf", gunicornConfig, 0644)
                .add("app/webapp.py", app.getBytes(StandardCharsets.UTF_8), 0644)
                .add("app/static/style.css", CSS.getBytes(StandardCharsets.UTF_8), 0644)
                .add("scripts/hello", "#!/bin/sh\necho \"hello from ops: $* as $(id -u)\"\n".getBytes(StandardCharsets.UTF_8), 0755)
                .add("report.txt", MEDIA.getBytes(StandardCharsets.UTF_8), 0644));
    }

    private static EntrypointConfig wwwConfig(WwwServer server) {
        return EntrypointConfig.builder()
                .app("webapp", "1.0")
                .require(List.of("GREETING"))
                .wwwService("www").cronService("cron").opsService("ops").defaultService("www")
                .www(server, 8080, "webapp:application", 2, 2)
                .wwwStatic("/static/", "/app/static").wwwMedia("/_media/", "/media")
                .cronShell("* * * * *", "echo \"$(date +%s) $GREETING uid=$(id -u)\" >> /media/cron.out; echo cron job output")
                .cronShell("0 0 30 2 *", "echo never >> /media/cron.out")
                .scripts("/scripts")
                .build();
    }

    private static void build(String tag, BuildContext.Builder context) throws Exception {
        Path tar = Files.createTempFile("grocker-entrypoint-it-", ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                context.build().writeTar(out);
            }
            List<String> output = new ArrayList<>();
            try {
                engine.build(BuildRequest.builder(tar).tag(tag).build(), output::add);
            } catch (Exception e) {
                throw new IllegalStateException("building " + tag + " failed: " + e.getMessage() + "\n"
                        + String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size())), e);
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    // --- docker ---------------------------------------------------------------------------------------------

    private static Result docker(int timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("grocker-docker-", ".out");
        Path err = Files.createTempFile("grocker-docker-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("docker " + String.join(" ", args) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** docker run --rm IMAGE ARGS with these -e options, on the host network. */
    private static Result run(List<String> env, String image, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
        command.addAll(env);
        command.add(image);
        command.addAll(List.of(args));
        return docker(120, command.toArray(String[]::new));
    }

    private static String startDetached(List<String> options, String image, String... args) throws Exception {
        String name = "grocker-ep-it-" + RUN + "-" + containers.size();
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host"));
        command.addAll(options);
        command.add(image);
        command.addAll(List.of(args));
        containers.add(name);
        Result r = docker(60, command.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
        return name;
    }

    private static String logs(String container) throws Exception {
        return docker(30, "logs", container).all();
    }

    private static int exitCode(String container) throws Exception {
        Result r = docker(30, "inspect", "-f", "{{.State.ExitCode}}", container);
        return Integer.parseInt(r.out().strip());
    }

    private static boolean running(String container) throws Exception {
        return docker(30, "inspect", "-f", "{{.State.Running}}", container).out().strip().equals("true");
    }

    private static void awaitExit(String container, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (running(container)) {
            if (System.nanoTime() > deadline) {
                fail(container + " still runs after " + seconds + " s:\n" + logs(container));
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Starts the www service on a free loopback port and waits until the application answers through nginx. */
    private static int startWww(List<String> env, String[] container) throws Exception {
        int port = freePort();
        List<String> options = new ArrayList<>(List.of("-e", "GROCKER_WWW_LISTEN=127.0.0.1:" + port));
        options.addAll(env);
        container[0] = startDetached(options, WWW);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (get(port, "/").statusCode() == 200) {
                    return port;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!running(container[0]) || System.nanoTime() > deadline) {
                fail("www did not answer on port " + port + ":\n" + logs(container[0]));
            }
            Thread.sleep(200);
        }
    }

    private static String exec(String container, String script) throws Exception {
        Result r = docker(30, "exec", container, "sh", "-c", script);
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out();
    }

    private static final List<String> DB_ENV = List.of("-e", "DB_HOST=db.internal", "-e", "DB_PASSWORD=" + PASSWORD);

    // --- a base without Python --------------------------------------------------------------------------------

    @Test
    @Order(1)
    void theBaseHasNoPythonAndItsDefaultServiceRuns() throws Exception {
        Result python = run(DB_ENV, BASE, "sh", "-c", "command -v python3 python || echo no python here");
        assertThat(python.exit()).as(python.all()).isZero();
        assertThat(python.out()).isEqualTo("no python here\n");

        Result server = run(DB_ENV, BASE);
        assertThat(server.exit()).as(server.all()).isZero();
        assertThat(server.out()).isEqualTo("server for db.internal:5432\n");
        assertThat(server.err()).isEqualTo("grocker-entrypoint: starting server (base 1)\n");
    }

    @Test
    @Order(2)
    void aMissingRequiredVariableExits78NamingItNeverItsValue() throws Exception {
        Result r = run(List.of("-e", "DB_PASSWORD=" + PASSWORD), BASE);
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.err()).isEqualTo("grocker-entrypoint: missing required environment variables: DB_HOST\n");
        assertThat(r.out()).isEmpty();
        assertThat(r.all()).doesNotContain(PASSWORD);
    }

    @Test
    @Order(3)
    void anyCommandPassesTheValidationFirstBecauseItIsTheEntrypoint() throws Exception {
        Result r = run(List.of(), BASE, "id");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.err()).isEqualTo("grocker-entrypoint: missing required environment variables: DB_HOST, DB_PASSWORD\n");

        Result ok = run(DB_ENV, BASE, "id", "-u");
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.out()).isEqualTo("1000\n");
    }

    @Test
    @Order(4)
    void templatesAreRenderedIntoConfigAndPrestartRunsFirst() throws Exception {
        List<String> env = new ArrayList<>(DB_ENV);
        env.addAll(List.of("-e", "DB_PORT=6543", "-e", "GROCKER_ENTRYPOINT_QUIET=1"));
        Result r = run(env, BASE, "sh", "-c", "cat /config/server.properties; stat -c %a /config/server.properties; cat /config/prestart.log");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("host=db.internal\nport=6543\npassword=" + PASSWORD + "\n600\nprestart ran as 1000\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    @Order(5)
    void pidOneIsTiniWhichReapsOrphans() throws Exception {
        // an orphan (a background sleep whose shell has gone) ends while the command, "sleep 30", never waits
        String orphan = "sh -c 'sleep 0.2 &'; exec sleep 30";
        String scan = "tr '\\0' ' ' < /proc/1/cmdline; echo; for s in /proc/[0-9]*/stat; do read -r l < $s 2>/dev/null"
                + " && case $l in *') Z '*) echo \"zombie: $l\";; esac; done";
        List<String> options = new ArrayList<>(DB_ENV);
        String c = startDetached(options, BASE, "sh", "-c", orphan);
        Thread.sleep(1500);
        assertThat(exec(c, scan)).isEqualTo("/usr/bin/tini -- /usr/local/lib/grocker/entrypoint/entrypoint sh -c " + orphan + " \n");

        // the control: without tini in front, the orphan stays a zombie
        options.addAll(List.of("-e", "GROCKER_NO_TINI=1", "--entrypoint", EntrypointConfig.INSTALL_DIR + "/entrypoint"));
        String bare = startDetached(options, BASE, "sh", "-c", orphan);
        Thread.sleep(1500);
        assertThat(exec(bare, scan)).startsWith("sleep 30 \nzombie: ");
    }

    @Test
    @Order(6)
    void aChildImageCombinesItsFragmentWithTheBases() throws Exception {
        Result missing = run(List.of(), CHILD);
        assertThat(missing.exit()).isEqualTo(78);
        assertThat(missing.err()).isEqualTo("grocker-entrypoint: missing required environment variables: DB_HOST, DB_PASSWORD, CHILD_TOKEN\n");

        List<String> env = new ArrayList<>(DB_ENV);
        env.addAll(List.of("-e", "CHILD_TOKEN=t"));
        Result child = run(env, CHILD);
        assertThat(child.exit()).as(child.all()).isZero();
        assertThat(child.out()).isEqualTo("child service\n[child]\ndb=db.internal\n");
        assertThat(child.err()).isEqualTo("grocker-entrypoint: starting child (child 2)\n");

        Result base = run(env, CHILD, "server");
        assertThat(base.out()).isEqualTo("server for db.internal:5432\n");
        Result both = run(env, CHILD, "sh", "-c", "ls /config");
        assertThat(both.out()).isEqualTo("child.ini\nprestart.log\nserver.properties\n");
    }

    // --- www --------------------------------------------------------------------------------------------------

    @Test
    @Order(10)
    void wwwServesStaticFilesMediaAndTheApplicationOnOnePortAndStopsCleanly() throws Exception {
        String[] c = new String[1];
        int port = startWww(List.of("-e", "GREETING=world"), c);

        HttpResponse<String> app = get(port, "/");
        assertThat(app.body()).isEqualTo("hello world from uwsgi");
        assertThat(app.headers().firstValue("server")).hasValue("nginx");
        HttpResponse<String> css = get(port, "/static/style.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).isEqualTo(CSS);
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css");
        HttpResponse<String> media = get(port, "/media/report");
        assertThat(media.statusCode()).isEqualTo(200);
        assertThat(media.body()).isEqualTo(MEDIA);
        assertThat(get(port, "/_media/report.txt").statusCode()).as("the media location is internal").isEqualTo(404);
        assertThat(get(port, "/whoami").body()).isEqualTo("uid=1000");
        assertThat(exec(c[0], "stat -c %u /proc/$(cat /tmp/grocker-www.*/nginx.pid)")).isEqualTo("1000\n");

        long start = System.nanoTime();
        Result stop = docker(30, "stop", "-t", "10", c[0]);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(stop.exit()).as(stop.all()).isZero();
        assertThat(seconds).as("stopped in %.1f s", seconds).isLessThan(8);
        assertThat(exitCode(c[0])).as(logs(c[0])).isZero();
        // nginx's access log on stdout; its errors, uwsgi's log and the entrypoint's lines on stderr
        Result logs = docker(30, "logs", c[0]);
        assertThat(logs.out()).contains("\"GET /static/style.css HTTP/1.1\" 200").contains("\"GET /media/report HTTP/1.1\" 200")
                .doesNotContain("grocker-entrypoint");
        assertThat(logs.err()).contains("GET /whoami => generated")
                .contains("grocker-entrypoint: www: TERM received; stopping nginx and uwsgi")
                .contains("grocker-entrypoint: www: stopped")
                .doesNotContain("GET /static/style.css");
    }

    @Test
    @Order(11)
    void theContainerExitsWhenTheApplicationServerOrNginxDies() throws Exception {
        String[] c = new String[1];
        startWww(List.of("-e", "GREETING=x"), c);
        docker(30, "exec", c[0], "sh", "-c", "kill -KILL $(cat /tmp/grocker-www.*/app.pid)");
        awaitExit(c[0], 20);
        assertThat(exitCode(c[0])).isEqualTo(137);
        assertThat(logs(c[0])).contains("grocker-entrypoint: www: uwsgi exited with status 137; stopping nginx");

        startWww(List.of("-e", "GREETING=x"), c);
        docker(30, "exec", c[0], "sh", "-c", "kill -KILL $(cat /tmp/grocker-www.*/nginx.pid)");
        awaitExit(c[0], 20);
        assertThat(exitCode(c[0])).isEqualTo(137);
        assertThat(logs(c[0])).contains("grocker-entrypoint: www: nginx exited with status 137; stopping uwsgi");
    }

    @Test
    @Order(12)
    void gunicornCanBeTheApplicationServer() throws Exception {
        String[] c = new String[1];
        int port = startWww(List.of("-e", "GREETING=gunicorn-world", "-e", "GROCKER_ENTRYPOINT_CONFIG=/etc/grocker/gunicorn.d"), c);
        assertThat(get(port, "/").body()).startsWith("hello gunicorn-world from gunicorn/");
        assertThat(get(port, "/media/report").body()).isEqualTo(MEDIA);
        assertThat(get(port, "/static/style.css").body()).isEqualTo(CSS);

        long start = System.nanoTime();
        docker(30, "stop", "-t", "10", c[0]);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(8);
        assertThat(exitCode(c[0])).as(logs(c[0])).isZero();
    }

    // --- cron and ops -----------------------------------------------------------------------------------------

    @Test
    @Order(20)
    void cronRunsTheJobsAsTheUserWithTheContainersEnvironment() throws Exception {
        String c = startDetached(List.of("-e", "GREETING=from-cron", "-e", "GROCKER_CRON_TICK=1"), WWW, "cron");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String out = "";
        while (out.lines().count() < 2) {
            if (!running(c) || System.nanoTime() > deadline) {
                fail("the job did not run twice:\n" + logs(c));
            }
            Thread.sleep(300);
            out = docker(30, "exec", c, "sh", "-c", "cat /media/cron.out 2>/dev/null || true").out();
        }
        assertThat(out.lines()).allMatch(l -> l.matches("[0-9]+ from-cron uid=1000")).noneMatch(l -> l.contains("never"));
        docker(30, "stop", "-t", "10", c);
        assertThat(exitCode(c)).isZero();
        assertThat(logs(c)).contains("cron job output\n").contains("grocker-entrypoint: cron: job 1 started")
                .contains("grocker-entrypoint: cron: TERM received; stopping");
    }

    @Test
    @Order(21)
    void opsRunsANamedScriptFromScripts() throws Exception {
        Result r = run(List.of("-e", "GREETING=x"), WWW, "ops", "hello", "a", "b c");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).isEqualTo("hello from ops: a b c as 1000\n");

        Result missing = run(List.of("-e", "GREETING=x"), WWW, "ops", "nope");
        assertThat(missing.exit()).isEqualTo(127);
        assertThat(missing.err()).contains("grocker-entrypoint: ops: no script nope in /scripts");

        Result list = run(List.of("-e", "GREETING=x"), WWW, "ops");
        assertThat(list.exit()).isEqualTo(64);
        assertThat(list.out()).isEqualTo("Usage: ops SCRIPT [ARGS...]\nScripts in /scripts:\n  hello\n");
    }

    @Test
    @Order(30)
    void cronRunsAJobAtTheStartOfTheNextMinute() throws Exception {
        long deadline = minuteCronStarted + TimeUnit.SECONDS.toNanos(75);
        String out = "";
        while (out.isEmpty()) {
            if (!running(minuteCron) || System.nanoTime() > deadline) {
                fail("no job ran within 75 s of the start:\n" + logs(minuteCron));
            }
            Thread.sleep(500);
            out = docker(30, "exec", minuteCron, "sh", "-c", "cat /media/cron.out 2>/dev/null || true").out();
        }
        String[] fields = out.lines().findFirst().orElseThrow().split(" ");
        assertThat(fields[1]).isEqualTo("minute");
        assertThat(Long.parseLong(fields[0]) % 60).as("ran at second %s of its minute", Long.parseLong(fields[0]) % 60).isLessThan(5);
        docker(30, "stop", "-t", "10", minuteCron);
        assertThat(exitCode(minuteCron)).isZero();
    }
}
