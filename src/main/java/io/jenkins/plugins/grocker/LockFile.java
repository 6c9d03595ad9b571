package io.jenkins.plugins.grocker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The one way this project makes work on one machine wait for other work: an exclusive lock held through a file.
 * Between processes it is the operating system's file lock ({@link FileChannel#tryLock()}), which the system drops
 * when the process ends, however it ends (a killed build leaves no lock behind); between threads of this JVM, which
 * the operating system does not tell apart, one semaphore per file comes first. The file itself stays (an empty file;
 * deleting it while nothing runs is harmless). Thread-safe.
 *
 * <pre>{@code
 * try (LockFile lock = LockFile.acquire(dir.resolve("abc.lock"), Duration.ofSeconds(30),
 *         waited -> log("waiting for another build ... " + waited))) {
 *     // work no other holder of abc.lock does at the same time
 * }
 * }</pre>
 */
public final class LockFile implements AutoCloseable {
    /** How often a blocked caller tries again. */
    private static final long POLL_MILLIS = 100;
    private static final ConcurrentMap<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    /** Told that the caller waits: once when it starts waiting ({@link Duration#ZERO}), then every {@code every}. */
    @FunctionalInterface
    public interface Waiting {
        void waited(Duration sofar);
    }

    private final Path file;
    private final Semaphore local;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Path file, Semaphore local, FileChannel channel, FileLock lock) {
        this.file = file;
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code file} (created with its directory when missing), waiting as long as another thread or
     * process holds it.
     *
     * @param every how often {@code waiting} hears about a wait that goes on
     * @throws InterruptedException when the thread is interrupted while it waits; it then holds nothing
     */
    public static LockFile acquire(Path file, Duration every, Waiting waiting) throws IOException, InterruptedException {
        Path path = file.toAbsolutePath().normalize();
        Semaphore local = IN_THIS_JVM.computeIfAbsent(path, p -> new Semaphore(1));
        Wait wait = new Wait(every, waiting);
        while (!local.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            wait.tick();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                wait.tick();
                Thread.sleep(POLL_MILLIS);
            }
            return new LockFile(path, local, channel, lock);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.release();
            throw e;
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                local.release();
            }
        }
    }

    /** Tells the caller, at the start of a wait and then at most every {@code every}. */
    private static final class Wait {
        private final long start = System.nanoTime();
        private final Duration every;
        private final Waiting waiting;
        private Duration next;

        Wait(Duration every, Waiting waiting) {
            this.every = every;
            this.waiting = waiting;
        }

        void tick() {
            Duration sofar = Duration.ofNanos(System.nanoTime() - start);
            if (next == null) {
                waiting.waited(Duration.ZERO);
                next = every;
            } else if (sofar.compareTo(next) >= 0) {
                waiting.waited(sofar);
                next = sofar.plus(every);
            }
        }
    }
}
