package io.jenkins.plugins.grocker.library

import groovy.json.JsonSlurperClassic

import java.nio.file.Files

import static org.assertj.core.api.Assertions.assertThat

/**
 * The steps' normal runs against {@link FakeGrocker} on {@link JenkinsHarness}, with what a user would check: the
 * exact script and environment of each command, no secret in any script, the stash/unstash/archive calls, and the
 * returned Map. Run both as plain Groovy ({@link StepsTest}) and under CPS ({@link StepsCpsTest}).
 */
class Scenarios {
    /** The scan gate's part of a step's script: the shell command comes from $GROCKER_SCAN_COMMAND. */
    static final String SCAN = ' ${GROCKER_SCAN_COMMAND:+--scan-command "$GROCKER_SCAN_COMMAND"}'

    static final String REGISTRY_PASSWORD = 'Reg-s3cret-pw'
    static final String RELEASE_PASSWORD = 'Rel-s3cret-pw'
    static final String INDEX_PASSWORD = 'Idx-s3cret-pw'
    static final String REGISTRY = '127.0.0.1:5000'

    final JenkinsHarness h
    final FakeGrocker grocker = new FakeGrocker()

    Scenarios(JenkinsHarness h) {
        this.h = h
        h.shell = { String script, Map env, java.nio.file.Path ws -> grocker.call(script, env, ws) }
        h.globalEnv.GROCKER_CLI = '/opt/grocker/bin/grocker'
        h.credentials['registry'] = ['ci-pusher', REGISTRY_PASSWORD]
        h.credentials['release'] = ['ci-releaser', RELEASE_PASSWORD]
        h.credentials['nexus'] = ['ci-reader', INDEX_PASSWORD]
        h.groups['jdoe'] = ['release-managers']
        h.groups['mallory'] = ['developers']
    }

