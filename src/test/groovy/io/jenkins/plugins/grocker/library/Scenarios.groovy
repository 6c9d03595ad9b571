package io.jenkins.plugins.grocker.library

import groovy.json.JsonSlurperClassic

import java.nio.file.Files

import static org.assertj.core.api.Assertions.assertThat

/**
 * The steps' normal runs against {@link FakeGrocker}, with what a user would check: the exact script and
 * environment of each command, no secret in any script, the stash/unstash/archive calls, and the returned Map.
 * Run both as plain Groovy ({@link StepsTest}) and under CPS ({@link StepsCpsTest}).
 */
class Scenarios {
    static final String REGISTRY_PASSWORD = 'Reg-s3cret-pw'
    static final String INDEX_PASSWORD = 'Idx-s3cret-pw'

    final PipelineHarness h
    final FakeGrocker grocker = new FakeGrocker()

    Scenarios(PipelineHarness h) {
        this.h = h
        h.shell = { String script, Map env, java.nio.file.Path ws -> grocker.call(script, env, ws) }
        h.env.GROCKER_CLI = '/opt/grocker/bin/grocker'
        h.env.BUILD_NUMBER = '42'
        h.credentials['registry'] = ['ci-pusher', REGISTRY_PASSWORD]
        h.credentials['nexus'] = ['ci-reader', INDEX_PASSWORD]
    }

    Object step(String name, Map args) {
        return h.load(name).call(args)
    }

    /** The one grocker command run so far with this name. */
    Map command(String name) {
        List<Map> found = grocker.commands.findAll { it.command == name }
        assertThat(found).as("grocker ${name} runs").hasSize(1)
        return found[0]
    }

    Map shCall(String command) {
        return h.shCalls.find { it.label == "grocker ${command}" }
    }

    void noSecretInScriptsOrLogs() {
        h.shCalls.each { Map c -> h.secrets().each { assertThat(c.script as String).doesNotContain(it) } }
        h.echoes.each { String line -> h.secrets().each { assertThat(line).doesNotContain(it) } }
    }

    void base() {
        Map result = step('flowcoreBase', [spec: 'examples/flowcore/flowcore.yaml', platforms: ['linux/amd64', 'linux/arm64'],
                                           registryCredentialsId: 'registry'])
        Map sh = shCall('base')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" base --spec "$GROCKER_SPEC" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS')
        assertThat(sh.env).containsEntry('GROCKER_CLI', '/opt/grocker/bin/grocker')
                .containsEntry('GROCKER_SPEC', 'examples/flowcore/flowcore.yaml')
                .containsEntry('GROCKER_RESULT', '.grocker/base.json')
                .containsEntry('GROCKER_ARGS', '--push --platform linux/amd64 --platform linux/arm64')
                .containsEntry('GROCKER_REGISTRY_USERNAME', 'ci-pusher')
                .containsEntry('GROCKER_REGISTRY_PASSWORD', REGISTRY_PASSWORD)
        assertThat(h.archived*.artifacts).containsExactly('.grocker/base.json')
        assertThat(h.archived[0].fingerprint).isEqualTo(true)
        assertThat(result.images[0].index.digest).isEqualTo(FakeGrocker.INDEX_DIGEST)
        assertThat(result.images[0].repository).isEqualTo('127.0.0.1:5000/flowcore/flowcore')
        assertThat(result.resultFile).isEqualTo('.grocker/base.json')
        assertThat(h.echoes).anyMatch { it.contains("127.0.0.1:5000/flowcore/flowcore@${FakeGrocker.INDEX_DIGEST}") }
        noSecretInScriptsOrLogs()
    }

    void baseInline() {
        Map spec = [registry: '127.0.0.1:5000/t', platforms: ['linux/amd64'],
                    images: [[name: 'py', from: '127.0.0.1:5000/debian:bookworm', packages: ['python3']]]]
        step('flowcoreBase', [spec: spec, push: false])
        Map sh = shCall('base')
        assertThat(sh.env).containsEntry('GROCKER_SPEC', '.grocker-base.json').containsEntry('GROCKER_ARGS', '--no-push')
                .doesNotContainKey('GROCKER_REGISTRY_PASSWORD')
        assertThat(new JsonSlurperClassic().parseText(h.file('.grocker-base.json').text)).isEqualTo(spec)
    }

