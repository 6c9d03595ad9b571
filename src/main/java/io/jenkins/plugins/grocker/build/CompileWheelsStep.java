package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.LockFile;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.wheels.WheelCache;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Compiles the wheels of one platform in a container of the compiler image. Sources, constraints, cached
 * wheels and (when the index needs them) a netrc file go in through the archive API before the container
 * starts; the wheels come out the same way. The container, and with it the netrc file, is removed after.
 * The compilation holds the lock of the compiler's dependency wheel pool ({@link WheelCache#lock}) from reading the
 * pool to adding what it built, so two compilations in one compiler on one machine take turns and the second one
 * builds no dependency the first one built.
 */
final class CompileWheelsStep {
    static final String SCRIPT = "/tmp/grocker/compile-wheels";
    private static final byte[] SCRIPT_BYTES = resource("runner/compile-wheels");
    private static final Pattern FAILED_REQUIREMENT = Pattern.compile(
            "(?:satisfies the requirement|No matching distribution found for|Failed building wheel for|Failed to build)\\s+(\\S+)");

    record Outcome(String name, String version, String requirement, Status status, Wheelhouse.PlatformWheels wheels) {}

    private final AppSpec app;
    private final Platform platform;
    private final BuildResult.PlatformResult compiler;
    private final IndexAccess index;
    private final Path output;
    private final Wheelhouse previous;
    private final ContainerEngine engine;
    private final WheelCache cache;
    private final String networkMode;
    private final BuildListener listener;

    CompileWheelsStep(AppSpec app, Platform platform, BuildResult.PlatformResult compiler, IndexAccess index, Path output,
            Wheelhouse previous, ContainerEngine engine, WheelCache cache, String networkMode, BuildListener listener) {
        this.app = app;
        this.platform = platform;
        this.compiler = compiler;
        this.index = index;
        this.output = output;
        this.previous = previous;
        this.engine = engine;
        this.cache = cache;
        this.networkMode = networkMode;
        this.listener = listener;
    }

    Outcome call() throws GrockerException, IOException {
        long start = System.nanoTime();
        String image = "compile " + app.image().repository().substring(app.image().repository().lastIndexOf('/') + 1);
        CacheKey key = key();
        Wheelhouse.PlatformWheels old = previous == null ? null : previous.platforms().get(platform.toString());
        if (old != null && old.key().equals(key.hex()) && intact()) {
            listener.on(new BuildEvent.Started(image, platform, Status.REUSE, "wheelhouse key " + key.shortForm() + " unchanged"));
            listener.on(new BuildEvent.Finished(image, platform, Status.REUSED, null, seconds(start)));
            return new Outcome(previous.app(), previous.version(), previous.requirement(), Status.REUSED, old);
        }
        try (LockFile pool = lockPool(image)) {
            return compile(image, key, start);
        }
    }

    /**
     * Takes the lock of the compiler's dependency wheel pool: a second compilation in the same compiler on this machine
     * waits, saying so, and then compiles with the wheels the first one added.
     */
    private LockFile lockPool(String image) throws EngineException {
        String what = "another compilation on this machine that uses wheel pool " + compiler.key().substring(0, 12) + " ("
                + image + " " + platform + ")";
        try {
            return cache.lock(compiler.key(), KeyLocks.PROGRESS_EVERY, waited -> listener.on(new BuildEvent.Info(
                    waited.isZero() ? "waiting for " + what : "still waiting for " + what + " after " + KeyLocks.format(waited))));
        } catch (IOException e) {
            throw new EngineException("cannot lock the wheel pool " + cache.pool(compiler.key()) + " (set GROCKER_CACHE_DIR to a "
                    + "writable directory): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for " + what, e);
        }
    }

