package io.jenkins.plugins.grocker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one way work fans out in this project: tasks on a caller's pool, all awaited, and the first failure (in the
 * order the tasks were given) rethrown as it was thrown when it is a {@link GrockerException} or a runtime
 * exception; any other exception becomes an {@link EngineException} naming what was being done. Once a task
 * failed, tasks that have not started yet are not started. Stateless.
 */
public final class Parallel {
    private Parallel() {}

    /** A unit of work. */
    @FunctionalInterface
    public interface Task<T> {
        T call() throws Exception;
    }

    /** A unit of work that receives the result of the node it depends on (null for a root). */
    @FunctionalInterface
    public interface Step<V> {
        V call(V parent) throws Exception;
    }

    /** Marks work not started because another task failed first. */
    private static final class Skipped extends RuntimeException {
        Skipped() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs every task on {@code pool} and returns the results in the tasks' order.
     *
     * @param doing what the tasks do, for the message of an unexpected exception ({@code "compiling wheels"})
     */
    public static <T> List<T> all(ExecutorService pool, String doing, List<? extends Task<T>> tasks) throws GrockerException {
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<T>> futures = new ArrayList<>();
        for (Task<T> task : tasks) {
            futures.add(pool.submit(() -> guarded(failed, task)));
        }
        List<T> results = new ArrayList<>();
        GrockerException first = null;
        RuntimeException firstRuntime = null;
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                Throwable cause = e.getCause();
                if (cause instanceof Skipped) {
                    continue;
                }
                if (first == null && firstRuntime == null) {
                    if (cause instanceof RuntimeException r) {
                        firstRuntime = r;
                    } else {
                        first = wrap(cause, doing);
                    }
                }
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while " + doing, e);
            } catch (java.util.concurrent.CancellationException e) {
                // cancelled after another task failed: that failure is reported
            }
        }
        if (firstRuntime != null) {
            throw firstRuntime;
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    /**
     * Runs one step per node of a forest on {@code pool}: a node starts as soon as its parent's step is done (a root
     * at once), so independent nodes run at the same time. Returns every node's result, in the order of
     * {@code nodes}, which must list parents before children.
     *
     * @param parentOf a node's parent, or null for a root
     * @param doing what the steps do, for the message of an unexpected exception
     */
    public static <K, V> Map<K, V> forest(ExecutorService pool, String doing, List<K> nodes, Function<K, K> parentOf,
            Function<K, Step<V>> step) throws GrockerException {
        AtomicBoolean failed = new AtomicBoolean();
        Map<K, CompletableFuture<V>> futures = new LinkedHashMap<>();
        for (K node : nodes) {
            K parent = parentOf.apply(node);
            CompletableFuture<V> after;
            if (parent == null) {
                after = CompletableFuture.completedFuture(null);
            } else {
                after = futures.get(parent);
                if (after == null) {
                    throw new IllegalArgumentException("node " + node + " comes before its parent " + parent);
                }
            }
            Step<V> work = step.apply(node);
            futures.put(node, after.thenApplyAsync(parentResult -> {
                try {
                    return guarded(failed, () -> work.call(parentResult));
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, pool));
        }
        Map<K, V> results = new LinkedHashMap<>();
        GrockerException first = null;
        RuntimeException firstRuntime = null;
        for (Map.Entry<K, CompletableFuture<V>> e : futures.entrySet()) {
            try {
                results.put(e.getKey(), e.getValue().get());
            } catch (ExecutionException ex) {
                Throwable cause = unwrap(ex.getCause());
                if (cause instanceof Skipped || first != null || firstRuntime != null) {
                    continue;
                }
                if (cause instanceof RuntimeException r) {
                    firstRuntime = r;
                } else {
                    first = wrap(cause, doing + " " + e.getKey());
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while " + doing + " " + e.getKey(), ex);
            }
        }
        if (firstRuntime != null) {
            throw firstRuntime;
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    private static <T> T guarded(AtomicBoolean failed, Task<T> task) throws Exception {
        if (failed.get()) {
            throw new Skipped();
        }
        try {
            return task.call();
        } catch (Exception | Error e) {
            failed.set(true);
            throw e;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static GrockerException wrap(Throwable cause, String doing) {
        cause = unwrap(cause);
        if (cause instanceof GrockerException g) {
            return g;
        }
        return new EngineException(doing + " failed: " + cause, cause);
    }
}
