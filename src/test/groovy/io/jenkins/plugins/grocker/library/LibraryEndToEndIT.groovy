package io.jenkins.plugins.grocker.library

import com.sun.net.httpserver.HttpServer
import hudson.AbortException
import io.jenkins.plugins.grocker.image.ImageReference
import io.jenkins.plugins.grocker.testing.SampleApp
import io.jenkins.plugins.grocker.testing.TestEnvironment
import org.junit.After
import org.junit.Test

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.zip.ZipEntry
import java.util.zip.ZipFile
import java.util.zip.ZipOutputStream

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * The steps end to end on the harness, with `sh` really running bash in the agents' workspaces, against the real
 * command line, Docker engine and registry. The agents start fresh: HOME and PATH without grocker. The command line
 * is released with scripts/release-cli into a Maven repository this test serves over HTTP; the first step installs
 * it (downloaded once, then reused from the cache; two installs at once leave a good cache), a tampered jar is
 * refused. Build 1: flowcoreBase (also with push: false, and with tag: false followed by grockerIndex),
 * grockerCompile of a local source tree on one agent, grockerRun on another (also with push: false), then
 * grockerPromote. Build 2, on the same workspaces, compiles and runs another version of the
 * application. No secret reaches a script or the log.
 */
class LibraryEndToEndIT extends LibraryTestBase {
    static final String REGISTRY_PASSWORD = 'E2e-reg-' + Long.toHexString(System.nanoTime())
    static final String VERSION = '0.0.0-e2e'

    TestEnvironment t
    HttpServer server
    final Map<String, AtomicInteger> downloads = new ConcurrentHashMap<>()
    final StringBuilder log = new StringBuilder()
    Path home

    @Override
    protected void configure(JenkinsHarness harness) {
        t = TestEnvironment.get()
        harness.globalEnv.putAll(t.env([:]))
        home = Files.createDirectories(harness.root.resolve('home'))
        harness.globalEnv.HOME = home.toString()
        harness.globalEnv.PATH = '/usr/local/bin:/usr/bin:/bin'
        harness.globalEnv.GROCKER_CACHE_DIR = harness.root.resolve('pip-cache').toString()
        harness.credentials['registry'] = ['jenkins', REGISTRY_PASSWORD]
        harness.shell = { String script, Map<String, String> env, Path dir -> bash(script, env, dir) }
    }

    @After
    void stopServer() {
        server?.stop(0)
    }

    private void say(String line) {
        synchronized (log) {
            log.append(line).append('\n')
        }
        println(line)
    }

    private Map bash(String script, Map<String, String> env, Path dir) {
        ProcessBuilder pb = new ProcessBuilder('bash', '-c', script).directory(dir.toFile()).redirectErrorStream(true)
        pb.environment().clear()
        pb.environment().putAll(env)
        Process p = pb.start()
        StringBuilder out = new StringBuilder()
        p.inputStream.eachLine('UTF-8') { String line -> out.append(line).append('\n'); say('[sh] ' + line) }
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue()
        return [status: p.exitValue(), stdout: out.toString()]
    }

    /** target/grocker.jar as a release of VERSION would be built: the same jar reporting that version. */
    private Path releaseJar(Path dir) {
        Path jar = dir.resolve('grocker-release.jar')
        new ZipFile(t.root.resolve('target/grocker.jar').toFile()).withCloseable { ZipFile zip ->
            new ZipOutputStream(Files.newOutputStream(jar)).withCloseable { ZipOutputStream out ->
                zip.entries().each { ZipEntry e ->
                    out.putNextEntry(new ZipEntry(e.name))
                    if (e.name == 'io/jenkins/plugins/grocker/version.properties') {
                        out.write("version=${VERSION}\n".getBytes('UTF-8'))
                    } else if (!e.directory) {
                        zip.getInputStream(e).withCloseable { out << it }
                    }
                    out.closeEntry()
                }
            }
        }
        return jar
    }

