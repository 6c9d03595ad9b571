package io.jenkins.plugins.grocker.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Containers driven with the docker command line, as a user would: detached services, logs, stop, exec, named
 * volumes, and HTTP on loopback. Containers run on the host network (the engine runs with --bridge=none). Everything
 * it starts (containers, volumes) is removed by {@link #close()}. Not thread-safe.
 */
public final class ContainerCli implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** How a docker command ended. */
    public record Result(int exit, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    private final String prefix;
    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();

    /** @param prefix names the containers and volumes this instance creates */
    public ContainerCli(String prefix) {
        this.prefix = prefix + "-" + Long.toHexString(System.nanoTime());
    }

    /** Runs {@code docker ARGS} and returns how it ended; fails the test when it takes longer than the timeout. */
    public static Result docker(int timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("grocker-docker-", ".out");
        Path err = Files.createTempFile("grocker-docker-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
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

    /** {@code docker run --rm --network host OPTIONS IMAGE ARGS}. */
    public Result run(List<String> options, String image, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
        command.addAll(options);
        command.add(image);
        command.addAll(List.of(args));
        return docker(300, command.toArray(String[]::new));
    }

    /** A new named volume, removed at the end. */
    public String volume() throws Exception {
        String name = prefix + "-v" + volumes.size();
        Result r = docker(60, "volume", "create", name);
        assertThat(r.exit()).as(r.all()).isZero();
        volumes.add(name);
        return name;
    }

    /** {@code docker run -d} on the host network; returns the container's name. */
    public String start(List<String> options, String image, String... args) throws Exception {
        String name = prefix + "-" + containers.size();
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host"));
        command.addAll(options);
        command.add(image);
        command.addAll(List.of(args));
        containers.add(name);
        Result r = docker(300, command.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
        return name;
    }

    public Result logs(String container) throws Exception {
        return docker(60, "logs", container);
    }

    public int exitCode(String container) throws Exception {
        return Integer.parseInt(docker(60, "inspect", "-f", "{{.State.ExitCode}}", container).out().strip());
    }

    public boolean running(String container) throws Exception {
        return docker(60, "inspect", "-f", "{{.State.Running}}", container).out().strip().equals("true");
    }

    /** {@code docker exec CONTAINER sh -c SCRIPT}, which must succeed; its standard output. */
    public String exec(String container, String script) throws Exception {
        Result r = docker(60, "exec", container, "sh", "-c", script);
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out();
    }

    /** Stops the container with {@code docker stop -t 10}; returns the seconds it took. */
    public double stop(String container) throws Exception {
        long start = System.nanoTime();
        Result r = docker(60, "stop", "-t", "10", container);
        assertThat(r.exit()).as(r.all()).isZero();
        return (System.nanoTime() - start) / 1e9;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    public static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until GET {@code path} answers 200 on the port, while the container runs (at most {@code seconds}). */
    public void awaitHttp(String container, int port, String path, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (get(port, path).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!running(container) || System.nanoTime() > deadline) {
                fail(container + " did not answer on port " + port + ":\n" + logs(container).all());
            }
            Thread.sleep(300);
        }
    }

    /** Waits until the container's logs contain {@code text} {@code times} times (at most {@code seconds}); the logs. */
    public String awaitLogs(String container, String text, int times, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String logs = logs(container).all();
            if (logs.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) {
                return logs;
            }
            if (!running(container) || System.nanoTime() > deadline) {
                fail(container + ": '" + text + "' not " + times + " times in its logs:\n" + logs);
            }
            Thread.sleep(500);
        }
    }

    @Override
    public void close() throws Exception {
        for (String c : containers) {
            docker(60, "rm", "-f", "-v", c);
        }
        for (String v : volumes) {
            docker(60, "volume", "rm", "-f", v);
        }
    }
}