    private Outcome compile(String image, CacheKey key, long start) throws GrockerException, IOException {
        listener.on(new BuildEvent.Started(image, platform, Status.BUILD, "pip wheel " + app.appText() + " with " + index.description()));
        Path work = Files.createTempDirectory("grocker-compile-");
        try {
            Path in = work.resolve("in.tar");
            Path out = work.resolve("out.tar");
            Map<String, String> poolDigests = writeInput(in);
            List<String> command = new ArrayList<>(List.of(SCRIPT, appArgument(), app.extras().isEmpty() ? "-" : String.join(",", app.extras())));
            command.addAll(index.pipArguments());
            RunRequest.Builder request = RunRequest.builder(compiler.imageId()).command(command).user("0").platform(platform)
                    .networkMode(networkMode).timeout(Duration.ofHours(2));
            if (index.netrc() != null) {
                request.env("NETRC", "/tmp/grocker/netrc");
            }
            ContainerResult result = engine.run(request.build(), in, "/tmp/grocker/out", out,
                    line -> listener.on(new BuildEvent.Output(image, platform, index.redact(line))));
            if (result.exitCode() != 0) {
                List<String> lines = new ArrayList<>();
                index.redact(result.output()).lines().forEach(lines::add);
                throw failure(lines);
            }
            Outcome outcome = collect(out, key, poolDigests);
            listener.on(new BuildEvent.Finished(image, platform, Status.BUILT, null, seconds(start)));
            return outcome;
        } finally {
            deleteTree(work);
        }
    }

    /** Everything that decides the wheels: compiler, what is asked, constraints, where pip looks, the script. */
    private CacheKey key() throws IOException {
        CacheKey.Builder key = CacheKey.builder()
                .put("compiler", compiler.key())
                .put("platform", platform.toString())
                .put("app", app.appText())
                .put("extras", String.join(",", app.extras()))
                .put("index", String.join(" ", index.pipArguments()))
                .put("script", SCRIPT_BYTES)
                .put("constraints", app.constraints() == null ? new byte[0] : Files.readAllBytes(app.constraints()));
        if (app.source() != null) {
            key.put("source", treeDigest(app.source()));
        }
        return key.build();
    }

    private boolean intact() {
        try {
            WheelhouseStore.verify(output, previous, platform.toString());
            return true;
        } catch (InputException e) {
            listener.on(new BuildEvent.Info("recompiling " + platform + ": " + e.getMessage()));
            return false;
        }
    }

    private String appArgument() {
        return app.source() == null ? app.requirement().name() + "==" + app.requirement().version()
                : "/tmp/grocker/src/" + app.source().getFileName();
    }

    /** Writes the input tar; returns the sha256 of every cached wheel put in, by file name. */
    private Map<String, String> writeInput(Path tar) throws IOException {
        Map<String, String> pool = new HashMap<>();
        try (OutputStream os = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            directory(t, "tmp/grocker/");
            directory(t, "tmp/grocker/cache/");
            file(t, "tmp/grocker/compile-wheels", SCRIPT_BYTES, 0755);
            if (index.netrc() != null) {
                file(t, "tmp/grocker/netrc", index.netrc().getBytes(StandardCharsets.UTF_8), 0600);
            }
            if (app.constraints() != null) {
                file(t, "tmp/grocker/constraints.txt", Files.readAllBytes(app.constraints()), 0644);
            }
            for (Path wheel : cache.wheels(compiler.key())) {
                pool.put(wheel.getFileName().toString(), WheelhouseStore.sha256(wheel));
                file(t, "tmp/grocker/cache/" + wheel.getFileName(), Files.readAllBytes(wheel), 0644);
            }
            if (app.source() != null) {
                directory(t, "tmp/grocker/src/");
                Path base = app.source().getParent();
                try (Stream<Path> all = Files.walk(app.source())) {
                    for (Path p : (Iterable<Path>) all.sorted()::iterator) {
                        String name = "tmp/grocker/src/" + base.relativize(p).toString().replace('\\', '/');
                        if (Files.isDirectory(p)) {
                            directory(t, name + "/");
                        } else if (Files.isRegularFile(p)) {
                            file(t, name, Files.readAllBytes(p), Files.isExecutable(p) ? 0755 : 0644);
                        }
                    }
                }
            }
            t.finish();
        }
        return pool;
    }

