package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.LockFile;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.wheels.WheelCache;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One lock per cache key on this machine, {@code <cache>/locks/<key>.lock} ({@link LockFile}): a run holds the key's
 * lock from the moment it looks the key up again until the image is built and published, so two runs on one machine
 * (two Jenkins builds on one agent, threads of one run) never build the same key twice: the second waits, saying so
 * in the log, then finds what the first one made. Immutable; thread-safe.
 */
public final class KeyLocks {
    /** How often a wait that goes on is reported. */
    public static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final Path directory;

    /** Locks in {@code directory}, one file per key. */
    public KeyLocks(Path directory) {
        this.directory = directory;
    }

    /** The locks of this machine: {@code locks/} in {@link WheelCache#directory} (GROCKER_CACHE_DIR, XDG, ~/.cache). */
    public static KeyLocks fromEnvironment(Map<String, String> env) {
        return new KeyLocks(WheelCache.directory(env).resolve("locks"));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Takes the lock of {@code key}, for building {@code image} on {@code platform}; while another build holds it,
     * reports {@code waiting for another build of IMAGE PLATFORM (key K)} at once and every {@link #PROGRESS_EVERY}.
     */
    LockFile lock(CacheKey key, String image, Platform platform, BuildListener listener) throws EngineException {
        String what = "another build of " + image + " " + platform + " (key " + key.shortForm() + ")";
        try {
            return LockFile.acquire(directory.resolve(key.hex() + ".lock"), PROGRESS_EVERY, waited -> listener.on(new BuildEvent.Info(
                    waited.isZero() ? "waiting for " + what : "still waiting for " + what + " after " + format(waited))));
        } catch (IOException e) {
            throw new EngineException("cannot lock " + directory.resolve(key.hex() + ".lock") + " (set GROCKER_CACHE_DIR to "
                    + "a writable directory): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for " + what, e);
        }
    }

    /** {@code 45s}, {@code 2m05s}. */
    static String format(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + "s" : (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }
}