    Map compile(Map extra = [:]) {
        Map result = step('grockerCompile', [app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/flowcore/flowcore:3.11',
                image: '127.0.0.1:5000/apps/navigator-api', buildDependencies: ['gcc', 'libpq-dev'],
                indexUrl: 'https://nexus.example.com/simple', indexCredentialsId: 'nexus', registryCredentialsId: 'registry',
                platforms: ['linux/amd64', 'linux/arm64'], archive: true] + extra)
        Map sh = shCall('compile')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" compile --spec "$GROCKER_SPEC" --output "$GROCKER_WHEELS" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS')
        String stashId = extra.stash ?: 'grocker-wheels'
        assertThat(sh.env).containsEntry('GROCKER_SPEC', ".grocker-${stashId}.app.json".toString())
                .containsEntry('GROCKER_WHEELS', '.grocker/wheels')
                .containsEntry('GROCKER_RESULT', ".grocker/compile-${stashId}.json".toString())
                .containsEntry('GROCKER_INDEX_USERNAME', 'ci-reader').containsEntry('GROCKER_INDEX_PASSWORD', INDEX_PASSWORD)
                .containsEntry('GROCKER_REGISTRY_PASSWORD', REGISTRY_PASSWORD)
        Map spec = new JsonSlurperClassic().parseText(h.file(".grocker-${stashId}.app.json").text)
        assertThat(spec).isEqualTo([app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/flowcore/flowcore:3.11',
                image: '127.0.0.1:5000/apps/navigator-api', dependencies: [build: ['gcc', 'libpq-dev']],
                index: [url: 'https://nexus.example.com/simple']])
        Map stash = h.stashCalls[-1]
        assertThat(stash.name).isEqualTo(stashId)
        assertThat((stash.includes as String).split(',') as List).contains(".grocker-${stashId}.app.json".toString(),
                ".grocker/handoff-${stashId}.json".toString())
        assertThat(result.manifest.requirement).isEqualTo('navigator-api[locale]==2.3.1')
        assertThat(result.stash).isEqualTo(stashId)
        assertThat(result.wheels).isEqualTo('.grocker/wheels')
        noSecretInScriptsOrLogs()
        return result
    }

    Map runOnAnotherAgent() {
        compile(platforms: ['linux/amd64', 'linux/arm64'])
        h.workspace = h.agent('runner')
        Map result = step('grockerRun', [registryCredentialsId: 'registry', tags: ['{version}', 'latest']])
        assertThat(h.unstashCalls).containsExactly('grocker-wheels')
        Map sh = shCall('runner')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" runner --spec "$GROCKER_SPEC" --wheels "$GROCKER_WHEELS" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS')
        assertThat(sh.env).containsEntry('GROCKER_SPEC', '.grocker-grocker-wheels.runner.json')
                .containsEntry('GROCKER_WHEELS', '.grocker/wheels').containsEntry('GROCKER_ARGS', '--push')
                .containsEntry('GROCKER_RESULT', '.grocker/runner-grocker-wheels.json')
                .containsEntry('GROCKER_REGISTRY_PASSWORD', REGISTRY_PASSWORD).doesNotContainKey('GROCKER_INDEX_PASSWORD')
        assertThat(sh.dir).isEqualTo(h.agent('runner'))
        // the wheels came over in the stash; the runner's spec needs no sources, index or build dependencies
        assertThat(Files.isRegularFile(h.file('.grocker/wheels/linux-arm64/app-1.0.0-cp311-cp311-linux-arm64.whl'))).isTrue()
        Map spec = new JsonSlurperClassic().parseText(h.file('.grocker-grocker-wheels.runner.json').text)
        assertThat(spec).isEqualTo([app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/flowcore/flowcore:3.11',
                image: '127.0.0.1:5000/apps/navigator-api', dependencies: [:], tags: ['{version}', 'latest']])
        assertThat(result).containsEntry('repository', '127.0.0.1:5000/apps/navigator-api')
                .containsEntry('digest', FakeGrocker.INDEX_DIGEST)
                .containsEntry('image', "127.0.0.1:5000/apps/navigator-api@${FakeGrocker.INDEX_DIGEST}".toString())
                .containsEntry('tags', ['1.0.0', 'latest'])
                .containsEntry('platforms', ['linux/amd64': FakeGrocker.AMD64_DIGEST, 'linux/arm64': FakeGrocker.ARM64_DIGEST])
        noSecretInScriptsOrLogs()
        return result
    }

