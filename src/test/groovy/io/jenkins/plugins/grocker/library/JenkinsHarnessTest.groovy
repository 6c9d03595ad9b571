package io.jenkins.plugins.grocker.library

import hudson.AbortException
import net.sf.json.JSONNull
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.junit.Test

import java.nio.file.Files
import java.nio.file.Path

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * Finding 12: the harness behaves as Jenkins does where the library's defects hid: json-lib's JSON, workspaces that
 * outlive builds, stashes with default excludes scoped to a build, input submitters and timeouts, properties that
 * replace, parallel with failFast, milestones. A harness friendlier than Jenkins would pass a broken library.
 */
class JenkinsHarnessTest extends LibraryTestBase {
    /** Calls the harness's mock of STEP, as a pipeline would. */
    private Object step(String step, Object... args) {
        Map.Entry found = helper.allowedMethodCallbacks.find { sig, closure ->
            sig.name == step && sig.args.length == args.length &&
                    (0..<args.length).every { int i -> args[i] == null || sig.args[i].isInstance(args[i]) }
        }
        assertThat(found).as("a mock of ${step}").isNotNull()
        return (found.value as Closure).call(*args)
    }

    private Object inNode(String label, Closure body) {
        return h.onAgent(label, body)
    }

    @Test
    void readJsonIsJsonLibs() {
        Path ws = h.agentWorkspace('a')
        ws.resolve('r.json').text = '{"index": null, "name": "null", "tags": ["{version}"]}'
        inNode('a') {
            Map raw = step('readJSON', [file: 'r.json']) as Map
            assertThat(raw.index).isInstanceOf(JSONNull)
            assertThat(raw.index as boolean).as('Groovy takes JSONNull as true').isTrue()
            assertThat(raw.name).as('json-lib reads the string "null" as null too').isInstanceOf(JSONNull)
            Map pojo = step('readJSON', [file: 'r.json', returnPojo: true]) as Map
            assertThat(pojo.index).isNull()
            assertThat(pojo.tags).isEqualTo(['{version}'])
            step('writeJSON', [file: 'w.json', json: [mode: 'null', n: null]])
        }
        assertThat(ws.resolve('w.json').text).isEqualTo('{"mode":null,"n":null}')
    }

    @Test
    void workspacesOutliveBuildsAndStashesDoNot() {
        h.runBuild {
            inNode('a') {
                Files.createDirectories(h.file('out/sub'))
                h.file('out/a.whl').text = 'a'
                h.file('out/sub/b.whl').text = 'b'
                h.file('out/.gitignore').text = 'x'
                h.file('out/c.whl~').text = 'backup'
                step('stash', [name: 's', includes: 'out/**'])
            }
            assertThat(h.build.stashes.resolve('s/out/a.whl')).exists()
            assertThat(h.build.stashes.resolve('s/out/sub/b.whl')).exists()
            assertThat(h.build.stashes.resolve('s/out/.gitignore')).as('default excludes').doesNotExist()
            assertThat(h.build.stashes.resolve('s/out/c.whl~')).doesNotExist()
            inNode('b') {
                Files.createDirectories(h.file('out'))
                h.file('out/old.whl').text = 'left by an earlier build'
                h.file('out/a.whl').text = 'older a'
                step('unstash', 's')
            }
            assertThat(h.agentWorkspace('b').resolve('out/a.whl').text).as('unstash overwrites').isEqualTo('a')
            assertThat(h.agentWorkspace('b').resolve('out/old.whl')).as('and removes nothing').exists()
        }
        h.runBuild {
            assertThat(h.agentWorkspace('b').resolve('out/old.whl')).as('the workspace is kept').exists()
            Throwable t = catchThrowable { inNode('b') { step('unstash', 's') } }
            assertThat(t).isInstanceOf(AbortException).hasMessage('No such saved stash ‘s’')
            t = catchThrowable { inNode('b') { step('stash', [name: 'e', includes: 'nothing/**']) } }
            assertThat(t).hasMessage('No files included in stash ‘e’')
        }
    }

