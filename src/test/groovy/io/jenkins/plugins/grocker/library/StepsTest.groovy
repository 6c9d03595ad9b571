package io.jenkins.plugins.grocker.library

import hudson.AbortException
import org.junit.Test

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/** The shared-library steps on JenkinsPipelineUnit: arguments, scripts, environment, stashes, results. */
class StepsTest extends LibraryTestBase {
    Scenarios s

    @Override
    protected void configure(JenkinsHarness harness) {
        s = new Scenarios(harness)
    }

    private String failure(String step, Map args) {
        Throwable t = catchThrowable { s.step(step, args) }
        assertThat(t).isInstanceOf(AbortException)
        assertThat(s.grocker.commands).as('no grocker command ran').isEmpty()
        return t.message
    }

    @Test
    void flowcoreBaseBuildsAndReturnsTheResult() { s.base() }

    @Test
    void flowcoreBaseWritesAnInlineSpec() { s.baseInline() }

    @Test
    void flowcoreBaseArgumentErrors() {
        assertThat(failure('flowcoreBase', [:])).isEqualTo("flowcoreBase: 'spec' is required (a spec file in the workspace, or the spec as a Map)")
        assertThat(failure('flowcoreBase', [spec: 3])).isEqualTo("flowcoreBase: 'spec' must be a file path or a Map, got Integer")
        assertThat(failure('flowcoreBase', [spec: 'a.yaml', push: 'yes'])).isEqualTo("flowcoreBase: 'push' must be true or false, got 'yes'")
        assertThat(failure('flowcoreBase', [spec: 'a.yaml', platforms: ['linux/amd64; rm -rf /']]))
                .isEqualTo("flowcoreBase: 'platforms' has 'linux/amd64; rm -rf /', which is not a valid value (no blanks, quotes or shell characters)")
        assertThat(failure('flowcoreBase', [spec: 'a.yaml', plaforms: []])).startsWith("flowcoreBase: unknown argument 'plaforms' (known: ")
        assertThat(failure('flowcoreBase', [spec: [images: []], registryCredentialsId: 'registry'])).isEqualTo(
                "flowcoreBase: 'registryCredentialsId' needs to know its registry, which cannot be told here: " +
                "give registryCredentials: ['registry.example.com': 'registry'] instead")
        assertThat(failure('flowcoreBase', [spec: [images: []], registryCredentials: ['bad host': 'registry']])).isEqualTo(
                "flowcoreBase: 'registryCredentials' has 'bad host': 'registry'; give 'host[:port]': 'credentials-id'")
    }

    @Test
    void aMissingCommandLineIsAClearError() {
        h.build.env.remove('GROCKER_CLI')
        s.grocker.onPath = false
        assertThat(failure('flowcoreBase', [spec: 'a.yaml'])).isEqualTo('flowcoreBase: the grocker command line is not on this ' +
                'agent: set GROCKER_CLI_REPOSITORY (the Maven repository the library installs it from), or GROCKER_CLI, or put ' +
                'grocker on PATH (docs/jenkins.md, "Agents")')
        h.build.env.GROCKER_CLI = '/nowhere/grocker'
        assertThat(failure('grockerPromote', [from: 'r:5000/a:1', to: 'r:5000/b'])).isEqualTo(
                "grockerPromote: GROCKER_CLI is '/nowhere/grocker', which is not an executable file on this agent")
    }

    @Test
    void grockerOnPathIsUsedWithoutGrockerCli() {
        h.build.env.remove('GROCKER_CLI')
        s.step('flowcoreBase', [spec: [registry: 'r:5000/x', images: []]])
        assertThat(s.command('base').env.GROCKER_CLI).isEqualTo('grocker')
    }

    @Test
    void exitCodesBecomeMessages() {
        s.grocker.exitCode = 3
        Throwable t = catchThrowable { s.step('flowcoreBase', [spec: 'a.yaml']) }
        assertThat(t).isInstanceOf(AbortException).hasMessage('flowcoreBase: grocker base failed with exit code 3: the Docker engine, ' +
                'a registry or a build step failed or could not be reached; no tag was moved (the log above says why)')
        s.grocker.exitCode = 2
        assertThat(catchThrowable { s.step('grockerCompile', [app: 'a==1', base: 'r:5000/b:1']) })
                .hasMessageStartingWith('grockerCompile: grocker compile failed with exit code 2: bad input')
        assertThat(h.stashCalls).isEmpty()
    }

