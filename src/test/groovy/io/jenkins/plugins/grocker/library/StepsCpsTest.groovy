package io.jenkins.plugins.grocker.library

import org.junit.Test

/**
 * The same runs under CPS, as Jenkins executes them: every step and grockerPipeline go through the CPS
 * interpreter with a serialization round trip, which fails on any non-serializable value they hold.
 */
class StepsCpsTest extends LibraryTestBase {
    Scenarios s

    @Override
    protected boolean cps() {
        return true
    }

    @Override
    protected void configure(JenkinsHarness harness) {
        s = new Scenarios(harness)
    }

    @Test
    void flowcoreBase() { s.base() }

    @Test
    void flowcoreBaseInline() { s.baseInline() }

    @Test
    void grockerCompile() { s.compile() }

    @Test
    void grockerRun() { s.runOnAnotherAgent() }

    @Test
    void grockerPromote() { s.promote() }

    @Test
    void grockerPublish() { s.publish() }

    @Test
    void grockerPipeline() {
        s.pipeline([APP: 'navigator-api[locale]', VERSION: '2.3.1', PLATFORMS: 'linux/amd64,linux/arm64', PUSH: true,
                    PROMOTE_TO: '127.0.0.1:5000/release/navigator-api'])
    }
}
