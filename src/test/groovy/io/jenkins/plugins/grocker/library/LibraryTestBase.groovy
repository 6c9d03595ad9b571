package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import org.junit.Before

/**
 * The one set-up every test of the shared library uses: JenkinsPipelineUnit loading `vars/` from the repository,
 * with {@link JenkinsHarness}'s Jenkins semantics installed and a build started. Subclasses that want the steps run
 * through groovy-cps (serializing the program at every step, as Jenkins does) return true from {@link #cps()}.
 * The scripts are compiled once per test JVM ({@link CachedScripts}); every test still gets new script instances
 * intercepted by its own helper, with its own mocks.
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
        helper = cps() ? new CachedScripts.HelperCPS() : new CachedScripts.Helper()
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
