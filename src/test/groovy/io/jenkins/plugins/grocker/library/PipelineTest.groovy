package io.jenkins.plugins.grocker.library

import hudson.AbortException
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.junit.Test

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * grockerPipeline as a Jenkins job: parameters (from the second build on), the caller's job properties, every
 * parameter checked before the first node, each platform on its own agent end to end with one index assembled from
 * their results, failFast, approval outside any node with a timeout and milestones between builds.
 */
class PipelineTest extends LibraryTestBase {
    Scenarios s

    @Override
    protected void configure(JenkinsHarness harness) {
        s = new Scenarios(harness)
    }

    static final Map RELEASE = [APP: 'navigator-api[locale]', VERSION: '2.3.1', PLATFORMS: 'linux/amd64,linux/arm64', PUSH: true,
                                PROMOTE_TO: '127.0.0.1:5000/release/navigator-api']

    private List<Map> commands(String name) {
        return s.grocker.commands.findAll { it.command == name }
    }

    private Throwable failure(Map params, Map settings = [:]) {
        Throwable t = catchThrowable { s.pipeline(params, settings) }
        assertThat(s.grocker.commands).as('nothing ran').isEmpty()
        return t
    }

    /** Finding 4: with agents for every platform, base, compile and runner of each platform run on its agent. */
    @Test
    void eachPlatformRunsOnItsOwnAgentEndToEndAndOneIndexIsAssembled() {
        Map results = s.pipeline(RELEASE)
        assertThat(h.stages).containsExactly('Base', 'Compile', 'Runner', 'Publish', 'Promote')
        for (String step in ['base', 'compile', 'runner']) {
            List<Map> ran = commands(step)
            assertThat(ran).as(step).hasSize(2)
            assertThat(ran*.dir).as("${step} on each platform's agent").containsExactly(h.agentWorkspace('amd64'), h.agentWorkspace('arm64'))
            assertThat(ran*.env*.GROCKER_ARGS*.contains('--platform linux/amd64')).containsExactly(true, false)
            assertThat(ran*.env*.GROCKER_ARGS*.contains('--platform linux/arm64')).containsExactly(false, true)
        }
        // per-platform images are pushed by digest; the tags move once, on the index over both
        for (String step in ['base', 'runner']) {
            for (Map c in commands(step)) {
                assertThat(c.env.GROCKER_ARGS as String).as(step).startsWith('--push --no-tag')
            }
        }
        assertThat(commands('index')*.dir).containsExactly(h.agentWorkspace('docker'), h.agentWorkspace('docker'))
        assertThat(results.runner.platforms.keySet()).containsExactly('linux/amd64', 'linux/arm64')
        assertThat(results.runner.image).isEqualTo("127.0.0.1:5000/apps/navigator-api@${results.runner.digest}".toString())
        assertThat(results.runner.tags).containsExactly('127.0.0.1:5000/apps/navigator-api:2.3.1')
        assertThat(results.base.images[0].platforms*.platform).containsExactly('linux/amd64', 'linux/arm64')
        assertThat(s.command('publish').env.GROCKER_INPUT).isEqualTo('.grocker/runner-index.json')
        assertThat(s.command('promote').env.GROCKER_FROM).isEqualTo(results.runner.image)
        assertThat(h.parallels*.failFast).containsOnly(true)
        s.noSecretInScriptsOrLogs()
    }

    @Test
    void declaresTheParametersWithTheCallersOwnJobProperties() {
        Map discarder = [type: 'buildDiscarder', strategy: [type: 'logRotator', numToKeepStr: '30']]
        s.pipeline(RELEASE + [PROMOTE_TO: ''], [jobProperties: [discarder, [type: 'disableConcurrentBuilds']]])
        // Finding 5: `properties` replaces every job property: the caller's own are declared with the parameters
        assertThat(h.jobProperties).hasSize(3)
        assertThat(h.jobProperties[0..1]).containsExactly(discarder, [type: 'disableConcurrentBuilds'])
        assertThat(h.jobProperties[2].parameters*.name).containsExactly('APP', 'VERSION', 'PLATFORMS', 'PUSH', 'PROMOTE_TO')
        assertThat(h.jobProperties[2].parameters*.type).containsExactly('string', 'string', 'string', 'booleanParam', 'string')
    }