    private static void directory(TarArchiveOutputStream t, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        e.setModTime(0);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream t, String name, byte[] bytes, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000 | mode);
        e.setSize(bytes.length);
        e.setModTime(0);
        t.putArchiveEntry(e);
        t.write(bytes);
        t.closeArchiveEntry();
    }

    private Outcome collect(Path outTar, CacheKey key, Map<String, String> poolDigests) throws IOException, GrockerException {
        Path dir = output.resolve(platform.slug());
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.whl")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        String appWheel = null;
        String pythonTag = null;
        try (InputStream is = Files.newInputStream(outTar); TarArchiveInputStream t = new TarArchiveInputStream(is)) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if (name.equals("out/app-wheel")) {
                    appWheel = new String(t.readAllBytes(), StandardCharsets.UTF_8).strip();
                } else if (name.equals("out/python-tag")) {
                    pythonTag = new String(t.readAllBytes(), StandardCharsets.UTF_8).strip();
                } else if (name.startsWith("out/wheels/") && name.endsWith(".whl") && name.indexOf('/', 11) < 0) {
                    Files.copy(t, dir.resolve(name.substring(11)), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (appWheel == null || !Files.isRegularFile(dir.resolve(appWheel))) {
            throw new EngineException("compiling " + app.appText() + " for " + platform + " produced no application wheel");
        }
        String[] parts = appWheel.split("-");
        String name = parts[0].replace('_', '-');
        String version = parts[1];
        String requirement = name + (app.extras().isEmpty() ? "" : "[" + String.join(",", app.extras()) + "]") + "==" + version;
        List<Wheelhouse.WheelFile> files = new ArrayList<>();
        try (Stream<Path> wheels = Files.list(dir)) {
            for (Path w : (Iterable<Path>) wheels.filter(p -> p.toString().endsWith(".whl")).sorted()::iterator) {
                String file = w.getFileName().toString();
                String sha = WheelhouseStore.sha256(w);
                boolean fromCache = sha.equals(poolDigests.get(file));
                files.add(new Wheelhouse.WheelFile(file, sha, Files.size(w), fromCache ? Wheelhouse.Source.CACHE : Wheelhouse.Source.BUILT));
                if (!file.equals(appWheel) && !fromCache) {
                    cache.add(compiler.key(), w);
                }
            }
        }
        return new Outcome(name, version, requirement, Status.BUILT, new Wheelhouse.PlatformWheels(platform.slug(), pythonTag,
                compiler.imageId(), compiler.key(), key.hex(), appWheel, files));
    }

    /** One line: 401 from the index is bad input (exit 2); anything else pip failed on is a build failure. */
    private GrockerException failure(List<String> lines) {
        String text = String.join("\n", lines);
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size())).strip();
        if (text.contains("401 Client Error") || text.contains("401 Unauthorized") || text.contains("401 Error")
                || text.contains("Credentials not correct") || text.contains("status code 401")) {
            return new InputException("index " + index.description() + " answered 401 Unauthorized for " + app.appText()
                    + " on " + platform + ": check the index credentials (" + app.index().usernameEnv() + "/"
                    + app.index().passwordEnv() + " or index.credentials.file)");
        }
        String failed = null;
        for (String line : lines) {
            Matcher m = FAILED_REQUIREMENT.matcher(line);
            if (m.find()) {
                failed = m.group(1);
            }
        }
        return new EngineException("pip failed on " + (failed != null ? failed : app.appText()) + " for " + platform
                + ": " + tail);
    }

    private static byte[] treeDigest(Path source) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (Files.isRegularFile(source)) {
            return (source.getFileName() + " " + WheelhouseStore.sha256(source)).getBytes(StandardCharsets.UTF_8);
        }
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile).sorted()::iterator) {
                sb.append(source.relativize(p)).append(' ').append(WheelhouseStore.sha256(p)).append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String path) {
        try (InputStream in = CompileWheelsStep.class.getResourceAsStream("/io/jenkins/plugins/grocker/" + path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the grocker jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing for
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
