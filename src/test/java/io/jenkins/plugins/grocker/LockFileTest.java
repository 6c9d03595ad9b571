package io.jenkins.plugins.grocker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
    @TempDir
    Path dir;

    @Test
    void aSecondHolderInThisJvmWaitsAndHearsAboutItUntilTheFirstLetsGo() throws Exception {
        Path file = dir.resolve("locks/abc.lock");
        List<Duration> waits = new CopyOnWriteArrayList<>();
        CountDownLatch waitedTwice = new CountDownLatch(2);
        CompletableFuture<LockFile> second;
        try (LockFile first = LockFile.acquire(file, Duration.ofMillis(200), d -> { })) {
            second = CompletableFuture.supplyAsync(() -> {
                try {
                    return LockFile.acquire(file, Duration.ofMillis(200), d -> {
                        waits.add(d);
                        waitedTwice.countDown();
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(waitedTwice.await(20, TimeUnit.SECONDS)).as("the second holder reports that it waits").isTrue();
            assertThat(second).isNotDone();
        }
        second.get(20, TimeUnit.SECONDS).close();
        assertThat(waits.get(0)).isEqualTo(Duration.ZERO);
        assertThat(waits.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(file).exists();
    }

    @Test
    void aKilledProcessLeavesNoLockBehind() throws Exception {
        Path file = dir.resolve("held-by-another-process.lock");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                file.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<LockFile> ours = CompletableFuture.supplyAsync(() -> {
                try {
                    return LockFile.acquire(file, Duration.ofSeconds(30), d -> waiting.countDown());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(waiting.await(20, TimeUnit.SECONDS)).as("the other process holds the lock").isTrue();
            assertThat(ours).isNotDone();

            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the holder
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
            ours.get(20, TimeUnit.SECONDS).close();
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void anInterruptedWaitHoldsNothing() throws Exception {
        Path file = dir.resolve("interrupted.lock");
        try (LockFile first = LockFile.acquire(file, Duration.ofSeconds(30), d -> { })) {
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    LockFile.acquire(file, Duration.ofSeconds(30), d -> waiting.countDown()).close();
                    interrupted.complete(null);
                } catch (Throwable e) {
                    interrupted.complete(e);
                }
            });
            waiter.start();
            assertThat(waiting.await(20, TimeUnit.SECONDS)).isTrue();
            waiter.interrupt();
            assertThat(interrupted.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        }
        // the interrupted waiter took nothing with it: the lock is free
        LockFile.acquire(file, Duration.ofSeconds(30), d -> {
            throw new AssertionError("nobody holds the lock");
        }).close();
    }

    /** Holds a lock in another process until it is killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            LockFile.acquire(Path.of(args[0]), Duration.ofSeconds(30), d -> { });
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
