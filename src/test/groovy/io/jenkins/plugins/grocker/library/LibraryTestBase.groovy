package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import com.lesfurets.jenkins.unit.cps.PipelineTestHelperCPS
import org.junit.Before

/**
 * The one set-up every test of the shared library uses: JenkinsPipelineUnit loading `vars/` from the repository,
 * with {@link JenkinsHarness}'s Jenkins semantics installed and a build started. Subclasses that want the steps run
 * through groovy-cps (serializing the program at every step, as Jenkins does) return true from {@link #cps()}.
 */
abstract class LibraryTestBase extends BasePipelineTest {
    JenkinsHarness h

    /** Whether the steps run under groovy-cps. */
    protected boolean cps() {
        return false
    }

    @Before
    @Override
    void setUp() throws Exception {
        if (cps()) {
            helper = new PipelineTestHelperCPS()
        }
        baseScriptRoot = '.'
        scriptRoots = ['.'] as String[]
        scriptExtension = 'groovy'
        super.setUp()
        h = new JenkinsHarness(this)
        configure(h)
        h.install()
    }

    /** Before the mocks are installed: credentials, global environment, the shell. */
    protected void configure(JenkinsHarness harness) {
    }
}