    /** Runs a step as a Jenkinsfile does: inside node(LABEL). */
    Object step(String name, Map args, String label = 'docker') {
        return h.onAgent(label) { h.load(name).call(args) }
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

    static Object json(java.nio.file.Path file) {
        return new JsonSlurperClassic().parseText(file.text)
    }

    void noSecretInScriptsOrLogs() {
        h.shCalls.each { Map c -> h.secrets().each { assertThat(c.script as String).doesNotContain(it) } }
        h.echoes.each { String line -> h.secrets().each { assertThat(line).doesNotContain(it) } }
    }

    void base() {
        Map result = step('flowcoreBase', [spec: [registry: "${REGISTRY}/flowcore".toString(), platforms: ['linux/amd64', 'linux/arm64'],
                images: [[name: 'flowcore', from: "${REGISTRY}/debian:bookworm".toString()]]],
                platforms: ['linux/amd64', 'linux/arm64'], registryCredentialsId: 'registry'])
        Map sh = shCall('base')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" base --spec "$GROCKER_SPEC" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS' + SCAN)
        assertThat(sh.env).containsEntry('GROCKER_CLI', '/opt/grocker/bin/grocker')
                .containsEntry('GROCKER_SPEC', '.grocker-base.json')
                .containsEntry('GROCKER_RESULT', '.grocker/base.json')
                .containsEntry('GROCKER_ARGS', '--push --platform linux/amd64 --platform linux/arm64 --report .grocker/base-report.html')
                .containsEntry('GROCKER_SCAN_COMMAND', '')
                .containsEntry('GROCKER_REGISTRY_HOST_1', REGISTRY)
                .containsEntry('GROCKER_REGISTRY_USERNAME_1', 'ci-pusher')
                .containsEntry('GROCKER_REGISTRY_PASSWORD_1', REGISTRY_PASSWORD)
                .doesNotContainKey('GROCKER_REGISTRY_PASSWORD')
        assertThat(h.archived*.artifacts).containsExactly('.grocker/base-report.html', '.grocker/base.json')
        assertThat(h.archived[1].fingerprint).isEqualTo(true)
        assertThat(result.reportFile).isEqualTo('.grocker/base-report.html')
        assertThat(h.echoes).contains("flowcoreBase: report: ${h.build.env.BUILD_URL}artifact/.grocker/base-report.html".toString())
        assertThat(h.build.description).contains("flowcoreBase report: ${h.build.env.BUILD_URL}artifact/.grocker/base-report.html")
        assertThat(result.images[0].index.digest).startsWith('sha256:')
        assertThat(result.images[0].repository).isEqualTo('127.0.0.1:5000/flowcore/flowcore')
        assertThat(result.resultFile).isEqualTo('.grocker/base.json')
        assertThat(h.echoes).anyMatch { it.contains("127.0.0.1:5000/flowcore/flowcore@${result.images[0].index.digest}") }
        noSecretInScriptsOrLogs()
    }

    void baseInline() {
        Map spec = [registry: '127.0.0.1:5000/t', platforms: ['linux/amd64'],
                    images: [[name: 'py', from: '127.0.0.1:5000/debian:bookworm', packages: ['python3'], env: [MODE: 'null']]]]
        Map result = step('flowcoreBase', [spec: spec, push: false])
        Map sh = shCall('base')
        assertThat(sh.env).containsEntry('GROCKER_SPEC', '.grocker-base.json')
                .containsEntry('GROCKER_ARGS', '--no-push --report .grocker/base-report.html')
                .doesNotContainKey('GROCKER_REGISTRY_PASSWORD_1')
        // written as given: the string "null" stays a string (json-lib's writeJSON would write null)
        assertThat(json(h.agentWorkspace('docker').resolve('.grocker-base.json'))).isEqualTo(spec)
        assertThat(result.pushed).isFalse()
        assertThat(result.images[0].index).isNull()
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
                .containsEntry('GROCKER_REGISTRY_HOST_1', REGISTRY)
                .containsEntry('GROCKER_REGISTRY_PASSWORD_1', REGISTRY_PASSWORD)
        Map spec = json(h.agentWorkspace('docker').resolve(".grocker-${stashId}.app.json")) as Map
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
        Map result = step('grockerRun', [registryCredentialsId: 'registry', tags: ['{version}', 'latest']], 'runner')
        assertThat(h.unstashCalls).containsExactly('grocker-wheels')
        Map sh = shCall('runner')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" runner --spec "$GROCKER_SPEC" --wheels "$GROCKER_WHEELS" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS' + SCAN)
        assertThat(sh.env).containsEntry('GROCKER_SPEC', '.grocker-grocker-wheels.runner.json')
                .containsEntry('GROCKER_WHEELS', '.grocker/wheels')
                .containsEntry('GROCKER_ARGS', '--push --report .grocker/runner-grocker-wheels-report.html')
                .containsEntry('GROCKER_RESULT', '.grocker/runner-grocker-wheels.json')
                .containsEntry('GROCKER_REGISTRY_PASSWORD_1', REGISTRY_PASSWORD).doesNotContainKey('GROCKER_INDEX_PASSWORD')
        assertThat(sh.dir).isEqualTo(h.agentWorkspace('runner'))
        // the wheels came over in the stash; the runner's spec needs no sources, index or build dependencies
        assertThat(Files.isRegularFile(h.agentWorkspace('runner').resolve('.grocker/wheels/linux-arm64/app-2.3.1-cp311-cp311-linux-arm64.whl')))
                .isTrue()
        Map spec = json(h.agentWorkspace('runner').resolve('.grocker-grocker-wheels.runner.json')) as Map
        assertThat(spec).isEqualTo([app: 'navigator-api[locale]==2.3.1', base: '127.0.0.1:5000/flowcore/flowcore:3.11',
                image: '127.0.0.1:5000/apps/navigator-api', dependencies: [:], tags: ['{version}', 'latest']])
        assertThat(result).containsEntry('repository', '127.0.0.1:5000/apps/navigator-api')
                .containsEntry('tags', ['127.0.0.1:5000/apps/navigator-api:2.3.1', '127.0.0.1:5000/apps/navigator-api:latest'])
        assertThat(result.digest).startsWith('sha256:')
        assertThat(result.image).isEqualTo("127.0.0.1:5000/apps/navigator-api@${result.digest}".toString())
        assertThat(result.platforms.keySet()).containsExactlyInAnyOrder('linux/amd64', 'linux/arm64')
        noSecretInScriptsOrLogs()
        return result
    }

    Map promote() {
        Map result = step('grockerPromote', [from: '127.0.0.1:5000/apps/navigator-api:2.3.1',
                to: ['127.0.0.1:5000/release/navigator-api', '127.0.0.1:5001/prod/navigator-api'], tags: ['{major}.{minor}'],
                version: '2.3.1', registryCredentials: ['127.0.0.1:5000': 'registry', '127.0.0.1:5001': 'release']])
        Map sh = shCall('promote')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" promote "$GROCKER_FROM" $GROCKER_TO --audit "$GROCKER_AUDIT" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS' + SCAN)
        assertThat(sh.env).containsEntry('GROCKER_FROM', '127.0.0.1:5000/apps/navigator-api:2.3.1')
                .containsEntry('GROCKER_TO', '127.0.0.1:5000/release/navigator-api 127.0.0.1:5001/prod/navigator-api')
                .containsEntry('GROCKER_ARGS', "--tag {major}.{minor} --version 2.3.1 --report .grocker/promotion-${h.build.number}-report.html"
                        .toString())
                .containsEntry('GROCKER_AUDIT', ".grocker/promotion-${h.build.number}.json".toString())
                .containsEntry('GROCKER_REGISTRY_HOST_1', '127.0.0.1:5000').containsEntry('GROCKER_REGISTRY_PASSWORD_1', REGISTRY_PASSWORD)
                .containsEntry('GROCKER_REGISTRY_HOST_2', '127.0.0.1:5001').containsEntry('GROCKER_REGISTRY_PASSWORD_2', RELEASE_PASSWORD)
        assertThat(h.archived*.artifacts).containsExactly(".grocker/promotion-${h.build.number}-report.html".toString(),
                ".grocker/promotion-${h.build.number}.json".toString())
        assertThat(result.outcome).isEqualTo('promoted')
        assertThat(result.digest).startsWith('sha256:')
        assertThat(result.targets*.outcome).containsExactly('tagged', 'tagged')
        noSecretInScriptsOrLogs()
        return result
    }

    Map publish() {
        runOnAnotherAgent()
        Map result = step('grockerPublish', [result: '.grocker/runner-grocker-wheels.json', tags: ['latest', '{git_sha}'],
                credentialsId: 'registry'], 'runner')
        Map sh = shCall('publish')
        assertThat(sh.script).isEqualTo('set -f; "$GROCKER_CLI" publish --result "$GROCKER_INPUT" ' +
                '--output-json "$GROCKER_RESULT" $GROCKER_ARGS' + SCAN)
        assertThat(sh.env).containsEntry('GROCKER_INPUT', '.grocker/runner-grocker-wheels.json')
                .containsEntry('GROCKER_ARGS', '--tag latest --tag {git_sha} --report .grocker/publish-report.html')
                .containsEntry('GROCKER_REGISTRY_HOST_1', REGISTRY)
        assertThat(result.tags[0].tag).isEqualTo('latest')
        noSecretInScriptsOrLogs()
        return result
    }

    /** Registers the real steps (on the fake command line) as global steps, as Jenkins does for vars/. */
    void registerSteps() {
        ['flowcoreBase', 'grockerCompile', 'grockerRun', 'grockerPublish', 'grockerPromote', 'grockerIndex'].each { String name ->
            h.test.helper.registerAllowedMethod(name, [Map]) { Map m -> h.load(name).call(m) }
        }
    }

    static final Map PIPELINE = [base: '127.0.0.1:5000/flowcore/flowcore:3.11', image: '127.0.0.1:5000/apps/navigator-api',
            baseSpec: 'flowcore.yaml', app: 'navigator-api[locale]', agent: 'docker',
            agents: ['linux/amd64': 'amd64', 'linux/arm64': 'arm64'], registryCredentialsId: 'registry',
            indexCredentialsId: 'nexus', indexUrl: 'https://nexus.example.com/simple']

    /**
     * grockerPipeline as a job: a first build (which declares the parameters, as Jenkins needs), then a build with
     * PARAMS; release managers approve. Returns the second build's results.
     */
    Map pipeline(Map params, Map settings = [:]) {
        registerSteps()
        ['amd64', 'arm64', 'docker'].each { h.agentWorkspace(it).resolve('flowcore.yaml').text = "registry: ${REGISTRY}/flowcore\n" }
        h.responder = { Map input, JenkinsHarness.Build b -> [user: 'jdoe', action: 'proceed'] }
        h.jobProperties = [[parameters: [[name: 'APP'], [name: 'VERSION'], [name: 'PLATFORMS'], [name: 'PUSH'], [name: 'PROMOTE_TO']]]]
        return h.runBuild(params) { h.load('grockerPipeline').call(PIPELINE + settings) } as Map
    }
}
