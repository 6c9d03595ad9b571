package io.jenkins.plugins.grocker;

/**
 * A registry could not be reached or answered with an error. The message names the registry, the
 * repository and, where there is one, the tag or digest. Exit code 4.
 */
public class RegistryException extends GrockerException {
    private final int status;

    public RegistryException(String message) {
        this(message, 0, null);
    }

    public RegistryException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** HTTP status of the answer that caused this, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    @Override
    public int exitCode() {
        return 4;
    }
}
