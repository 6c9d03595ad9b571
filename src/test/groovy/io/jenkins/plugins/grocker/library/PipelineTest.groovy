package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import hudson.AbortException
import org.junit.Before
import org.junit.Test

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/** grockerPipeline: parameters, stages, per-platform compiles in parallel on the mapped agents, approval. */
class PipelineTest extends BasePipelineTest {
    PipelineHarness h
    Scenarios s

    @Before
    @Override
    void setUp() throws Exception {
        baseScriptRoot = '.'
        scriptRoots = ['.'] as String[]
        scriptExtension = 'groovy'
        super.setUp()
        h = new PipelineHarness(this)
        h.install()
        s = new Scenarios(h)
    }

    private List<String> calls(String name) {
        return helper.callStack.findAll { it.methodName == name }.collect { it.args[0].toString() }
    }

    @Test
    void declaresTheParametersAndCompilesPerPlatformInParallelOnTheMappedAgents() {
        Map results = s.pipeline([APP: 'navigator-api[locale]', VERSION: '2.3.1', PLATFORMS: 'linux/amd64,linux/arm64',
                                  PUSH: true, PROMOTE_TO: '127.0.0.1:5000/release/navigator-api'])
        List params = helper.callStack.find { it.methodName == 'parameters' }.args[0]
        assertThat(params*.name).containsExactly('APP', 'VERSION', 'PLATFORMS', 'PUSH', 'PROMOTE_TO')
        assertThat(params*.type).containsExactly('string', 'string', 'string', 'booleanParam', 'string')
        assertThat(calls('stage')).containsExactly('Base', 'Compile', 'Runner', 'Publish', 'Promote')
        Map branches = helper.callStack.find { it.methodName == 'parallel' }.args[0]
        assertThat(branches.keySet()).containsExactly('linux/amd64', 'linux/arm64')
        assertThat(h.nodes).containsExactly('docker', 'amd64', 'arm64', 'docker', 'docker')
        Map compileAmd64 = s.grocker.commands.findAll { it.command == 'compile' }[0].env
        assertThat(compileAmd64).containsEntry('GROCKER_ARGS', '--platform linux/amd64')
        assertThat(h.shCalls.findAll { it.label == 'grocker compile' }*.dir).containsExactly(h.agent('amd64'), h.agent('arm64'))
        assertThat(h.unstashCalls).containsExactly('grocker-wheels-linux-amd64', 'grocker-wheels-linux-arm64')
        assertThat(s.command('runner').env.GROCKER_ARGS).isEqualTo('--push --platform linux/amd64 --platform linux/arm64')
        assertThat(h.inputs).hasSize(1)
        assertThat(h.inputs[0].submitter).isEqualTo('release-managers')
        Map promote = s.command('promote').env
        assertThat(promote).containsEntry('GROCKER_FROM', "127.0.0.1:5000/apps/navigator-api@${FakeGrocker.INDEX_DIGEST}".toString())
                .containsEntry('GROCKER_TO', '127.0.0.1:5000/release/navigator-api')
                .containsEntry('GROCKER_ARGS', '--tag {version} --version 2.3.1')
        Map spec = new groovy.json.JsonSlurperClassic().parseText(h.agent('amd64').resolve('.grocker-grocker-wheels-linux-amd64.app.json').text)
        assertThat(spec.app).isEqualTo('navigator-api[locale]==2.3.1')
        assertThat(results.runner.digest).isEqualTo(FakeGrocker.INDEX_DIGEST)
        assertThat(results.promoted.outcome).isEqualTo('promoted')
        s.noSecretInScriptsOrLogs()
    }

    @Test
    void withoutPromoteToThereIsNoPromotionAndNoApproval() {
        s.pipeline([APP: 'navigator-api[locale]', VERSION: '2.3.1', PLATFORMS: 'linux/amd64', PUSH: true, PROMOTE_TO: ''])
        assertThat(calls('stage')).containsExactly('Base', 'Compile', 'Runner', 'Publish')
        assertThat(h.inputs).isEmpty()
        assertThat(s.grocker.commands*.command).containsExactly('base', 'compile', 'runner', 'publish')
    }

    @Test
    void promotionNeedsPush() {
        Throwable t = catchThrowable { s.pipeline([APP: 'a', VERSION: '1.0.0', PUSH: false, PROMOTE_TO: 'r:5000/x']) }
        assertThat(t).isInstanceOf(AbortException).hasMessage('grockerPipeline: PROMOTE_TO needs PUSH (only pushed images can be promoted)')
    }

    @Test
    void theClosureFormAndOneAgentWithEmulation() {
        ['flowcoreBase', 'grockerCompile', 'grockerRun', 'grockerPublish', 'grockerPromote'].each { String name ->
            helper.registerAllowedMethod(name, [Map]) { Map m -> h.load(name).call(m) }
        }
        binding.setVariable('params', [APP: 'navigator-api[locale]', VERSION: '2.3.1'])
        h.load('grockerPipeline').call {
            base = 'r:5000/py:1'
            image = 'r:5000/apps/nav'
            agent = 'docker'
            checkout = false
        }
        assertThat(calls('parallel')).isEmpty()
        assertThat(h.nodes).containsOnly('docker')
        assertThat(s.command('compile').env.GROCKER_ARGS).isEqualTo('--platform linux/amd64 --platform linux/arm64')
        assertThat(h.unstashCalls).containsExactly('grocker-wheels')
        assertThat(calls('checkout')).isEmpty()
        assertThat(s.grocker.commands*.command).containsExactly('compile', 'runner', 'publish')
    }

    @Test
    void settingErrors() {
        Throwable t = catchThrowable { h.load('grockerPipeline').call([image: 'r:5000/x']) }
        assertThat(t).isInstanceOf(AbortException).hasMessage("grockerPipeline: 'base' is required")
        t = catchThrowable { h.load('grockerPipeline').call([base: 'r:5000/b:1', image: 'r:5000/x']) }
        assertThat(t).isInstanceOf(AbortException).hasMessage("grockerPipeline: APP is required (the job parameter, or 'app' or 'appSpec')")
    }
}
