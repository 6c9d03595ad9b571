package io.jenkins.plugins.grocker.library

import hudson.AbortException
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.junit.Test

import java.nio.file.Files
import java.nio.file.Path

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * The single steps where Jenkins differs from a friendly test double: the CLI installed on a fresh agent, a second
 * build on the same workspaces, `push: false` read through json-lib, engine-qualified platforms, credentials bound to
 * registries, approvals, and wheels through the registry. Each test failed on the library before issue 9.
 */
class StepsOnJenkinsTest extends LibraryTestBase {
    Scenarios s

    @Override
    protected void configure(JenkinsHarness harness) {
        s = new Scenarios(harness)
    }

    /** Finding 1: with no GROCKER_CLI, the pinned version is installed from the Maven repository and put on PATH. */
    @Test
    void theCommandLineInstallsItselfAtThePinnedVersion() {
        Path resources = Files.createDirectories(h.root.resolve('library-resources/io/jenkins/plugins/grocker/library'))
        resources.resolve('cli.properties').text = "version=1.4.0\nsha256=${'a' * 64}\n"
        h.resources = h.root.resolve('library-resources')
        h.build.env.remove('GROCKER_CLI')
        h.build.env.GROCKER_CLI_REPOSITORY = 'https://repo.example.com/releases'
        h.build.env.GROCKER_CLI_REPOSITORY_CREDENTIALS_ID = 'nexus'
        s.step('flowcoreBase', [spec: [registry: 'r:5000/x', images: []]])

        Map install = s.grocker.installs[0]
        assertThat(install).containsEntry('GROCKER_CLI_VERSION', '1.4.0').containsEntry('GROCKER_CLI_SHA256', 'a' * 64)
                .containsEntry('GROCKER_CLI_REPOSITORY', 'https://repo.example.com/releases')
                .containsEntry('GROCKER_CLI_REPOSITORY_PASSWORD', Scenarios.INDEX_PASSWORD)
        Map base = s.command('base').env
        assertThat(base.GROCKER_CLI).isEqualTo('/home/jenkins/.cache/grocker/1.4.0/grocker')
        assertThat(base.PATH).startsWith('/home/jenkins/.cache/grocker/1.4.0')
        assertThat(base).doesNotContainKey('GROCKER_CLI_REPOSITORY_PASSWORD')
        h.shCalls.each { assertThat(it.script as String).doesNotContain(Scenarios.INDEX_PASSWORD) }

        s.grocker.installStatus = 5
        Throwable t = catchThrowable { s.step('flowcoreBase', [spec: [registry: 'r:5000/x', images: []]]) }
        assertThat(t).isInstanceOf(AbortException).hasMessage('flowcoreBase: cannot install grocker 1.4.0 from ' +
                'https://repo.example.com/releases: the downloaded jar does not have the sha256 this library pins (a tampered ' +
                'or wrong file); nothing was installed (the log above says why)')
        s.grocker.installStatus = 6
        assertThat(catchThrowable { s.step('flowcoreBase', [spec: [registry: 'r:5000/x', images: []]]) }).hasMessageContaining(
                'the Maven repository could not be reached or has no such jar')
    }

    @Test
    void anUnreleasedLibraryWithoutGrockerCliSaysSo() {
        h.build.env.remove('GROCKER_CLI')
        h.build.env.GROCKER_CLI_REPOSITORY = 'https://repo.example.com/releases'
        Throwable t = catchThrowable { s.step('flowcoreBase', [spec: [registry: 'r:5000/x', images: []]]) }
        assertThat(t).hasMessage('flowcoreBase: this version of the library pins no released command line ' +
                '(io/jenkins/plugins/grocker/library/cli.properties is empty): load a released library version, or set GROCKER_CLI ' +
                'to a preinstalled grocker')
    }

