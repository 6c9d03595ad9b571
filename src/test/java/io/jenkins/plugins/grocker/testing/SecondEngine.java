package io.jenkins.plugins.grocker.testing;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A second Docker engine on its own unix socket, data root and exec root, started from the machine's
 * {@code dockerd} for the test and stopped after: stands for a native builder of one platform. Missing
 * {@code dockerd} or an engine that does not answer within 60 s fails the test.
 */
public final class SecondEngine implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final DockerEngine engine;

    private SecondEngine(Path dir, Process process, DockerEngine engine) {
        this.dir = dir;
        this.process = process;
        this.engine = engine;
    }

    public static SecondEngine start() throws IOException, InterruptedException {
        Path dockerd = Path.of("/usr/sbin/dockerd");
        if (!Files.isExecutable(dockerd)) {
            throw new IllegalStateException(dockerd + " is missing: install docker.io (scripts/test does)");
        }
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "grocker-engine2-");
        String socket = "unix://" + dir.resolve("docker.sock");
        Process process = new ProcessBuilder(dockerd.toString(), "--host", socket, "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                "--iptables=false", "--bridge=none", "--ip-masq=false")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                return new SecondEngine(dir, process, DockerEngine.connect(socket));
            } catch (EngineException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the second Docker engine did not start: " + e.getMessage() + "\n"
                            + Files.readString(dir.resolve("dockerd.log")));
                }
                Thread.sleep(500);
            }
        }
    }

    public DockerEngine engine() {
        return engine;
    }

    public String endpoint() {
        return engine.endpoint();
    }

    /** {@code docker events} of this engine between two Unix times, one line per event. */
    public List<String> events(long since, long until) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("docker", "-H", endpoint(), "events", "--since", Long.toString(since), "--until",
                Long.toString(until), "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes \"name\"}}")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.lines().toList();
    }

    @Override
    public void close() {
        engine.close();
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            new ProcessBuilder("umount", "-R", dir.resolve("data").toString()).start().waitFor();
        } catch (InterruptedException | IOException e) {
            process.destroyForcibly();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers in /var/tmp are not worth failing a test for
        }
    }
}