    /** Releases the CLI with scripts/release-cli into a Maven repository served on 127.0.0.1; returns its URL. */
    private String serveRelease() {
        Path dir = Files.createDirectories(h.root.resolve('release'))
        Path repo = dir.resolve('repo')
        Path pin = dir.resolve('pin/io/jenkins/plugins/grocker/library/cli.properties')
        Process p = new ProcessBuilder('scripts/release-cli', '--version', VERSION, '--jar', releaseJar(dir).toString(),
                '--repository', repo.toUri().toString(), '--pin', pin.toString()).inheritIO().start()
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue()
        assertThat(p.exitValue()).as('scripts/release-cli').isZero()
        String path = "io/jenkins/plugins/grocker/grocker-cli/${VERSION}/grocker-cli-${VERSION}.jar"
        assertThat(repo.resolve(path)).exists()
        assertThat(pin.text).contains("version=${VERSION}").contains('sha256=' + FakeGrocker.sha256File(repo.resolve(path)))
        h.resources = dir.resolve('pin')
        // a second repository whose jar was altered after the release
        Path tampered = dir.resolve('tampered').resolve(path)
        Files.createDirectories(tampered.parent)
        Files.copy(repo.resolve(path), tampered, StandardCopyOption.REPLACE_EXISTING)
        new RandomAccessFile(tampered.toFile(), 'rw').withCloseable { it.seek(100); it.write(0x42) }

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
        server.createContext('/') { exchange ->
            String p2 = exchange.requestURI.path
            Path file = p2.startsWith('/tampered/') ? dir.resolve(p2.substring(1)) : repo.resolve(p2.substring(1))
            if (Files.isRegularFile(file)) {
                downloads.computeIfAbsent(p2) { new AtomicInteger() }.incrementAndGet()
                byte[] bytes = file.bytes
                exchange.sendResponseHeaders(200, bytes.length)
                exchange.responseBody.withCloseable { it.write(bytes) }
            } else {
                exchange.sendResponseHeaders(404, -1)
                exchange.close()
            }
        }
        server.start()
        return "http://127.0.0.1:${server.address.port}/"
    }

    private Object onAgent(String label, Closure body) {
        return h.onAgent(label, body)
    }