    /** Finding 2: the second build on the same workspaces, with another version of the application, passes. */
    @Test
    void aSecondBuildOnTheSameWorkspacesWithAnotherVersionPasses() {
        Map app = [base: '127.0.0.1:5000/flowcore/flowcore:3.11', image: '127.0.0.1:5000/apps/navigator-api',
                   platforms: ['linux/amd64']]
        Map first = h.runBuild {
            s.step('grockerCompile', app + [app: 'navigator-api[locale]==2.3.1'], 'compile')
            s.step('grockerRun', [:], 'runner')
        } as Map
        Map second = h.runBuild {
            s.step('grockerCompile', app + [app: 'navigator-api[locale]==2.3.2'], 'compile')
            s.step('grockerRun', [:], 'runner')
        } as Map
        assertThat(first.requirement).isEqualTo('navigator-api[locale]==2.3.1')
        assertThat(second.requirement).isEqualTo('navigator-api[locale]==2.3.2')
        assertThat(second.tags).isEmpty()
        Path wheels = h.agentWorkspace('runner').resolve('.grocker/wheels/linux-amd64')
        assertThat(wheels.toFile().list() as List).containsExactly('app-2.3.2-cp311-cp311-linux-amd64.whl')
        assertThat(h.stashCalls[1].build).as('a stash of the second build').isEqualTo(h.stashCalls[0].build + 1)
    }