    @Test
    void oneAgentWithEmulationAndTheClosureForm() {
        s.registerSteps()
        h.runBuild([:]) { JenkinsHarness.Build b ->
            h.load('grockerPipeline').call {
                base = 'r:5000/py:1'
                image = 'r:5000/apps/nav'
                app = 'navigator-api[locale]'
                version = '2.3.1'
                agent = 'docker'
                checkout = false
            }
        }
        assertThat(h.parallels).isEmpty()
        assertThat(h.nodes).containsOnly('docker')
        // one agent: compile and runner in one process (grocker app), nothing stashed; the runner's report as grockerRun's
        assertThat(s.command('app').env.GROCKER_ARGS).isEqualTo('--push --platform linux/amd64 --platform linux/arm64 '
                + '--report .grocker/runner-grocker-wheels-report.html')
        assertThat(h.unstashCalls).isEmpty()
        assertThat(s.grocker.commands*.command).containsExactly('app', 'publish')
    }

    /**
     * Finding 6: a platform with its own engine (os/arch=tcp://...) compiles and builds; on one agent, in one process
     * (issue 13: grocker app), whose runner is the one published and promoted.
     */
    @Test
    void engineQualifiedPlatformsWork() {
        Map results = s.pipeline([APP: 'navigator-api[locale]', VERSION: '2.3.1', PLATFORMS: 'linux/amd64,linux/arm64=tcp://arm-builder:2376',
                    PUSH: true, PROMOTE_TO: '127.0.0.1:5000/release/navigator-api'], [agents: [:], baseSpec: null])
        assertThat(s.command('app').env.GROCKER_ARGS).isEqualTo('--push --platform linux/amd64 --platform linux/arm64=tcp://arm-builder:2376 '
                + '--report .grocker/runner-grocker-wheels-report.html')
        assertThat(h.stashCalls).isEmpty()
        assertThat(s.grocker.commands*.command).containsExactly('app', 'publish', 'promote')
        assertThat(results.runner.platforms.keySet()).containsExactly('linux/amd64', 'linux/arm64')
        assertThat(results.runner.image).isEqualTo("127.0.0.1:5000/apps/navigator-api@${results.runner.digest}".toString())
        assertThat(results.runner.tags).containsExactly('127.0.0.1:5000/apps/navigator-api:2.3.1')
        assertThat(results.compile.manifest.requirement).isEqualTo('navigator-api[locale]==2.3.1')
        assertThat(s.command('publish').env.GROCKER_INPUT).isEqualTo(results.runner.resultFile)
        assertThat(s.command('promote').env.GROCKER_FROM).isEqualTo(results.runner.image)
        s.noSecretInScriptsOrLogs()
    }

    /** Finding 9: every parameter is checked before the first node; nothing is built or pushed. */
    @Test
    void parametersAreCheckedBeforeAnyNode() {
        assertThat(failure(RELEASE + [PROMOTE_TO: 'not a reference'])).isInstanceOf(AbortException)
                .hasMessage("grockerPipeline: PROMOTE_TO has 'not a reference', which is not registry/repository[:tag]")
        assertThat(failure(RELEASE + [VERSION: '2.3.1; rm -rf /'])).isInstanceOf(AbortException)
                .hasMessage("grockerPipeline: VERSION '2.3.1; rm -rf /' is not a version (letters, digits, '.', '+', '_', '-')")
        assertThat(failure(RELEASE + [PLATFORMS: 'linux/amd64,linux/arm65 x'])).isInstanceOf(AbortException)
                .hasMessageStartingWith("grockerPipeline: PLATFORMS has 'linux/arm65 x'")
        assertThat(failure(RELEASE + [PLATFORMS: 'linux/amd64,linux/riscv64'], [platforms: ['linux/amd64', 'linux/arm64', 'linux/riscv64']]))
                .hasMessage('grockerPipeline: \'agents\' has no agent for linux/riscv64: give every platform of PLATFORMS an agent, or no \'agents\'')
        assertThat(failure(RELEASE, [agents: ['linux/amd64': 'amd64', 'linux/s390x': 's390x']]))
                .hasMessage('grockerPipeline: \'agents\' names linux/s390x, which is not one of the platforms linux/amd64, linux/arm64')
        assertThat(failure(RELEASE, [agent: ''])).hasMessage("grockerPipeline: 'agent' is required: the label of the agents " +
                'with Docker (without it any executor, the built-in node included, could run the builds)')
        assertThat(failure(RELEASE + [PUSH: false])).hasMessage('grockerPipeline: PROMOTE_TO needs PUSH (only pushed images can be promoted)')
        assertThat(h.nodes).as('no agent was taken').isEmpty()
    }

