package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import hudson.AbortException
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

import java.nio.file.Path

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * What {@link CachedScripts} keeps from one test to the next, and what it must not: two tests (two set-ups, as JUnit
 * makes them) on the same compiled class each see their own mocks, before and after the other was set up; a changed
 * script is compiled again; a script that changes its static state fails the next test that loads it. Plain here,
 * under CPS in {@link ScriptCacheCpsTest}, where the serialization round trips must still refuse what Jenkins refuses.
 */
class ScriptCacheTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder()

    protected boolean cps() {
        return false
    }

    /** One test of the library, set up as JUnit sets up each of them. */
    static class LibraryTest extends LibraryTestBase {
        final boolean cps
        Scenarios s

        LibraryTest(boolean cps) {
            this.cps = cps
        }

        @Override
        protected boolean cps() {
            return cps
        }

        @Override
        protected void configure(JenkinsHarness harness) {
            s = new Scenarios(harness)
        }

        LibraryTest started() {
            setUp()
            return this
        }

        /** flowcoreBase with no spec: the library reports it through `error`, whose mock is this test's. */
        String specError() {
            Throwable t = catchThrowable { s.step('flowcoreBase', [:]) }
            assertThat(t).isInstanceOf(AbortException)
            return t.message
        }

        Map base() {
            return s.step('flowcoreBase', [spec: [registry: 'r:5000/x', images: []]]) as Map
        }
    }

    @Test
    void twoTestsOnTheSameCompiledClassEachSeeTheirOwnMocks() {
        LibraryTest first = new LibraryTest(cps()).started()
        first.helper.registerAllowedMethod('error', [String]) { String m -> throw new AbortException("first test: ${m}") }
        assertThat(first.specError()).isEqualTo("first test: flowcoreBase: 'spec' is required (a spec file in the workspace, " +
                'or the spec as a Map)')
        Class compiled = first.h.load('flowcoreBase').getClass()
        int compilations = engine(first).compilations

        // the second test's set-up points the shared loader at its helper; its mocks differ
        LibraryTest second = new LibraryTest(cps()).started()
        second.helper.registerAllowedMethod('error', [String]) { String m -> throw new AbortException("second test: ${m}") }
        second.s.grocker.exitCode = 3
        assertThat(second.h.load('flowcoreBase').getClass()).as('the class compiled for the first test').isSameAs(compiled)
        assertThat(second.specError()).startsWith('second test: flowcoreBase:')
        assertThat(catchThrowable { second.base() }).hasMessageStartingWith('second test: flowcoreBase: grocker base failed with exit code 3')

        // and the first test still sees only its own
        assertThat(first.specError()).startsWith('first test: flowcoreBase:')
        assertThat(first.base().pushed).isEqualTo(true)
        assertThat(first.s.grocker.commands*.command).containsExactly('base')
        assertThat(second.s.grocker.commands*.command).containsExactly('base')
        assertThat(first.h.shCalls*.build.unique()).containsExactly(first.h.build.number)
        assertThat(engine(second).compilations).as('nothing compiled again').isEqualTo(compilations)
        assertThat(engine(second)).isSameAs(engine(first))
    }

    private static CachedScripts.Engine engine(BasePipelineTest test) {
        return test.helper.gse as CachedScripts.Engine
    }

    /** A test on scripts of its own (in a temporary root), with the same helpers as the library's tests. */
    static class TempLibrary extends BasePipelineTest {
        final List<String> echoes = []

        TempLibrary(Path root, boolean underCps) {
            helper = underCps ? new CachedScripts.HelperCPS() : new CachedScripts.Helper()
            baseScriptRoot = root.toString()
            scriptRoots = [root.toString()] as String[]
            scriptExtension = 'groovy'
            setUp()
            helper.registerAllowedMethod('echo', [String]) { String m -> echoes.add(m) }
            helper.registerAllowedMethod('node', [Closure]) { Closure body -> helper.callClosure(body) }
        }

        Object run(String script) {
            return helper.callClosure { loadScript(script).call() }
        }
    }

    protected TempLibrary library(Path root) {
        return new TempLibrary(root, cps())
    }

    protected Path write(String name, String text) {
        File f = new File(tmp.root, name)
        f.text = text
        return tmp.root.toPath()
    }

    @Test
    void aChangedScriptIsCompiledAgain() {
        // a class of the script's own crosses a step (under CPS: a serialization round trip that resolves it by name)
        Path root = write('probe.groovy', """class Box implements Serializable { String value = 'one' }
def call() { def box = new Box(); node { echo box.value }; return box.value }
""")
        TempLibrary one = library(root)
        assertThat(one.run('probe.groovy')).isEqualTo('one')
        Class before = one.loadScript('probe.groovy').getClass()

        write('probe.groovy', """class Box implements Serializable { String value = 'two'; int size = 2 }
def call() { def box = new Box(); node { echo box.value + box.size }; return box.value }
""")
        TempLibrary two = library(root)
        assertThat(two.run('probe.groovy')).isEqualTo('two')
        assertThat(two.echoes).containsExactly('two2')
        assertThat(two.loadScript('probe.groovy').getClass()).isNotSameAs(before)
        assertThat(one.echoes).containsExactly('one')
    }

    @Test
    void aScriptThatChangesItsStaticStateFailsTheNextLoad() {
        Path root = write('counter.groovy', '''import groovy.transform.Field
@Field static final List SEEN = []
def call() { SEEN.add(1); echo "seen ${SEEN.size()}"; return SEEN.size() }
''')
        TempLibrary one = library(root)
        assertThat(one.run('counter.groovy')).isEqualTo(1)
        TempLibrary two = library(root)
        Throwable t = catchThrowable { two.loadScript('counter.groovy') }
        assertThat(t).isInstanceOf(IllegalStateException).hasMessageContaining('counter.groovy: a test changed the script\'s static state')
    }
}
