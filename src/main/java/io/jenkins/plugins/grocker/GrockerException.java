package io.jenkins.plugins.grocker;

/**
 * The checked exceptions of the engine, all in this file's package. Each carries a one-line message a
 * user can act on and the exit code the command line maps it to.
 */
public abstract class GrockerException extends Exception {
    private final java.util.List<String> details;

    protected GrockerException(String message) {
        super(message);
        this.details = java.util.List.of();
    }

    /** Keeps the cause's {@link #details()} when the cause is one of these exceptions. */
    protected GrockerException(String message, Throwable cause) {
        this(message, cause, cause instanceof GrockerException g ? g.details() : java.util.List.of());
    }

    protected GrockerException(String message, Throwable cause, java.util.List<String> details) {
        super(message, cause);
        this.details = java.util.List.copyOf(details);
    }

    /**
     * Lines that help with the failure beyond its one-line message, such as the last lines a failed build step
     * printed; empty for most failures.
     */
    public java.util.List<String> details() {
        return details;
    }

    /** Exit code of the command line for this failure. */
    public abstract int exitCode();
}
