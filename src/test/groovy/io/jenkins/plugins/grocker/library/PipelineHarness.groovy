package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import groovy.io.FileType
import groovy.json.JsonOutput
import groovy.json.JsonSlurperClassic
import hudson.AbortException
import org.yaml.snakeyaml.Yaml

import java.nio.file.FileSystems
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.PathMatcher
import java.nio.file.StandardCopyOption

/**
 * The Jenkins steps the library uses, as JenkinsPipelineUnit mocks over real directories: each agent has a
 * workspace directory, `stash`/`unstash` copy files between them through a stash store, `archiveArtifacts`
 * copies into an artifacts directory, `readJSON`/`writeJSON`/`readYaml`/`fileExists` use the files of the
 * current workspace, `withEnv`/`withCredentials` layer an environment that `sh` sees, and `error` throws
 * {@link AbortException} as Jenkins does. What `sh` does is up to the test ({@link #shell}).
 */
class PipelineHarness {
    final BasePipelineTest test
    final Path root
    /** The workspace of the agent the steps run on now ({@link #node} switches it). */
    Path workspace
    /** Workspace per agent label. */
    final Map<String, Path> agents = [:]
    final Path stashes
    final Path artifacts
    /** Jenkins credentials: id to [username, password]. */
    final Map<String, List<String>> credentials = [:]
    /** The job's environment (env.*), under the withEnv/withCredentials layers. */
    final Map<String, String> env = [:]
    final List<Map<String, String>> layers = []
    /** Every sh call: [script: ..., env: the environment it ran with, label: ..., dir: workspace]. */
    final List<Map> shCalls = []
    final List<String> echoes = []
    final List<Map> stashCalls = []
    final List<String> unstashCalls = []
    final List<Map> archived = []
    final List<Map> inputs = []
    final List<String> nodes = []
    /** What sh does: (script, environment, workspace) -> [status: int, stdout: String]. */
    Closure shell = { String script, Map environment, Path dir -> [status: 0, stdout: ''] }

    PipelineHarness(BasePipelineTest test) {
        this.test = test
        root = Files.createTempDirectory('grocker-jpu-')
        workspace = agent('')
        stashes = Files.createDirectories(root.resolve('stashes'))
        artifacts = Files.createDirectories(root.resolve('artifacts'))
    }

    /** The workspace of an agent label (created on first use). */
    Path agent(String label) {
        return agents.computeIfAbsent(label ?: 'built-in') { String l -> Files.createDirectories(root.resolve('ws-' + l)) }
    }

    Map<String, String> currentEnv() {
        Map<String, String> result = new LinkedHashMap<>(env)
        layers.each { result.putAll(it) }
        return result
    }

    /** The secret values of every credential, to check none reaches a script or a log. */
    List<String> secrets() {
        return credentials.values().collect { it[1] }
    }

    Object load(String step) {
        return test.loadScript("vars/${step}.groovy")
    }