    Map promote() {
        Map result = step('grockerPromote', [from: '127.0.0.1:5000/apps/navigator-api:2.3.1',
                to: ['127.0.0.1:5000/release/navigator-api', '127.0.0.1:5001/prod/navigator-api'], tags: ['{major}.{minor}'],
                version: '2.3.1', credentialsId: 'registry',
                approve: [submitter: 'release-managers', message: 'Ship it?', timeoutMinutes: 30]])
        assertThat(h.inputs).containsExactly([message: 'Ship it?', ok: 'Promote', submitter: 'release-managers'])
        Map sh = shCall('promote')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" promote "$GROCKER_FROM" $GROCKER_TO --audit "$GROCKER_AUDIT" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS')
        assertThat(sh.env).containsEntry('GROCKER_FROM', '127.0.0.1:5000/apps/navigator-api:2.3.1')
                .containsEntry('GROCKER_TO', '127.0.0.1:5000/release/navigator-api 127.0.0.1:5001/prod/navigator-api')
                .containsEntry('GROCKER_ARGS', '--tag {major}.{minor} --version 2.3.1')
                .containsEntry('GROCKER_AUDIT', '.grocker/promotion-42.json')
                .containsEntry('GROCKER_REGISTRY_PASSWORD', REGISTRY_PASSWORD)
        assertThat(h.archived*.artifacts).containsExactly('.grocker/promotion-42.json')
        assertThat(result.outcome).isEqualTo('promoted')
        assertThat(result.digest).isEqualTo(FakeGrocker.INDEX_DIGEST)
        assertThat(result.targets*.outcome).containsExactly('tagged', 'tagged')
        noSecretInScriptsOrLogs()
        return result
    }

    Map publish() {
        Map result = step('grockerPublish', [result: '.grocker/runner-grocker-wheels.json', tags: ['latest', '{git_sha}'],
                credentialsId: 'registry'])
        Map sh = shCall('publish')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" publish --result "$GROCKER_INPUT" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS')
        assertThat(sh.env).containsEntry('GROCKER_INPUT', '.grocker/runner-grocker-wheels.json')
                .containsEntry('GROCKER_ARGS', '--tag latest --tag {git_sha}')
        assertThat(result.tags[0].tag).isEqualTo('latest')
        noSecretInScriptsOrLogs()
        return result
    }

    /** grockerPipeline with the real steps (on the fake command line) registered as global steps. */
    Map pipeline(Map params) {
        ['flowcoreBase', 'grockerCompile', 'grockerRun', 'grockerPublish', 'grockerPromote'].each { String name ->
            h.test.helper.registerAllowedMethod(name, [Map]) { Map m -> h.load(name).call(m) }
        }
        h.test.binding.setVariable('params', params)
        return step('grockerPipeline', [base: '127.0.0.1:5000/flowcore/flowcore:3.11', image: '127.0.0.1:5000/apps/navigator-api',
                baseSpec: 'examples/flowcore/flowcore.yaml', app: 'navigator-api[locale]', agent: 'docker',
                agents: ['linux/amd64': 'amd64', 'linux/arm64': 'arm64'], registryCredentialsId: 'registry',
                indexCredentialsId: 'nexus', indexUrl: 'https://nexus.example.com/simple'])
    }
}
