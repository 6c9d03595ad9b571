package org.jenkinsci.plugins.workflow.steps;

/**
 * Stand-in for workflow-step-api's {@code FlowInterruptedException} (not on Maven Central): what Jenkins throws into
 * a build that is aborted -- an exceeded {@code timeout}, an {@code input} someone rejected, a {@code milestone}
 * passed by a newer build, a {@code parallel} branch stopped by {@code failFast}. The build ends ABORTED (or FAILURE
 * for failFast's siblings of a failed branch), and pipeline code should let it through.
 */
public class FlowInterruptedException extends InterruptedException {
    private static final long serialVersionUID = 1L;
    private final String result;

    public FlowInterruptedException(String result, String why) {
        super(why);
        this.result = result;
    }

    /** ABORTED, FAILURE, ... as Jenkins' {@code hudson.model.Result} names them. */
    public String getResult() {
        return result;
    }
}