    /** Finding 3: push: false works; results are read without JSONNull (json-lib's null, which Groovy takes as true). */
    @Test
    void pushFalseWorksEndToEnd() {
        Map base = s.step('flowcoreBase', [spec: [registry: '127.0.0.1:5000/t', images: [[name: 'py', from: '127.0.0.1:5000/d:1']]],
                push: false])
        assertThat(base.pushed).isFalse()
        assertThat(base.images[0].index).isNull()
        s.step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/t/py:1',
                image: '127.0.0.1:5000/apps/nav', platforms: ['linux/amd64']])
        Map run = s.step('grockerRun', [push: false], 'runner')
        assertThat(run.digest).isNull()
        assertThat(run.image).isNull()
        assertThat(run.platforms).isEqualTo(['linux/amd64': null])
        assertThat(s.command('runner').env.GROCKER_ARGS).isEqualTo('--no-push --report .grocker/runner-grocker-wheels-report.html')
        assertThat(h.echoes).anyMatch { it.startsWith('grockerRun: 127.0.0.1:5000/apps/nav built in ') }
    }

    /** Finding 6: engine-qualified platforms select their wheels for the stash. */
    @Test
    void anEngineQualifiedPlatformStashesItsWheels() {
        Map result = s.step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/b:1',
                platforms: ['linux/arm64=tcp://arm-builder:2376']])
        assertThat(result.manifest.platforms.keySet()).containsExactly('linux/arm64')
        assertThat(h.stashCalls[0].includes.split(',') as List).contains('.grocker/wheels/linux-arm64/**')
    }

    /** Finding 7: each credential is bound to its registry's host; one credential never spans two registries. */
    @Test
    void registryCredentialsAreBoundToTheirHosts() {
        s.step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: 'base.example.com/py:1', image: 'push.example.com/apps/nav',
                platforms: ['linux/amd64'], registryCredentials: ['base.example.com': 'nexus', 'push.example.com': 'registry']])
        Map compile = s.command('compile').env
        assertThat(compile).containsEntry('GROCKER_REGISTRY_HOST_1', 'base.example.com').containsEntry('GROCKER_REGISTRY_USERNAME_1', 'ci-reader')
                .containsEntry('GROCKER_REGISTRY_HOST_2', 'push.example.com').containsEntry('GROCKER_REGISTRY_USERNAME_2', 'ci-pusher')
                .doesNotContainKey('GROCKER_REGISTRY_USERNAME').doesNotContainKey('GROCKER_REGISTRY_PASSWORD')
        s.step('grockerRun', [registryCredentialsId: 'registry'], 'docker')
        assertThat(s.command('runner').env).containsEntry('GROCKER_REGISTRY_HOST_1', 'push.example.com')
                .doesNotContainKey('GROCKER_REGISTRY_HOST_2').doesNotContainKey('GROCKER_REGISTRY_PASSWORD')
        Throwable t = catchThrowable { s.step('grockerPromote', [from: 'push.example.com/apps/nav:1', to: 'release.example.com/nav',
                credentialsId: 'registry']) }
        assertThat(t).hasMessage("grockerPromote: 'credentialsId' would be offered to push.example.com and release.example.com: " +
                "give registryCredentials: ['host': 'credentials-id', ...] with one credential per registry")
        ['flowcore.yaml': 'registry: "${GROCKER_REGISTRY:-127.0.0.1:5000}/flowcore"\nimages: []\n'].each { k, v ->
            h.agentWorkspace('docker').resolve(k).text = v
        }
        h.build.env.GROCKER_REGISTRY = 'registry.example.com'
        s.step('flowcoreBase', [spec: 'flowcore.yaml', registryCredentialsId: 'registry'])
        assertThat(s.command('base').env).containsEntry('GROCKER_REGISTRY_HOST_1', 'registry.example.com')
    }

    /** Finding 8: approval needs a submitter; only a submitter can approve; the approver reaches the audit record. */
    @Test
    void approvalNeedsASubmitterAndRecordsTheApprover() {
        Map args = [from: '127.0.0.1:5000/apps/nav:1.0', to: '127.0.0.1:5000/release/nav', agent: 'docker', credentialsId: 'registry']
        assertThat(catchThrowable { h.load('grockerPromote').call(args + [approve: true]) }).hasMessage(
                "grockerPromote: 'approve' must be a Map with a 'submitter' (submitter, message, ok, timeoutMinutes), got 'true'")
        assertThat(catchThrowable { h.load('grockerPromote').call(args + [approve: [message: 'Ship?']]) }).hasMessage(
                "grockerPromote: 'approve' needs a 'submitter': the users or groups who may approve (anyone with Build permission " +
                'could otherwise)')
        assertThat(catchThrowable { s.step('grockerPromote', args + [approve: [submitter: 'release-managers']]) }).hasMessage(
                "grockerPromote: with 'approve', call it outside node (waiting for a person must hold no executor) and give 'agent'")

        h.responder = { Map question, JenkinsHarness.Build b -> [user: 'mallory', action: 'proceed'] }
        Throwable t = catchThrowable { h.load('grockerPromote').call(args + [approve: [submitter: 'release-managers, alice']]) }
        assertThat(t).isInstanceOf(FlowInterruptedException).hasMessage('Timeout has been exceeded')
        assertThat(s.grocker.commands).isEmpty()

        h.responder = { Map question, JenkinsHarness.Build b -> [user: 'jdoe', action: 'proceed'] }
        Map record = h.load('grockerPromote').call(args + [approve: [submitter: 'release-managers, alice', timeoutMinutes: 5]]) as Map
        assertThat(h.inputs[-1]).containsEntry('inNode', null).containsEntry('timeout', true).containsEntry('submitterParameter', 'APPROVER')
        assertThat(s.command('promote').env).containsEntry('GROCKER_APPROVED_BY', 'jdoe')
                .containsEntry('BUILD_URL', "https://jenkins.example.com/job/app/${h.build.number}/".toString())
        assertThat(record.who).isEqualTo('jdoe')
        assertThat(record.build).isEqualTo("https://jenkins.example.com/job/app/${h.build.number}/".toString())
        assertThat(h.archived*.artifacts).containsExactly(".grocker/promotion-${h.build.number}-report.html".toString(),
                ".grocker/promotion-${h.build.number}.json".toString())
    }

    /** Finding 10: a large stash warns; wheels can travel through the registry, pulled by digest on the runner's agent. */
    @Test
    void wheelsTravelThroughTheRegistryAndLargeStashesWarn() {
        Map app = [app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/b:1', image: '127.0.0.1:5000/apps/nav',
                   platforms: ['linux/amd64'], registryCredentialsId: 'registry']
        s.step('grockerCompile', app + [stashWarnMB: 0, stash: 'small'], 'compile')
        assertThat(h.echoes).anyMatch { it.contains("went through the controller in stash 'small'; stash is meant for small files") }

        h.echoes.clear()
        Map compiled = s.step('grockerCompile', app + [wheels: 'registry', stash: 'handoff', archive: true], 'compile')
        assertThat(compiled.artifact).startsWith('127.0.0.1:5000/apps/nav-wheels@sha256:')
        assertThat(h.stashCalls[-1].includes).doesNotContain('.grocker/wheels')
        assertThat(h.echoes).noneMatch { it.contains('WARNING') }
        assertThat(h.archived[-1]).containsEntry('fingerprint', true)
        Map run = s.step('grockerRun', [stash: 'handoff', registryCredentialsId: 'registry'], 'runner')
        Map pull = s.grocker.commands.find { it.command == 'wheelsPull' }
        assertThat(pull.env).containsEntry('GROCKER_ARTIFACT', compiled.artifact).containsEntry('GROCKER_REGISTRY_HOST_1', '127.0.0.1:5000')
        assertThat(pull.dir).isEqualTo(h.agentWorkspace('runner'))
        assertThat(h.agentWorkspace('runner').resolve('.grocker/wheels/linux-amd64/app-2.3.1-cp311-cp311-linux-amd64.whl')).exists()
        assertThat(run.requirement).isEqualTo('navigator-api[locale]==2.3.1')
    }
}