    @Test
    void antPatterns() {
        assertThat(JenkinsHarness.ant('a/**').matcher('a/b/c.whl').matches()).isTrue()
        assertThat(JenkinsHarness.ant('**/*.whl').matcher('c.whl').matches()).isTrue()
        assertThat(JenkinsHarness.ant('*.whl').matcher('a/c.whl').matches()).isFalse()
        assertThat(JenkinsHarness.ant('a/').matcher('a/b').matches()).isTrue()
    }

    @Test
    void propertiesReplaceAndParametersComeWithTheNextBuild() {
        h.runBuild {
            step('properties', [[type: 'buildDiscarder']])
            step('properties', [[parameters: [[name: 'V', defaultValue: '1']]]])
            assertThat(binding.getVariable('params')).isEqualTo([:])
        }
        assertThat(h.jobProperties).containsExactly([parameters: [[name: 'V', defaultValue: '1']]])
        h.runBuild([V: '2']) { assertThat(binding.getVariable('params')).isEqualTo([V: '2']) }
        h.runBuild { assertThat(binding.getVariable('params')).isEqualTo([V: '1']) }
    }

    @Test
    void parallelFailsFastOnlyWhenAsked() {
        List<String> ran = []
        Closure failing = { ran.add('a'); throw new AbortException('a failed') }
        Closure other = { ran.add('b') }
        assertThat(catchThrowable { step('parallel', [a: failing, b: other]) }).hasMessage('a failed')
        assertThat(ran).containsExactly('a', 'b')
        ran.clear()
        assertThat(catchThrowable { step('parallel', [a: failing, b: other, failFast: true]) }).hasMessage('a failed')
        assertThat(ran).containsExactly('a')
    }

    @Test
    void inputHonoursSubmitterSubmitterParameterAndTimeout() {
        h.groups['jdoe'] = ['release-managers']
        h.administrators.add('admin')
        h.responder = { Map m, JenkinsHarness.Build b -> [user: 'jdoe'] }
        assertThat(step('input', [message: 'ok?', submitter: 'alice, release-managers', submitterParameter: 'WHO'])).isEqualTo('jdoe')
        assertThat(step('input', [message: 'ok?', submitter: 'release-managers'])).as('no parameter: null').isNull()
        h.responder = { Map m, JenkinsHarness.Build b -> [user: 'bob'] }
        Throwable forever = catchThrowable { step('input', [message: 'ok?', submitter: 'release-managers']) }
        assertThat(forever).isInstanceOf(AssertionError).hasMessageContaining('waits forever')
        Throwable timedOut = catchThrowable { step('timeout', [time: 5, unit: 'MINUTES'], { step('input', [message: 'ok?', submitter: 'x']) }) }
        assertThat(timedOut).isInstanceOf(FlowInterruptedException).hasMessage('Timeout has been exceeded')
        h.responder = { Map m, JenkinsHarness.Build b -> [user: 'admin'] }
        assertThat(step('input', [message: 'ok?', submitter: 'release-managers', submitterParameter: 'WHO'])).isEqualTo('admin')
        h.responder = { Map m, JenkinsHarness.Build b -> [user: 'jdoe', action: 'abort'] }
        assertThat(catchThrowable { step('input', [message: 'ok?', submitter: 'release-managers']) })
                .isInstanceOf(FlowInterruptedException).hasMessage('Rejected by jdoe')
    }

    @Test
    void milestonesStopOlderBuilds() {
        JenkinsHarness.Build first = h.startBuild()
        step('milestone', 1)
        JenkinsHarness.Build second = h.startBuild()
        step('milestone', 1)
        step('milestone', 2)
        assertThat(first.abortRequested).as('the older build passed 1, not 2: cancelled').isTrue()
        h.build = first
        h.build.abortRequested = false
        assertThat(catchThrowable { step('milestone', 2) }).isInstanceOf(FlowInterruptedException).hasMessage("Superseded by app#${second.number}")
    }

    @Test
    void withEnvPrependsPathAndStepsNeedANode() {
        h.build.env.PATH = '/usr/bin'
        inNode('a') {
            step('withEnv', ['PATH+TOOL=/opt/tool/bin'], {
                assertThat(h.currentEnv().PATH).isEqualTo('/opt/tool/bin:/usr/bin')
            })
        }
        assertThat(catchThrowable { step('sh', 'true') }).hasMessageContaining('Perhaps you forgot to surround the code with a step')
    }
}