    @Test
    void stepsNeedANode() {
        Throwable t = catchThrowable { h.load('flowcoreBase').call([spec: [registry: 'r:5000/x', images: []]]) }
        assertThat(t).isInstanceOf(IllegalStateException).hasMessageContaining('Required context class hudson.FilePath is missing')
    }

    @Test
    void grockerCompileStashesAndArchivesTheWheelhouse() {
        s.compile()
        assertThat(h.stashCalls[0].includes.split(',') as List).contains('.grocker/wheels/linux-amd64/**', '.grocker/wheels/linux-arm64/**')
        assertThat(h.stashCalls[0].useDefaultExcludes).isEqualTo(false)
        assertThat(h.archived).hasSize(1)
        assertThat(h.archived[0]).containsEntry('artifacts', '.grocker/wheels/**').containsEntry('fingerprint', true)
        assertThat(h.archived[0].files).contains('.grocker/wheels/linux-arm64/app-2.3.1-cp311-cp311-linux-arm64.whl',
                '.grocker/wheels/wheelhouse.json')
    }

    @Test
    void grockerCompileComposesAGivenSpecAndUsesItsCredentialNames() {
        java.nio.file.Path ws = h.agentWorkspace('docker')
        ws.resolve('apps/nav').toFile().mkdirs()
        ws.resolve('apps/nav/app.yaml').text = '''\
app: "./src"
base: 127.0.0.1:5000/py:1
image: 127.0.0.1:5000/apps/nav
index:
  url: https://nexus.example.com/simple
  credentials: {usernameEnv: NEXUS_USER, passwordEnv: NEXUS_PASSWORD}
tags: ["{version}"]
'''
        s.step('grockerCompile', [spec: 'apps/nav/app.yaml', base: '127.0.0.1:5000/py:2', indexCredentialsId: 'nexus', stash: 'nav'])
        Map env = s.command('compile').env
        assertThat(env).containsEntry('GROCKER_SPEC', 'apps/nav/.grocker-nav.app.json')
                .containsEntry('NEXUS_USER', 'ci-reader').containsEntry('NEXUS_PASSWORD', Scenarios.INDEX_PASSWORD)
                .doesNotContainKey('GROCKER_INDEX_PASSWORD').containsEntry('GROCKER_ARGS', '')
        Map spec = Scenarios.json(ws.resolve('apps/nav/.grocker-nav.app.json')) as Map
        assertThat(spec.app).isEqualTo('./src')
        assertThat(spec.base).isEqualTo('127.0.0.1:5000/py:2')
        assertThat(spec.tags).isEqualTo(['{version}'])
        assertThat(spec.index.credentials).isEqualTo([usernameEnv: 'NEXUS_USER', passwordEnv: 'NEXUS_PASSWORD'])
        assertThat(h.archived).isEmpty()
    }

