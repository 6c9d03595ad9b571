package io.jenkins.plugins.grocker.testing;

import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.build.BaseBuild;
import io.jenkins.plugins.grocker.build.ImageBuild;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.build.BuildOptions;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.BuildServices;
import io.jenkins.plugins.grocker.cli.GrockerCommand;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the integration tests share in one JVM: the real Docker engine, one registry started from
 * {@code /usr/bin/docker-registry} on a free loopback port, and the Debian base image built into it from the
 * cached root filesystems ({@code GROCKER_ROOTFS_DIR}). Anything missing makes the tests fail, never skip.
 */
public final class TestEnvironment {
    private static TestEnvironment instance;

    public final DockerEngine engine;
    public final LocalRegistry registry;
    public final RegistryClient registryClient;
    public final Path root = Path.of("").toAbsolutePath();
    public final Path rootfsDir;

    private TestEnvironment() throws Exception {
        rootfsDir = Path.of(System.getenv().getOrDefault("GROCKER_ROOTFS_DIR", "/var/cache/grocker/rootfs"));
        for (String arch : List.of("amd64", "arm64")) {
            Path tar = rootfsDir.resolve("bookworm-" + arch + ".tar");
            if (!Files.isRegularFile(tar)) {
                throw new IllegalStateException(tar + " is missing: run the tests through scripts/test, which makes it");
            }
        }
        engine = DockerEngine.connect(System.getenv("DOCKER_HOST"));
        registry = LocalRegistry.start();
        registryClient = RegistryClient.create(Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            engine.close();
        }));
        // Built from a copy outside the git checkout, so the image carries no org.opencontainers.image.revision label:
        // the same root filesystems then give the same image on every commit, and the engine's layer cache serves the
        // steps of images built on it whose inputs did not change (with the label, every commit made every image's
        // every step run again). What grocker builds and pushes, and its keys, are the same either way.
        Path debianDir = Files.createTempDirectory("grocker-debian-");
        Path debianSpec = debianDir.resolve("debian.yaml");
        Files.copy(root.resolve("examples/debian/debian.yaml"), debianSpec);
        debianDir.toFile().deleteOnExit();
        debianSpec.toFile().deleteOnExit();
        Cli debian = cli(Map.of(), "base", "--spec", debianSpec.toString());
        if (debian.code() != 0) {
            throw new IllegalStateException("building the Debian base failed: " + debian.err() + debian.out());
        }
    }

    public static synchronized TestEnvironment get() throws Exception {
        if (instance == null) {
            instance = new TestEnvironment();
        }
        return instance;
    }

    /** The environment a spec sees: the test registry and root filesystems, plus {@code extra}. */
    public Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("GROCKER_REGISTRY", registry.host());
        env.put("GROCKER_ROOTFS_DIR", rootfsDir.toString());
        env.put("GROCKER_ALLOWED_PATHS", rootfsDir.toString());
        env.putAll(extra);
        return env;
    }

    /** The Debian base the examples start from. */
    public String debian() {
        return registry.host() + "/debian:bookworm";
    }

    public record Cli(int code, String out, String err) {}

    /**
     * Runs the command line in this JVM with the test environment. Its standard output is also echoed to the test
     * log line by line, each line prefixed with the seconds since the command started, so that a slow IT shows
     * which image and which build step took the time.
     */
    public Cli cli(Map<String, String> extraEnv, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        String name = "grocker " + (args.length > 0 ? args[0] : "");
        Writer echo = new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(char[] buf, int off, int len) {
                out.write(buf, off, len);
                for (int i = off; i < off + len; i++) {
                    if (buf[i] == '\n') {
                        System.out.printf(Locale.ROOT, "[%s +%.0fs] %s%n", name, (System.nanoTime() - start) / 1e9, line);
                        line.setLength(0);
                    } else {
                        line.append(buf[i]);
                    }
                }
            }

            @Override
            public void flush() {
                System.out.flush();
            }

            @Override
            public void close() {}
        };
        int code = GrockerCommand.run(new PrintWriter(echo, true), new PrintWriter(err, true), env(extraEnv), args);
        System.out.printf(Locale.ROOT, "[%s +%.0fs] exit %d%n", name, (System.nanoTime() - start) / 1e9, code);
        return new Cli(code, out.toString(), err.toString());
    }

    /** A build run through the engine API, with every event it emitted. */
    public record Run(BuildResult result, List<BuildEvent> events) {
        public long builds() {
            return events.stream().filter(e -> e instanceof BuildEvent.Started s && s.action() == Status.BUILD).count();
        }

        public BuildResult.ImageResult image(String name) {
            return result.images().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
        }

        /** Position of the first event matching, for ordering assertions. */
        public int indexOf(Class<? extends BuildEvent> type, String image) {
            for (int i = 0; i < events.size(); i++) {
                BuildEvent e = events.get(i);
                if (type.isInstance(e) && image.equals(imageOf(e))) {
                    return i;
                }
            }
            return -1;
        }

        private static String imageOf(BuildEvent e) {
            if (e instanceof BuildEvent.Started s) {
                return s.image();
            }
            if (e instanceof BuildEvent.Finished f) {
                return f.image();
            }
            return null;
        }
    }

    public Run build(Path spec, List<Platform> platforms, boolean push) throws Exception {
        return walk(spec, platforms, push, false, Map.of());
    }

    /** A build whose spec sees {@code extraEnv} too. */
    public Run build(Path spec, List<Platform> platforms, boolean push, Map<String, String> extraEnv) throws Exception {
        return walk(spec, platforms, push, false, extraEnv);
    }

    public Run plan(Path spec, List<Platform> platforms) throws Exception {
        return walk(spec, platforms, true, true, Map.of());
    }

    public Run plan(Path spec, List<Platform> platforms, Map<String, String> extraEnv) throws Exception {
        return walk(spec, platforms, true, true, extraEnv);
    }

    private Run walk(Path spec, List<Platform> platforms, boolean push, boolean plan, Map<String, String> extraEnv) throws Exception {
        List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());
        ImageBuild build = BaseBuild.of(new SpecLoader(env(extraEnv)).load(spec),
                new BuildOptions(platforms, push, "host", 2, Map.of()),
                BuildServices.of(engine, registryClient, Credentials.none(), events::add));
        BuildResult result = plan ? build.plan().toResult() : build.run();
        return new Run(result, List.copyOf(events));
    }
}
