package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs registry calls on a pool and waits for all; the first failure is rethrown, the rest cancelled. */
final class Parallel {
    private Parallel() {}

    interface Task<T> {
        T call() throws GrockerException;
    }

    static <T> List<T> all(ExecutorService pool, List<Task<T>> tasks) throws GrockerException {
        List<Future<T>> futures = new ArrayList<>();
        for (Task<T> task : tasks) {
            futures.add(pool.submit(() -> task.call()));
        }
        List<T> results = new ArrayList<>();
        try {
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof GrockerException g) {
                throw g;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted", e);
        }
    }
}