    @Test
    void grockerCompileArgumentErrors() {
        assertThat(failure('grockerCompile', [base: 'r:5000/b:1'])).isEqualTo("grockerCompile: 'app' is required (or give 'spec', an application spec file)")
        assertThat(failure('grockerCompile', [app: 'a==1'])).isEqualTo("grockerCompile: 'base' is required (or give 'spec', an application spec file)")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'b', buildDependencies: 'gcc']))
                .isEqualTo("grockerCompile: 'buildDependencies' must be a list, got 'gcc'")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'b', stash: 'my wheels']))
                .isEqualTo("grockerCompile: 'stash' must be a name of letters, digits, '.', '_' or '-', got 'my wheels'")
        assertThat(failure('grockerCompile', [spec: '']))
                .isEqualTo("grockerCompile: 'spec' must be the path of an application spec file")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'b', wheels: 'ftp']))
                .isEqualTo("grockerCompile: 'wheels' must be 'stash' or 'registry', got 'ftp'")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'r:5000/b:1', wheels: 'registry']))
                .isEqualTo("grockerCompile: wheels: 'registry' needs 'wheelRepository' (or 'image', whose '-wheels' repository is used)")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'r:5000/b:1', runner: true]))
                .isEqualTo("grockerCompile: 'runner' must be a Map such as [push: true, tag: true], got 'true'")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'r:5000/b:1', runner: [pussh: true]]))
                .isEqualTo("grockerCompile: 'runner' has 'pussh'; it takes 'push', 'tag', 'report', 'scanCommand' and 'scanTimeout'")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'r:5000/b:1', runner: [push: 'yes']]))
                .isEqualTo("grockerCompile: 'runner.push' must be true or false, got 'yes'")
        assertThat(failure('grockerCompile', [app: 'a==1', base: 'r:5000/b:1', runner: [:]]))
                .isEqualTo("grockerCompile: 'runner' needs 'image' (the runner's repository; neither the arguments nor the spec give it)")
    }

    /** Issue 13: with 'runner', one process compiles and builds the runner (grocker app); nothing is stashed. */
    @Test
    void grockerCompileWithRunnerBuildsBothInOneProcess() {
        Map answer = s.step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/py:2',
                image: '127.0.0.1:5000/apps/nav', tags: ['{version}'], registryCredentialsId: 'registry',
                runner: [tag: false], platforms: ['linux/amd64']])
        assertThat(s.grocker.commands*.command).containsExactly('app')
        Map env = s.command('app').env
        assertThat(env.GROCKER_ARGS).isEqualTo('--push --no-tag --platform linux/amd64 --report .grocker/runner-grocker-wheels-report.html')
        assertThat(env.GROCKER_RESULT).isEqualTo('.grocker/compile-grocker-wheels.json')
        assertThat(env.GROCKER_RUNNER_RESULT).isEqualTo('.grocker/runner-grocker-wheels.json')
        assertThat(env.GROCKER_REGISTRY_HOST_1).isEqualTo('127.0.0.1:5000')
        assertThat(h.stashCalls).isEmpty()
        assertThat(answer.manifest.requirement).isEqualTo('navigator-api[locale]==2.3.1')
        assertThat(answer.runner.repository).isEqualTo('127.0.0.1:5000/apps/nav')
        assertThat(answer.runner.tags).containsExactly('127.0.0.1:5000/apps/nav:2.3.1')
        assertThat(answer.runner.platforms.keySet()).containsExactly('linux/amd64')
        assertThat(answer.runner.image).isEqualTo("127.0.0.1:5000/apps/nav@${answer.runner.digest}".toString())
        assertThat(answer.runner.resultFile).isEqualTo('.grocker/runner-grocker-wheels.json')
    }

    @Test
    void grockerRunUnstashesOnAnotherAgentAndReturnsTheDigests() { s.runOnAnotherAgent() }

    @Test
    void grockerRunMergesOneStashPerPlatform() {
        s.step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: 'r:5000/b:1', platforms: ['linux/amd64'], stash: 'w-amd64'], 'amd64')
        s.step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: 'r:5000/b:1', platforms: ['linux/arm64'], stash: 'w-arm64'], 'arm64')
        Map result = s.step('grockerRun', [stash: ['w-amd64', 'w-arm64'], image: 'r:5000/apps/nav',
                platforms: ['linux/amd64', 'linux/arm64']], 'runner')
        assertThat(h.unstashCalls).containsExactly('w-amd64', 'w-arm64')
        Map wheelhouse = Scenarios.json(h.agentWorkspace('runner').resolve('.grocker/wheels/wheelhouse.json')) as Map
        assertThat(wheelhouse.platforms.keySet()).containsExactlyInAnyOrder('linux/amd64', 'linux/arm64')
        assertThat(s.command('runner').env).containsEntry('GROCKER_ARGS',
                '--push --platform linux/amd64 --platform linux/arm64 --report .grocker/runner-w-amd64-report.html')
                .containsEntry('GROCKER_SPEC', '.grocker-w-amd64.runner.json')
        assertThat(result.platforms.keySet()).containsExactlyInAnyOrder('linux/amd64', 'linux/arm64')
    }

    @Test
    void grockerRunArgumentErrors() {
        s.step('grockerCompile', [app: 'a[x]==1', base: 'r:5000/b:1'])
        s.grocker.commands.clear()
        assertThat(failure('grockerRun', [:])).isEqualTo("grockerRun: 'image' is required (the runner's repository; " +
                'neither grockerCompile nor its spec named one)')
        assertThat(failure('grockerRun', [image: 'r:5000/a', push: 'no'])).isEqualTo("grockerRun: 'push' must be true or false, got 'no'")
        assertThat(failure('grockerRun', [stash: []])).isEqualTo("grockerRun: 'stash' is required (the stash of grockerCompile, or one per platform)")
        assertThat(failure('grockerRun', [image: 'r:5000/a', tags: 'latest'])).isEqualTo("grockerRun: 'tags' must be a list, got 'latest'")
    }

    @Test
    void grockerPromoteBindsEachRegistryItsCredentialAndArchivesTheAudit() { s.promote() }

    @Test
    void aFailedPromotionStillArchivesItsAudit() {
        s.grocker.exitCode = 4
        Throwable t = catchThrowable { s.step('grockerPromote', [from: 'r:5000/a:1', to: 'r:5000/b']) }
        assertThat(t).hasMessageStartingWith('grockerPromote: grocker promote failed with exit code 4: a registry failed')
        assertThat(h.archived*.artifacts).containsExactly(".grocker/promotion-${h.build.number}-report.html".toString(),
                ".grocker/promotion-${h.build.number}.json".toString())
        assertThat(h.inputs).isEmpty()
    }

    @Test
    void theScanGateGetsItsCommandThroughTheEnvironmentAndARefusalStillArchivesTheReport() {
        String scanner = 'trivy sbom --exit-code 1 --severity CRITICAL "$GROCKER_SCAN_SBOM"'
        s.grocker.exitCode = 5
        Throwable t = catchThrowable { s.step('flowcoreBase', [spec: 'a.yaml', scanCommand: scanner, scanTimeout: 600]) }
        assertThat(t).isInstanceOf(AbortException).hasMessage('flowcoreBase: grocker base failed with exit code 5: the scan gate ' +
                'refused: the scan command failed on a platform image (its output is in the log and the report); no tag was moved ' +
                '(the log above says why)')
        Map sh = s.shCall('base')
        assertThat(sh.script as String).doesNotContain('trivy')
        assertThat(sh.env).containsEntry('GROCKER_SCAN_COMMAND', scanner)
                .containsEntry('GROCKER_ARGS', '--push --report .grocker/base-report.html --scan-timeout 600')
        assertThat(h.archived*.artifacts).containsExactly('.grocker/base-report.html')
        assertThat(h.build.description).isEqualTo("flowcoreBase report: ${h.build.env.BUILD_URL}artifact/.grocker/base-report.html")

        s.grocker.exitCode = 0
        s.step('flowcoreBase', [spec: 'a.yaml', report: false])
        s.step('grockerPublish', [result: '.grocker/base.json', tags: ['latest'], scanCommand: scanner, report: 'reports/publish.html'])
        assertThat(s.command('publish').env).containsEntry('GROCKER_SCAN_COMMAND', scanner)
                .containsEntry('GROCKER_ARGS', '--tag latest --report reports/publish.html')
        assertThat(h.archived*.artifacts).contains('reports/publish.html')
        assertThat(h.build.description.readLines()).hasSize(2)
        s.step('grockerPromote', [from: 'r:5000/a:1', to: 'r:5000/b', scanCommand: scanner, report: false])
        assertThat(s.command('promote').env).containsEntry('GROCKER_SCAN_COMMAND', scanner).containsEntry('GROCKER_ARGS', '')
    }

    @Test
    void scanGateAndReportArgumentErrors() {
        assertThat(failure('flowcoreBase', [spec: 'a.yaml', scanCommand: ' '])).isEqualTo(
                "flowcoreBase: 'scanCommand' must be a shell command (a non-empty string), got ' '")
        assertThat(failure('grockerRun', [scanCommand: 'x', scanTimeout: '10'])).isEqualTo(
                "grockerRun: 'scanTimeout' must be a number of seconds above 0, got '10'")
        assertThat(failure('grockerPromote', [from: 'r:5000/a:1', to: 'r:5000/b', scanTimeout: 10])).isEqualTo(
                "grockerPromote: 'scanTimeout' needs 'scanCommand'")
        assertThat(failure('grockerPublish', [result: 'r.json', tags: ['x'], report: 'my report.html'])).isEqualTo(
                "grockerPublish: 'report' has 'my report.html', which is not a valid value (no blanks, quotes or shell characters)")
    }

    @Test
    void grockerPurgePassesThePolicyAndArchivesTheAudit() {
        Map record = s.step('grockerPurge', [repositories: ['127.0.0.1:5000/flowcore/python-base', '127.0.0.1:5000/apps/api'],
                keepLast: 3, olderThan: '30d', protect: ['release-.*'], candidates: 'gk-[0-9a-f]{64}', credentialsId: 'registry'])
        Map sh = s.shCall('purge')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" purge $GROCKER_REPOSITORIES --output-json "$GROCKER_RESULT" ' +
                '$GROCKER_ARGS')
        assertThat(sh.env).containsEntry('GROCKER_REPOSITORIES', '127.0.0.1:5000/flowcore/python-base 127.0.0.1:5000/apps/api')
                .containsEntry('GROCKER_ARGS', ("--candidates gk-[0-9a-f]{64} --keep-last 3 --older-than 30d --protect release-.* " +
                        "--audit .grocker/purge-${h.build.number}.json").toString())
                .containsEntry('GROCKER_REGISTRY_HOST_1', Scenarios.REGISTRY)
        assertThat(h.archived*.artifacts).containsExactly(".grocker/purge-${h.build.number}.json".toString())
        assertThat(h.archived[0].fingerprint).isEqualTo(true)
        assertThat(record.outcome).isEqualTo('purged')
        assertThat(record.auditFile).isEqualTo(".grocker/purge-${h.build.number}.json".toString())
        assertThat(h.echoes).anyMatch { it.startsWith('grockerPurge: purged, 2 manifest(s) deleted in ') }
        s.noSecretInScriptsOrLogs()

        Map dry = s.step('grockerPurge', [repositories: '127.0.0.1:5000/apps/api', olderThan: '2w', dryRun: true])
        assertThat(s.grocker.commands[-1].env.GROCKER_ARGS).isEqualTo('--older-than 2w --dry-run')
        assertThat(dry.outcome).isEqualTo('dry-run')
        assertThat(dry.auditFile).isNull()

        s.grocker.exitCode = 4
        Throwable t = catchThrowable { s.step('grockerPurge', [repositories: '127.0.0.1:5000/apps/api', keepLast: 1]) }
        assertThat(t).hasMessageStartingWith('grockerPurge: grocker purge failed with exit code 4: a registry failed')
    }

    @Test
    void grockerPurgeArgumentErrors() {
        assertThat(failure('grockerPurge', [keepLast: 1])).isEqualTo("grockerPurge: 'repositories' is required (one or more registry/repository)")
        assertThat(failure('grockerPurge', [repositories: 'r:5000/a'])).isEqualTo(
                "grockerPurge: give 'keepLast', 'olderThan' or both; without them every cache tag would go")
        assertThat(failure('grockerPurge', [repositories: 'r:5000/a', keepLast: '5'])).isEqualTo(
                "grockerPurge: 'keepLast' must be a number of 0 or more, got '5'")
        assertThat(failure('grockerPurge', [repositories: 'r:5000/a', olderThan: '30 days'])).isEqualTo(
                "grockerPurge: 'olderThan' has '30 days', which is not a valid value (no blanks, quotes or shell characters)")
        assertThat(failure('grockerPurge', [repositories: 'r:5000/a', keepLast: 1, protect: ['v.* ; rm']])).isEqualTo(
                "grockerPurge: 'protect' must be a regular expression without blanks or quotes, got 'v.* ; rm'")
        assertThat(failure('grockerPurge', [repositories: ['r:5000/a', 'q:5000/b'], keepLast: 1, credentialsId: 'x'])).isEqualTo(
                "grockerPurge: 'credentialsId' would be offered to q:5000 and r:5000: give registryCredentials: " +
                "['host': 'credentials-id', ...] with one credential per registry")
    }

    @Test
    void grockerPromoteArgumentErrors() {
        assertThat(failure('grockerPromote', [to: 'r:5000/b'])).isEqualTo("grockerPromote: 'from' is required (registry/repository:tag or @sha256:digest)")
        assertThat(failure('grockerPromote', [from: 'r:5000/a:1'])).isEqualTo("grockerPromote: 'to' is required (one or more registry/repository[:tag])")
        assertThat(failure('grockerPromote', [from: 'r:5000/a:1', to: 'r:5000/b', approve: [submiter: 'x']]))
                .isEqualTo("grockerPromote: 'approve' has unknown key 'submiter' (known: submitter, message, ok, timeoutMinutes)")
        assertThat(failure('grockerPromote', [from: 'r:5000/a:1', to: ['r:5000/b c']]))
                .startsWith("grockerPromote: 'to' has 'r:5000/b c', which is not a valid value")
        assertThat(h.inputs).isEmpty()
    }

    @Test
    void grockerPublishTagsAResult() { s.publish() }

    @Test
    void grockerPublishArgumentErrors() {
        assertThat(failure('grockerPublish', [tags: ['latest']])).isEqualTo("grockerPublish: 'result' is required (the resultFile of flowcoreBase or grockerRun)")
        assertThat(failure('grockerPublish', [result: 'r.json'])).isEqualTo("grockerPublish: 'tags' is required (at least one tag or template)")
    }
}