    /** Finding 9: a failing platform stops the other branches (failFast) and nothing is published. */
    @Test
    void aFailingPlatformStopsTheOthers() {
        s.grocker.exitCodes.compile = 3
        Throwable t = catchThrowable { s.pipeline(RELEASE, [baseSpec: null]) }
        assertThat(t).hasMessageStartingWith('grockerCompile: grocker compile failed with exit code 3')
        assertThat(commands('compile')).as('the arm64 branch never started').hasSize(1)
        assertThat(s.grocker.commands*.command).containsExactly('compile')
    }

    /** Findings 8 and 9: approval outside any node, with a timeout, only by a submitter, recorded in the audit. */
    @Test
    void promotionWaitsOutsideAnyNodeForASubmitterAndRecordsTheApprover() {
        Map results = s.pipeline(RELEASE)
        assertThat(h.inputs).hasSize(1)
        Map input = h.inputs[0]
        assertThat(input).containsEntry('submitter', 'release-managers').containsEntry('submitterParameter', 'APPROVER')
                .containsEntry('inNode', null).containsEntry('timeout', true)
        assertThat(s.command('promote').env).containsEntry('GROCKER_APPROVED_BY', 'jdoe')
        assertThat(results.promoted.who).isEqualTo('jdoe')
        assertThat(results.promoted.build).isEqualTo(s.command('promote').env.BUILD_URL).startsWith('https://jenkins.example.com/job/app/')
    }

    @Test
    void anInputNobodyAllowedAnswersTimesOut() {
        s.registerSteps()
        ['amd64', 'arm64', 'docker'].each { h.agentWorkspace(it).resolve('flowcore.yaml').text = 'registry: 127.0.0.1:5000/flowcore\n' }
        h.jobProperties = [[parameters: [[name: 'APP'], [name: 'VERSION'], [name: 'PLATFORMS'], [name: 'PUSH'], [name: 'PROMOTE_TO']]]]
        h.responder = { Map question, JenkinsHarness.Build b -> [user: 'mallory', action: 'proceed'] }
        Throwable t = catchThrowable { h.runBuild(RELEASE) { h.load('grockerPipeline').call(Scenarios.PIPELINE) } }
        assertThat(t).isInstanceOf(FlowInterruptedException).hasMessage('Timeout has been exceeded')
        assertThat(commands('promote')).isEmpty()
    }

    /** Finding 9: a newer build that passed the approval makes an older one stop instead of promoting after it. */
    @Test
    void aNewerBuildKeepsAnOlderOneFromPromotingAfterIt() {
        s.registerSteps()
        ['amd64', 'arm64', 'docker'].each { h.agentWorkspace(it).resolve('flowcore.yaml').text = 'registry: 127.0.0.1:5000/flowcore\n' }
        h.jobProperties = [[parameters: [[name: 'APP'], [name: 'VERSION'], [name: 'PLATFORMS'], [name: 'PUSH'], [name: 'PROMOTE_TO']]]]
        List<Integer> approved = []
        boolean newerStarted = false
        h.responder = { Map question, JenkinsHarness.Build b ->
            if (!newerStarted) {
                newerStarted = true
                // while build 1 waits for its release manager, build 2 (version 2.3.2) runs and is promoted
                h.runBuild(RELEASE + [VERSION: '2.3.2']) { h.load('grockerPipeline').call(Scenarios.PIPELINE) }
            }
            approved.add(b.number)
            return [user: 'jdoe', action: 'proceed']
        }
        Throwable t = catchThrowable { h.runBuild(RELEASE) { h.load('grockerPipeline').call(Scenarios.PIPELINE) } }
        assertThat(t).isInstanceOf(FlowInterruptedException).hasMessage("Superseded by app#${approved[0]}".toString())
        assertThat(approved).hasSize(2)
        assertThat(approved[0]).isGreaterThan(approved[1])
        List<Map> promoted = commands('promote')
        assertThat(promoted).hasSize(1)
        assertThat(promoted[0].env.GROCKER_ARGS).contains('--version 2.3.2')
    }
}
