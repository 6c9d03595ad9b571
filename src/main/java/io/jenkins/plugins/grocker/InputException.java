package io.jenkins.plugins.grocker;

/** Bad input: a spec, an option or a reference that cannot be used. Nothing has been built or pushed. Exit code 2. */
public class InputException extends GrockerException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
