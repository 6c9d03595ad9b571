package io.jenkins.plugins.grocker;

/**
 * The checked exceptions of the engine, all in this file's package. Each carries a one-line message a
 * user can act on and the exit code the command line maps it to.
 */
public abstract class GrockerException extends Exception {
    protected GrockerException(String message) {
        super(message);
    }

    protected GrockerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Exit code of the command line for this failure. */
    public abstract int exitCode();
}
