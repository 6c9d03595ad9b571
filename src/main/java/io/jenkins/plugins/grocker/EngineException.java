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

    @Override
    public int exitCode() {
        return 3;
    }
}
