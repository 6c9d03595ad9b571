package io.jenkins.plugins.grocker.wheels;

import io.jenkins.plugins.grocker.AtomicFile;
import io.jenkins.plugins.grocker.LockFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dependency wheels kept between compilations, one pool per compiler key (a wheel built in one compiler
 * image fits any compilation in that image): {@code <root>/wheels/<compiler key>/*.whl}. A wheel file name
 * names one project version and platform, so files are only ever added, through a temporary file and an
 * atomic rename; concurrent writers of the same file write the same bytes. A compilation holds the pool's lock
 * ({@code <root>/wheels/<compiler key>.lock}, {@link #lock}) while it reads and fills the pool, so a second
 * compilation in the same compiler on this machine waits and then finds the wheels the first one built, instead of
 * building them again. A damaged pool can be deleted at any time no compilation runs ({@code rm -r <root>/wheels}).
 * Thread-safe.
 */
public final class WheelCache {
    private final Path root;

    public WheelCache(Path root) {
        this.root = root;
    }

    /** The wheel cache in {@link #directory}. */
    public static WheelCache fromEnvironment(Map<String, String> env) {
        return new WheelCache(directory(env));
    }

    /**
     * This machine's grocker cache (the wheel pools and the build locks): {@code GROCKER_CACHE_DIR}, else
     * {@code $XDG_CACHE_HOME/grocker}, else {@code ~/.cache/grocker}.
     */
    public static Path directory(Map<String, String> env) {
        String dir = env.get("GROCKER_CACHE_DIR");
        if (dir == null || dir.isBlank()) {
            String xdg = env.get("XDG_CACHE_HOME");
            dir = (xdg == null || xdg.isBlank() ? System.getProperty("user.home") + "/.cache" : xdg) + "/grocker";
        }
        return Path.of(dir);
    }

    /**
     * Takes the lock of one pool, waiting while another compilation on this machine (another thread or process)
     * holds it; the operating system releases it if the holder dies.
     *
     * @param waiting told when the wait starts ({@link Duration#ZERO}) and every {@code every} after
     */
    public LockFile lock(String compilerKey, Duration every, LockFile.Waiting waiting) throws IOException, InterruptedException {
        return LockFile.acquire(root.resolve("wheels").resolve(compilerKey + ".lock"), every, waiting);
    }

    public Path pool(String compilerKey) {
        return root.resolve("wheels").resolve(compilerKey);
    }

    public List<Path> wheels(String compilerKey) throws IOException {
        Path pool = pool(compilerKey);
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(pool)) {
            return out;
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(pool, "*.whl")) {
            all.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    public void add(String compilerKey, Path wheel) throws IOException {
        Path pool = pool(compilerKey);
        Files.createDirectories(pool);
        Path target = pool.resolve(wheel.getFileName().toString());
        if (Files.exists(target)) {
            return;
        }
        AtomicFile.copy(wheel, target);
    }
}
