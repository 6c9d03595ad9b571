package io.jenkins.plugins.grocker;

/**
 * The Docker engine could not be reached or refused an operation (a build step failed, a push was
 * rejected). The message names the endpoint or the image. Exit code 3.
 */
public class EngineException extends GrockerException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With lines that explain the failure (the last lines of a failed build step). */
    public EngineException(String message, Throwable cause, java.util.List<String> details) {
        super(message, cause, details);
    }

    @Override
    public int exitCode() {
        return 3;
    }
}
