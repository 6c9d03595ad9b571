package io.jenkins.plugins.grocker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code docker} command line, for what a user does with a built image and the engine API of the builds does
 * not need: containers left running in the background, their health status, their logs. Every container it starts
 * is removed by {@link #close()}.
 */
public final class DockerCli implements AutoCloseable {
    private final List<String> started = new ArrayList<>();

    /** What a {@code docker} command printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String output) {}

    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_BUILDKIT", "0");
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("docker " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** {@code docker run -d --network host ARGS...}: the container id; removed on close. */
    public String start(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("run", "-d", "--network", "host"));
        command.addAll(List.of(args));
        Result r = run(command.toArray(String[]::new));
        if (r.code() != 0) {
            throw new IOException("docker run failed: " + r.output());
        }
        String id = r.output().strip();
        id = id.substring(id.lastIndexOf('\n') + 1);
        started.add(id);
        return id;
    }

    /** {@code docker inspect -f FORMAT ID}, stripped. */
    public String inspect(String id, String format) throws IOException, InterruptedException {
        return run("inspect", "-f", format, id).output().strip();
    }

    /** Waits until {@code check} accepts {@code docker inspect -f FORMAT ID}; returns the last value seen. */
    public String await(String id, String format, Predicate<String> check, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        String value = inspect(id, format);
        while (!check.test(value) && System.nanoTime() < end) {
            Thread.sleep(500);
            value = inspect(id, format);
        }
        return value;
    }

    public String logs(String id) throws IOException, InterruptedException {
        return run("logs", id).output();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String id : started) {
            run("rm", "-f", "-v", id);
        }
        started.clear();
    }
}