    void install() {
        def h = test.helper
        def binding = test.binding
        binding.setVariable('env', env)
        binding.setVariable('params', [:])
        binding.setVariable('scm', [type: 'git'])
        binding.setVariable('grockerCli', load('grockerCli'))

        h.registerAllowedMethod('error', [String]) { String message -> throw new AbortException(message) }
        h.registerAllowedMethod('echo', [String]) { String message -> echoes.add(message) }
        h.registerAllowedMethod('sh', [Map]) { Map m -> runSh(m) }
        h.registerAllowedMethod('sh', [String]) { String s -> runSh([script: s]) }
        h.registerAllowedMethod('withEnv', [List, Closure]) { List vars, Closure body ->
            Map<String, String> layer = [:]
            vars.each { String v -> int eq = v.indexOf('='); layer[v.substring(0, eq)] = v.substring(eq + 1) }
            layers.add(layer)
            try {
                return h.callClosure(body)
            } finally {
                layers.remove(layers.size() - 1)
            }
        }
        h.registerAllowedMethod('usernamePassword', [Map]) { Map m -> [type: 'usernamePassword'] + m }
        h.registerAllowedMethod('withCredentials', [List, Closure]) { List bindings, Closure body ->
            Map<String, String> layer = [:]
            bindings.each { Map b ->
                List<String> userPass = credentials[b.credentialsId]
                if (userPass == null) {
                    throw new AbortException("Could not find credentials entry with ID '${b.credentialsId}'")
                }
                layer[b.usernameVariable] = userPass[0]
                layer[b.passwordVariable] = userPass[1]
            }
            layers.add(layer)
            try {
                return h.callClosure(body)
            } finally {
                layers.remove(layers.size() - 1)
            }
        }
        h.registerAllowedMethod('writeJSON', [Map]) { Map m ->
            Path f = file(m.file)
            Files.createDirectories(f.parent)
            f.text = JsonOutput.prettyPrint(JsonOutput.toJson(m.json))
        }
        h.registerAllowedMethod('readJSON', [Map]) { Map m -> new JsonSlurperClassic().parseText(file(m.file).text) }
        h.registerAllowedMethod('readYaml', [Map]) { Map m -> new Yaml().load(file(m.file).text) }
        h.registerAllowedMethod('writeFile', [Map]) { Map m ->
            Path f = file(m.file)
            Files.createDirectories(f.parent)
            f.text = m.text
        }
        h.registerAllowedMethod('fileExists', [String]) { String p -> Files.exists(file(p)) }
        h.registerAllowedMethod('stash', [Map]) { Map m -> stash(m) }
        h.registerAllowedMethod('unstash', [String]) { String name -> unstash(name) }
        h.registerAllowedMethod('archiveArtifacts', [Map]) { Map m -> archive(m) }
        h.registerAllowedMethod('node', [String, Closure]) { String label, Closure body ->
            nodes.add(label)
            Path before = workspace
            workspace = agent(label)
            try {
                return h.callClosure(body)
            } finally {
                workspace = before
            }
        }
        h.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body -> h.callClosure(body) }
        h.registerAllowedMethod('parallel', [Map]) { Map branches -> branches.each { k, v -> h.callClosure(v) } }
        h.registerAllowedMethod('checkout', [Map]) { Map scm -> null }
        h.registerAllowedMethod('input', [Map]) { Map m -> inputs.add(m); null }
        h.registerAllowedMethod('timeout', [Map, Closure]) { Map m, Closure body -> h.callClosure(body) }
        h.registerAllowedMethod('properties', [List]) { List p -> null }
        h.registerAllowedMethod('parameters', [List]) { List p -> [parameters: p] }
        h.registerAllowedMethod('string', [Map]) { Map m -> [type: 'string'] + m }
        h.registerAllowedMethod('booleanParam', [Map]) { Map m -> [type: 'booleanParam'] + m }
    }

    Path file(Object relative) {
        return workspace.resolve(relative.toString()).normalize()
    }

    private Object runSh(Map m) {
        Map<String, String> environment = currentEnv()
        shCalls.add([script: m.script, env: environment, label: m.label, dir: workspace])
        Map r = shell(m.script as String, environment, workspace)
        if (m.returnStatus) {
            return r.status
        }
        if (r.status != 0) {
            throw new AbortException("script returned exit code ${r.status}")
        }
        return m.returnStdout ? r.stdout : null
    }

    /** Files of the current workspace matching comma-separated Ant-style patterns, relative. */
    List<String> matching(String patterns) {
        List<PathMatcher> matchers = patterns.split(',').collect { String p ->
            FileSystems.default.getPathMatcher('glob:' + p.trim())
        }
        List<String> result = []
        workspace.toFile().eachFileRecurse(FileType.FILES) { File f ->
            Path rel = workspace.relativize(f.toPath())
            if (matchers.any { it.matches(rel) }) {
                result.add(rel.toString())
            }
        }
        return result.sort()
    }

    private void stash(Map m) {
        stashCalls.add(m)
        Path store = stashes.resolve(m.name as String)
        store.toFile().deleteDir()
        List<String> found = matching(m.includes as String)
        if (!found) {
            throw new AbortException("No files included in stash '${m.name}'")
        }
        found.each { String rel -> copy(workspace.resolve(rel), store.resolve(rel)) }
    }

    private void unstash(String name) {
        unstashCalls.add(name)
        Path store = stashes.resolve(name)
        if (!Files.isDirectory(store)) {
            throw new AbortException("No such saved stash '${name}'")
        }
        store.toFile().eachFileRecurse(FileType.FILES) { File f ->
            copy(f.toPath(), workspace.resolve(store.relativize(f.toPath()).toString()))
        }
    }

    private void archive(Map m) {
        List<String> found = matching(m.artifacts as String)
        archived.add(m + [files: found])
        found.each { String rel -> copy(workspace.resolve(rel), artifacts.resolve(rel)) }
    }

    private static void copy(Path from, Path to) {
        Files.createDirectories(to.parent)
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING)
    }
}
