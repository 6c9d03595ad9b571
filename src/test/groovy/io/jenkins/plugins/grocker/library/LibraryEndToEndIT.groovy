package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import io.jenkins.plugins.grocker.image.ImageReference
import io.jenkins.plugins.grocker.testing.SampleApp
import io.jenkins.plugins.grocker.testing.TestEnvironment
import org.junit.Before
import org.junit.Test

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

import static org.assertj.core.api.Assertions.assertThat

/**
 * The steps end to end: `sh` really runs (bash, with the environment withEnv/withCredentials built), the
 * steps drive the real command line (bin/grocker, target/grocker.jar from `mvn package`) against the real
 * Docker engine and a real registry. flowcoreBase builds a small base; grockerCompile compiles a pure-Python
 * source tree on one "agent"; its stash is copied to a second agent's workspace, where grockerRun builds and
 * pushes the runner; grockerPromote copies it to a release repository. The promoted tag names the digest
 * of the index grockerRun built, and no secret reached a script or the log.
 */
class LibraryEndToEndIT extends BasePipelineTest {
    static final String REGISTRY_PASSWORD = 'E2e-reg-' + Long.toHexString(System.nanoTime())

    TestEnvironment t
    PipelineHarness h
    final StringBuilder log = new StringBuilder()

    @Before
    @Override
    void setUp() throws Exception {
        baseScriptRoot = '.'
        scriptRoots = ['.'] as String[]
        scriptExtension = 'groovy'
        super.setUp()
        t = TestEnvironment.get()
        h = new PipelineHarness(this)
        h.install()
        h.env.putAll(t.env([:]))
        h.env.GROCKER_CLI = t.root.resolve('bin/grocker').toString()
        h.env.GROCKER_CACHE_DIR = h.root.resolve('pip-cache').toString()
        h.env.BUILD_NUMBER = '7'
        // the test registry is open: the credential is bound all the same, to check where it goes
        h.credentials['registry'] = ['jenkins', REGISTRY_PASSWORD]
        h.shell = { String script, Map<String, String> env, Path dir -> bash(script, env, dir) }
        h.test.helper.registerAllowedMethod('echo', [String]) { String line -> h.echoes.add(line); say(line) }
    }

    private void say(String line) {
        synchronized (log) {
            log.append(line).append('\n')
        }
        println(line)
    }

    private Map bash(String script, Map<String, String> env, Path dir) {
        ProcessBuilder pb = new ProcessBuilder('bash', '-c', script).directory(dir.toFile()).redirectErrorStream(true)
        pb.environment().putAll(env)
        Process p = pb.start()
        StringBuilder out = new StringBuilder()
        p.inputStream.eachLine('UTF-8') { String line -> out.append(line).append('\n'); say('[sh] ' + line) }
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue()
        return [status: p.exitValue(), stdout: out.toString()]
    }

    @Test
    void baseCompileOnOneAgentRunnerOnAnotherThenPromote() {
        String host = t.registry.host()
        long start = System.currentTimeMillis()

        Map base = h.load('flowcoreBase').call(spec: [registry: "${host}/e2e".toString(), platforms: ['linux/amd64'],
                images: [[name: 'py', from: t.debian(), packages: ['python3'], tags: ['1']]]], registryCredentialsId: 'registry')
        assertThat(base.images*.name).containsExactly('py')
        String baseDigest = base.images[0].index.digest
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/py:1")).orElseThrow().digest()).isEqualTo(baseDigest)

        // the compile agent: a checkout with the application's sources
        h.workspace = h.agent('compile')
        SampleApp.sourceTree(SampleApp.HELPER, SampleApp.HELPER_VERSION, h.workspace.resolve('src'))
        Map compiled = h.load('grockerCompile').call(app: "./src/${SampleApp.HELPER}-${SampleApp.HELPER_VERSION}".toString(),
                base: "${host}/e2e/py:1".toString(), image: "${host}/e2e/helper".toString(), platforms: ['linux/amd64'],
                entrypoint: [default: 'hello', services: [hello: ['python', '-c', 'import grocker_sample_helper; print("hello")']]],
                tags: ['{version}'], registryCredentialsId: 'registry', archive: true)
        assertThat(compiled.manifest.requirement).isEqualTo("${SampleApp.HELPER}==${SampleApp.HELPER_VERSION}".toString())
        assertThat(h.archived.find { it.artifacts == '.grocker/wheels/**' }.files).anyMatch { it.endsWith('.whl') }

        // the runner agent: an empty workspace that gets the wheels only through the stash
        h.workspace = h.agent('runner')
        assertThat(Files.exists(h.workspace.resolve('src'))).isFalse()
        Map run = h.load('grockerRun').call(registryCredentialsId: 'registry', user: [name: 'app', uid: 1001])
        assertThat(h.unstashCalls).containsExactly('grocker-wheels')
        assertThat(Files.list(h.workspace.resolve('.grocker/wheels/linux-amd64')).count()).isGreaterThan(0L)
        assertThat(run.repository).isEqualTo("${host}/e2e/helper".toString())
        assertThat(run.digest).startsWith('sha256:')
        assertThat(run.platforms.keySet()).containsExactly('linux/amd64')
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/helper:${SampleApp.HELPER_VERSION}")).orElseThrow().digest())
                .isEqualTo(run.digest)

        Map promoted = h.load('grockerPromote').call(from: run.image, to: ["${host}/release/helper".toString()],
                tags: ['{version}', 'stable'], version: SampleApp.HELPER_VERSION, credentialsId: 'registry')
        assertThat(promoted.outcome).isEqualTo('promoted')
        assertThat(promoted.digest).isEqualTo(run.digest)
        for (String tag in [SampleApp.HELPER_VERSION, 'stable']) {
            assertThat(t.registryClient.head(ImageReference.parse("${host}/release/helper:${tag}")).orElseThrow().digest())
                    .as("release tag ${tag}").isEqualTo(run.digest)
        }
        assertThat(h.archived*.artifacts).contains('.grocker/promotion-7.json')
        assertThat(Files.isRegularFile(h.artifacts.resolve('.grocker/promotion-7.json'))).isTrue()

        // the password went into the commands' environment, never into a script or the log
        assertThat(h.shCalls.findAll { it.label?.startsWith('grocker ') }*.env*.GROCKER_REGISTRY_PASSWORD).containsOnly(REGISTRY_PASSWORD)
        h.shCalls.each { assertThat(it.script as String).doesNotContain(REGISTRY_PASSWORD) }
        assertThat(log.toString()).doesNotContain(REGISTRY_PASSWORD)
        println("LibraryEndToEndIT: base -> compile -> runner -> promote in ${(System.currentTimeMillis() - start) / 1000}s")
    }
}
