package io.jenkins.plugins.grocker;

/**
 * The scan gate refused: the scanner command failed for at least one platform image, so no tag was moved. Exit
 * code 5. Carries what the command writes as its result (the scanner's output is in it) so that the command line
 * can still write {@code --output-json} and {@code --report}.
 */
public class ScanException extends GrockerException {
    private final transient Object result;

    /** @param result the run's result, with the scans, or null */
    public ScanException(String message, Object result) {
        super(message);
        this.result = result;
    }

    /** The run's result (a build result or a promotion record) with the scans, or null. */
    public Object result() {
        return result;
    }

    @Override
    public int exitCode() {
        return 5;
    }
}