    @Test
    void freshAgentsInstallTheCliThenTwoBuildsOnTheSameWorkspaces() {
        String host = t.registry.host()
        String repository = serveRelease()
        h.test.helper.registerAllowedMethod('echo', [String]) { String line -> h.echoes.add(line); say(line) }
        String jarPath = "/io/jenkins/plugins/grocker/grocker-cli/${VERSION}/grocker-cli-${VERSION}.jar"
        long start = System.currentTimeMillis()

        // a tampered jar is refused, and nothing is left in the cache
        h.build.env.GROCKER_CLI_REPOSITORY = repository + 'tampered/'
        Throwable refused = catchThrowable { onAgent('base') { h.load('flowcoreBase').call(spec: [registry: 'x/y', images: []]) } }
        assertThat(refused).isInstanceOf(AbortException).hasMessageStartingWith("flowcoreBase: cannot install grocker ${VERSION} from " +
                "${repository}tampered/: the downloaded jar does not have the sha256 this library pins")
        assertThat(home.resolve(".cache/grocker/${VERSION}/grocker-cli-${VERSION}.jar")).doesNotExist()
        h.globalEnv.GROCKER_CLI_REPOSITORY = repository
        h.build.env.GROCKER_CLI_REPOSITORY = repository

        // two executors of one agent installing at once: both succeed, one verified jar in the cache
        String install = h.load('grockerCli').INSTALL
        Map env = h.currentEnv() + [GROCKER_CLI_REPOSITORY: repository, GROCKER_CLI_VERSION: VERSION,
                                    GROCKER_CLI_SHA256: h.resources.resolve(grockerCliPin()).text.find(/sha256=(\w+)/) { all, s -> s }]
        List<Process> both = (1..2).collect {
            ProcessBuilder pb = new ProcessBuilder('bash', '-c', install).redirectErrorStream(true)
            pb.environment().clear()
            pb.environment().putAll(env)
            pb.start()
        }
        both.each { Process p -> assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue(); say(p.inputStream.text) }
        assertThat(both*.exitValue()).containsExactly(0, 0)
        assertThat(Files.list(home.resolve(".cache/grocker/${VERSION}")).collect { it.fileName.toString() })
                .containsExactlyInAnyOrder("grocker-cli-${VERSION}.jar".toString(), 'grocker')
        int afterConcurrent = downloads[jarPath].get()
        assertThat(afterConcurrent).isBetween(1, 2)

        // build 1 (the build the harness started): base, compile on one agent, runner on another, promote
        // the scan gate's command goes through the environment and the step's script to the scanner's own shell
        Map base = onAgent('base') {
            h.load('flowcoreBase').call(spec: [registry: "${host}/e2e".toString(), platforms: ['linux/amd64'],
                    images: [[name: 'py', from: t.debian(), packages: ['python3'], tags: ['1']]]], registryCredentialsId: 'registry',
                    scanCommand: 'test -s "$GROCKER_SCAN_SBOM" && echo "scanned $GROCKER_SCAN_NAME $GROCKER_SCAN_PLATFORM"')
        } as Map
        String baseDigest = base.images[0].index.digest
        assertThat(base.images[0].platforms[0].scan.output).isEqualTo('scanned py linux/amd64\n')
        assertThat(base.images[0].platforms[0].attachments*.kind).containsExactly('sbom', 'provenance')
        assertThat(h.archived*.artifacts).contains('.grocker/base-report.html')
        assertThat(h.agentWorkspace('base').resolve('.grocker/base-report.html').text).contains('<svg').contains('scanned py linux/amd64')
        assertThat(h.build.description).contains("flowcoreBase report: ${h.build.env.BUILD_URL}artifact/.grocker/base-report.html")
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/py:1")).orElseThrow().digest().toString()).isEqualTo(baseDigest)
        Map local = onAgent('base') {
            h.load('flowcoreBase').call(spec: [registry: "${host}/e2e".toString(), platforms: ['linux/amd64'],
                    images: [[name: 'py', from: t.debian(), packages: ['python3'], tags: ['1']]]], push: false, result: '.grocker/local.json')
        } as Map
        assertThat(local.pushed).isFalse()
        assertThat(local.images[0].index).isNull()
        // one platform's agent pushes by digest only (tag: false); grockerIndex assembles the index and moves the tag
        Map untagged = onAgent('base') {
            h.load('flowcoreBase').call(spec: [registry: "${host}/e2e".toString(), platforms: ['linux/amd64'],
                    images: [[name: 'py', from: t.debian(), packages: ['python3'], tags: ['per-platform']]]], tag: false,
                    result: '.grocker/untagged.json', registryCredentialsId: 'registry')
        } as Map
        assertThat(untagged.images[0].tags).containsExactly("${host}/e2e/py:per-platform".toString())
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/py:per-platform"))).isEmpty()
        Map indexed = onAgent('index') { h.load('grockerIndex').call(results: [untagged], registryCredentialsId: 'registry') } as Map
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/py:per-platform")).orElseThrow().digest().toString())
                .isEqualTo(indexed.images[0].index.digest)
        assertThat(indexed.images[0].platforms*.digest).containsExactly(base.images[0].platforms[0].digest)

        Map app = [base: "${host}/e2e/py:1".toString(), image: "${host}/e2e/helper".toString(), platforms: ['linux/amd64'],
                   entrypoint: [default: 'hello', services: [hello: ['python', '-c', 'import grocker_sample_helper; print("hello")']]],
                   tags: ['{version}'], registryCredentialsId: 'registry', archive: true]
        SampleApp.sourceTree(SampleApp.HELPER, SampleApp.HELPER_VERSION, h.agentWorkspace('compile').resolve('src'))
        Map compiled = onAgent('compile') {
            h.load('grockerCompile').call(app + [app: "./src/${SampleApp.HELPER}-${SampleApp.HELPER_VERSION}".toString()])
        } as Map
        assertThat(compiled.manifest.requirement).isEqualTo("${SampleApp.HELPER}==${SampleApp.HELPER_VERSION}".toString())
        assertThat(h.archived.find { it.artifacts == '.grocker/wheels/**' }.files).anyMatch { it.endsWith('.whl') }

        assertThat(Files.exists(h.agentWorkspace('runner').resolve('src'))).isFalse()
        Map run = onAgent('runner') { h.load('grockerRun').call(registryCredentialsId: 'registry', user: [name: 'app', uid: 1001]) } as Map
        assertThat(run.repository).isEqualTo("${host}/e2e/helper".toString())
        assertThat(run.platforms.keySet()).containsExactly('linux/amd64')
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/helper:${SampleApp.HELPER_VERSION}")).orElseThrow().digest().toString())
                .isEqualTo(run.digest)
        Map unpushed = onAgent('runner') { h.load('grockerRun').call(push: false, user: [name: 'app', uid: 1001]) } as Map
        assertThat(unpushed.digest).isNull()
        assertThat(unpushed.pushed).isFalse()

        Map promoted = onAgent('runner') {
            h.load('grockerPromote').call(from: run.image, to: ["${host}/release/helper".toString()], tags: ['{version}', 'stable'],
                    version: SampleApp.HELPER_VERSION, credentialsId: 'registry')
        } as Map
        assertThat(promoted.outcome).isEqualTo('promoted')
        assertThat(promoted.digest).isEqualTo(run.digest)
        assertThat(promoted.attachments*.artifactType).containsExactlyInAnyOrder('application/vnd.cyclonedx+json',
                'application/vnd.in-toto+json')
        assertThat(promoted.attachments*.outcome).containsOnly('copied')
        assertThat(h.archived*.artifacts).contains(promoted.reportFile)
        Map purge = onAgent('runner') {
            h.load('grockerPurge').call(repositories: ["${host}/e2e/py".toString()], keepLast: 1, dryRun: true, credentialsId: 'registry')
        } as Map
        assertThat(purge.outcome).isEqualTo('dry-run')
        assertThat(purge.repositories[0].kept*.tag).contains('1', 'per-platform')
        assertThat(promoted.build).isEqualTo(h.build.env.BUILD_URL)
        for (String tag in [SampleApp.HELPER_VERSION, 'stable']) {
            assertThat(t.registryClient.head(ImageReference.parse("${host}/release/helper:${tag}")).orElseThrow().digest().toString())
                    .as("release tag ${tag}").isEqualTo(run.digest)
        }
        // the CLI came from the repository once; every later step used the cache
        assertThat(downloads[jarPath].get()).isEqualTo(afterConcurrent)
        List<Map> grocker = h.shCalls.findAll { it.label?.startsWith('grocker ') }
        assertThat(grocker*.env*.GROCKER_CLI).containsOnly(home.resolve(".cache/grocker/${VERSION}/grocker").toString())
        // the first command recorded the launcher's class-data-sharing archive next to the jar; build 2 starts from it
        assertThat(home.resolve(".cache/grocker/${VERSION}/grocker-cli-${VERSION}.jsa")).isRegularFile()
        assertThat(Files.list(home.resolve(".cache/grocker/${VERSION}")).collect { it.fileName.toString() })
                .containsExactlyInAnyOrder("grocker-cli-${VERSION}.jar".toString(), "grocker-cli-${VERSION}.jsa".toString(), 'grocker')

        // build 2 on the same workspaces: another version of the application, the wheels of build 1 still there
        Path next = SampleApp.sourceTree(SampleApp.HELPER, SampleApp.HELPER_VERSION, h.root.resolve('next'))
        Path v2 = h.agentWorkspace('compile').resolve("src/${SampleApp.HELPER}-1.0.1")
        Files.move(next, v2)
        v2.resolve('pyproject.toml').text = v2.resolve('pyproject.toml').text.replace('version = "1.0.0"', 'version = "1.0.1"')
        assertThat(Files.list(h.agentWorkspace('runner').resolve('.grocker/wheels/linux-amd64')).count()).isGreaterThan(0L)
        Map second = h.runBuild {
            onAgent('compile') { h.load('grockerCompile').call(app + [app: "./src/${SampleApp.HELPER}-1.0.1".toString()]) }
            onAgent('runner') { h.load('grockerRun').call(registryCredentialsId: 'registry', user: [name: 'app', uid: 1001]) }
        } as Map
        assertThat(second.requirement).isEqualTo("${SampleApp.HELPER}==1.0.1".toString())
        assertThat(t.registryClient.head(ImageReference.parse("${host}/e2e/helper:1.0.1")).orElseThrow().digest().toString()).isEqualTo(second.digest)
        assertThat(Files.list(h.agentWorkspace('runner').resolve('.grocker/wheels/linux-amd64')).collect { it.fileName.toString() })
                .noneMatch { it.contains('1.0.0') && it.startsWith('grocker_sample_helper') }

        // the password went into the commands' environment, never into a script or the log
        assertThat(grocker*.env*.GROCKER_REGISTRY_PASSWORD_1).contains(REGISTRY_PASSWORD)
        h.shCalls.each { assertThat(it.script as String).doesNotContain(REGISTRY_PASSWORD) }
        assertThat(log.toString()).doesNotContain(REGISTRY_PASSWORD)
        println("LibraryEndToEndIT: install -> base -> compile -> runner -> promote, and a second build in " +
                "${(System.currentTimeMillis() - start) / 1000}s")
    }

    private static String grockerCliPin() {
        return 'io/jenkins/plugins/grocker/library/cli.properties'
    }
}
