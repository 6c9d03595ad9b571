package io.jenkins.plugins.grocker.library

import org.junit.Test

import java.io.InvalidObjectException
import java.io.NotSerializableException
import java.nio.file.Path

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * {@link ScriptCacheTest} under CPS, and the round trips with cached classes and resolved names: a step body that
 * holds what cannot be written, or what cannot be read back, still fails the test, as Jenkins fails the build.
 */
class ScriptCacheCpsTest extends ScriptCacheTest {
    @Override
    protected boolean cps() {
        return true
    }

    @Test
    void aStepBodyHoldingWhatCannotBeSerializedFails() {
        Path root = write('holder.groovy', '''
def call(boolean serializable) {
    def held = serializable ? [1, 2] : new Object()
    node {
        echo 'first step'
        echo "held ${held}"
    }
    return 'done'
}
''')
        TempLibrary first = library(root)
        assertThat(first.helper.callClosure { first.loadScript('holder.groovy').call(true) }).isEqualTo('done')
        assertThat(first.echoes).containsExactly('first step', 'held [1, 2]')

        // again on the cached class: the round trip still refuses the Object
        TempLibrary again = library(root)
        Throwable t = catchThrowable { again.helper.callClosure { again.loadScript('holder.groovy').call(false) } }
        assertThat(t).hasRootCauseInstanceOf(NotSerializableException).rootCause().hasMessage('java.lang.Object')
    }

    @Test
    void aStepBodyHoldingWhatCannotBeReadBackFails() {
        Path root = write('reader.groovy', '''
class Held implements Serializable {
    @NonCPS
    private void readObject(ObjectInputStream input) throws IOException {
        throw new InvalidObjectException('Held cannot be read back')
    }
}

def call() {
    def held = new Held()
    node {
        echo 'first step'
        echo "held ${held != null}"
    }
}
''')
        for (int i = 0; i < 2; i++) {
            TempLibrary run = library(root)
            Throwable t = catchThrowable { run.helper.callClosure { run.loadScript('reader.groovy').call() } }
            assertThat(t).as("run ${i + 1}").hasRootCauseInstanceOf(InvalidObjectException)
            assertThat(t.cause.message).as("run ${i + 1}").isEqualTo('Held cannot be read back')
            assertThat(run.echoes).as("run ${i + 1}: refused before the first step").isEmpty()
        }
    }
}
