package hudson;

import java.io.IOException;

/**
 * Stand-in for Jenkins' {@code hudson.AbortException} (jenkins-core is not on Maven Central): what the
 * {@code error} step throws, so the shared-library tests fail a step the way Jenkins does.
 */
public class AbortException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbortException(String message) {
        super(message);
    }
}
