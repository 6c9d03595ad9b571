package io.jenkins.plugins.grocker.wheels;

import io.jenkins.plugins.grocker.AtomicFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Dependency wheels kept between compilations, one pool per compiler key (a wheel built in one compiler
 * image fits any compilation in that image): {@code <root>/wheels/<compiler key>/*.whl}. A wheel file name
 * names one project version and platform, so files are only ever added, through a temporary file and an
 * atomic rename; concurrent writers of the same file write the same bytes. A damaged pool can be deleted
 * at any time ({@code rm -r <root>/wheels}). Thread-safe.
 */
public final class WheelCache {
    private final Path root;

    public WheelCache(Path root) {
        this.root = root;
    }

    /** {@code GROCKER_CACHE_DIR}, else {@code $XDG_CACHE_HOME/grocker}, else {@code ~/.cache/grocker}. */
    public static WheelCache fromEnvironment(java.util.Map<String, String> env) {
        String dir = env.get("GROCKER_CACHE_DIR");
        if (dir == null || dir.isBlank()) {
            String xdg = env.get("XDG_CACHE_HOME");
            dir = (xdg == null || xdg.isBlank() ? System.getProperty("user.home") + "/.cache" : xdg) + "/grocker";
        }
        return new WheelCache(Path.of(dir));
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
