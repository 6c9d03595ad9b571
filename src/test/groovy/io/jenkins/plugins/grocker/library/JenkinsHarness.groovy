package io.jenkins.plugins.grocker.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import groovy.io.FileType
import hudson.AbortException
import net.sf.json.JSON
import net.sf.json.JSONArray
import net.sf.json.JSONNull
import net.sf.json.JSONObject
import net.sf.json.JSONSerializer
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.yaml.snakeyaml.Yaml

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.regex.Pattern

/**
 * The Jenkins steps the library uses, as JenkinsPipelineUnit mocks with Jenkins' own semantics, over real
 * directories. What it models, because the library's defects hid exactly there:
 *
 * <ul>
 * <li>a controller that outlives builds: agents keep their workspaces from one build to the next (one workspace per
 *   agent for the job), the job keeps its properties and milestones, build numbers go up;</li>
 * <li>steps that need a workspace (sh, files, stash, archive) fail outside {@code node}, as Jenkins says;</li>
 * <li>{@code readJSON}/{@code writeJSON} through json-lib as pipeline-utility-steps does: JSON null is a
 *   {@code JSONNull} (true for Groovy), the string "null" is written and read as null; {@code returnPojo: true}
 *   gives plain maps, lists and nulls;</li>
 * <li>{@code stash} with Ant patterns and Ant's default excludes, scoped to the build (a stash of the same name
 *   replaces it; no stash survives the build); {@code unstash} adds and overwrites files, never removes any;</li>
 * <li>{@code archiveArtifacts} with the same patterns and excludes, failing on no match unless allowEmptyArchive;</li>
 * <li>{@code input} answered by {@link #responder}: only a listed submitter (user or group, or an administrator)
 *   can answer; {@code submitterParameter} returns the approver's id; an input nobody may answer waits until a
 *   surrounding {@code timeout} aborts the build, or forever (a test failure);</li>
 * <li>{@code properties} replaces every job property; parameters take effect from the next build;</li>
 * <li>{@code parallel} runs branches one after another; a failure stops the branches not yet run with
 *   {@code failFast: true}, else all run and the first failure is thrown at the end;</li>
 * <li>{@code milestone}: a build passing a milestone a newer build passed is aborted; older builds that passed the
 *   previous milestone are aborted when they next run a step;</li>
 * <li>{@code withEnv} with Jenkins' {@code PATH+NAME=dir} prepending; {@code withCredentials} binding
 *   username/password credentials by id.</li>
 * </ul>
 * What {@code sh} does is up to the test ({@link #shell}).
 */
class JenkinsHarness {
    /** Ant's default excludes, which stash and archiveArtifacts apply unless told not to. */
    static final List<String> DEFAULT_EXCLUDES = ['**/*~', '**/#*#', '**/.#*', '**/%*%', '**/._*', '**/CVS', '**/CVS/**',
        '**/.cvsignore', '**/SCCS', '**/SCCS/**', '**/vssver.scc', '**/.svn', '**/.svn/**', '**/.DS_Store', '**/.git',
        '**/.git/**', '**/.gitattributes', '**/.gitignore', '**/.gitmodules', '**/.hg', '**/.hg/**', '**/.hgignore',
        '**/.hgsub', '**/.hgsubstate', '**/.hgtags', '**/.bzr', '**/.bzr/**', '**/.bzrignore']

    final BasePipelineTest test
    final Path root
    final Path artifacts
    /** The job's name (workspaces are <agent>/workspace/<job>). */
    String job = 'app'
    /** Agent root per label; created on first use. */
    final Map<String, Path> agents = [:]
    /** Jenkins credentials: id to [username, password]. */
    final Map<String, List<String>> credentials = [:]
    /** Global environment (Manage Jenkins > System > Global properties), seen by every build. */
    final Map<String, String> globalEnv = [:]
    /** Users' groups, for input submitters; administrators may answer any input. */
    final Map<String, List<String>> groups = [:]
    final Set<String> administrators = [] as Set
    /** The job's properties: what the last `properties` call declared. */
    List jobProperties = []
    /** Highest build number that passed each milestone ordinal. */
    final Map<Integer, Integer> milestones = [:]
    /** Builds still running (waiting), by number, for milestone aborts. */
    final Map<Integer, Build> running = [:]
    int nextBuildNumber = 1

    /**
     * Who answers an input: (input Map, Build) -> null (nobody answers) or [user: id, action: 'proceed'|'abort'].
     * Default: nobody.
     */
    Closure responder = { Map input, Build b -> null }
    /** What sh does: (script, environment, workspace dir) -> [status: int, stdout: String]. */
    Closure shell = { String script, Map environment, Path dir -> [status: 0, stdout: ''] }

    // the current build and where it is
    Build build
    Path workspace
    String nodeName
    int timeouts = 0

    // records over all builds
    final List<Map> shCalls = []
    final List<String> echoes = []
    final List<Map> stashCalls = []
    final List<String> unstashCalls = []
    final List<Map> archived = []
    final List<Map> inputs = []
    final List<String> nodes = []
    final List<String> stages = []
    final List<Map> parallels = []

    /** One build of the job. */
    static class Build {
        int number
        Map<String, String> env = [:]
        Map params = [:]
        List<Map<String, String>> layers = []
        Path stashes
        Integer lastMilestone = 0
        boolean abortRequested
        String abortReason
        String description
        String result = 'SUCCESS'
    }

    JenkinsHarness(BasePipelineTest test) {
        this.test = test
        root = Files.createTempDirectory('grocker-jenkins-')
        current = this
        artifacts = Files.createDirectories(root.resolve('artifacts'))
    }

    /** The root of an agent (created on first use); its workspace for the job is agentWorkspace(label). */
    Path agent(String label) {
        return agents.computeIfAbsent(label) { String l -> Files.createDirectories(root.resolve('agent-' + l)) }
    }

    Path agentWorkspace(String label) {
        return Files.createDirectories(agent(label).resolve('workspace').resolve(job))
    }

    /** The secret values of every credential, to check none reaches a script or a log. */
    List<String> secrets() {
        return credentials.values().collect { it[1] }
    }

    Object load(String step) {
        return test.loadScript("vars/${step}.groovy")
    }

    /**
     * Starts a build: a new number, parameters as Jenkins gives them (only those the job declared before this
     * build started, each with its default unless PARAMS gives it), fresh env layers and stash store.
     */
    Build startBuild(Map given = [:]) {
        Build b = new Build()
        b.number = nextBuildNumber++
        b.stashes = Files.createDirectories(root.resolve("stashes-${b.number}"))
        b.env.putAll(globalEnv)
        b.env.BUILD_NUMBER = b.number.toString()
        b.env.JOB_NAME = job
        b.env.BUILD_URL = "https://jenkins.example.com/job/${job}/${b.number}/".toString()
        for (Map p in declaredParameters()) {
            b.params[p.name] = given.containsKey(p.name) ? given[p.name] : p.defaultValue
        }
        running[b.number] = b
        activate(b)
        return b
    }

    /** Ends a build: its stashes are gone. */
    void finishBuild(Build b) {
        b.stashes.toFile().deleteDir()
        running.remove(b.number)
    }

    /** Runs BODY as a whole build (startBuild ... finishBuild), restoring the build that was current. */
    Object runBuild(Map params = [:], Closure body) {
        Build before = build
        Path beforeWs = workspace
        String beforeNode = nodeName
        int beforeTimeouts = timeouts
        Build b = startBuild(params)
        workspace = null
        nodeName = null
        timeouts = 0
        try {
            return body(b)
        } catch (FlowInterruptedException e) {
            b.result = e.result
            throw e
        } catch (Throwable t) {
            b.result = 'FAILURE'
            throw t
        } finally {
            finishBuild(b)
            if (before != null) {
                activate(before)
            }
            workspace = beforeWs
            nodeName = beforeNode
            timeouts = beforeTimeouts
        }
    }

    private void activate(Build b) {
        build = b
        test.binding.setVariable('env', new EnvView(this))
        test.binding.setVariable('params', Collections.unmodifiableMap(b.params))
        test.binding.setVariable('currentBuild', new CurrentBuild(b))
    }

    private List<Map> declaredParameters() {
        List<Map> result = []
        for (Object p in jobProperties) {
            if (p instanceof Map && p.parameters != null) {
                result.addAll(p.parameters as List)
            }
        }
        return result
    }

    /** The environment `sh` sees now: the build's env, then the withEnv/withCredentials layers, PATH+X prepended. */
    Map<String, String> currentEnv() {
        Map<String, String> result = new LinkedHashMap<>(build.env)
        if (nodeName != null) {
            result.NODE_NAME = nodeName
            result.WORKSPACE = workspace.toString()
        }
        for (Map<String, String> layer in build.layers) {
            layer.each { String k, String v ->
                int plus = k.indexOf('+')
                if (plus > 0) {
                    String name = k.substring(0, plus)
                    result[name] = result[name] ? "${v}:${result[name]}".toString() : v
                } else {
                    result[k] = v
                }
            }
        }
        return result
    }

    /** Runs BODY as if inside node(LABEL) of the current build (for tests of single steps). */
    Object onAgent(String label, Closure body) {
        return inNode(label, body)
    }

    private Object inNode(String label, Closure body) {
        checkAborted()
        nodes.add(label)
        if (label == null || label == '') {
            label = 'built-in'
        }
        Path beforeWs = workspace
        String beforeNode = nodeName
        workspace = agentWorkspace(label)
        nodeName = label
        try {
            return test.helper.callClosure(body)
        } finally {
            workspace = beforeWs
            nodeName = beforeNode
        }
    }

    /** Fails as Jenkins does when a step needing a workspace runs outside node. */
    Path requireWorkspace(String step) {
        checkAborted()
        if (workspace == null) {
            throw new IllegalStateException("${step}: Required context class hudson.FilePath is missing. Perhaps you " +
                'forgot to surround the code with a step that provides this, such as: node')
        }
        return workspace
    }

    Path file(Object relative) {
        return requireWorkspace('file').resolve(relative.toString()).normalize()
    }

    private void checkAborted() {
        if (build?.abortRequested) {
            build.abortRequested = false
            throw new FlowInterruptedException('ABORTED', build.abortReason)
        }
    }

    void install() {
        def h = test.helper
        test.binding.setVariable('scm', [type: 'git'])
        test.binding.setVariable('grockerCli', load('grockerCli'))
        if (build == null) {
            startBuild()
        }

        h.registerAllowedMethod('error', [String]) { String message -> throw new AbortException(message) }
        h.registerAllowedMethod('echo', [String]) { String message -> echoes.add(message) }
        h.registerAllowedMethod('sh', [Map]) { Map m -> runSh(m) }
        h.registerAllowedMethod('sh', [String]) { String s -> runSh([script: s]) }
        h.registerAllowedMethod('isUnix', []) { -> true }
        h.registerAllowedMethod('withEnv', [List, Closure]) { List vars, Closure body ->
            Map<String, String> layer = [:]
            vars.each { Object v -> String s = v.toString(); int eq = s.indexOf('='); layer[s.substring(0, eq)] = s.substring(eq + 1) }
            return withLayer(layer, body)
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
            return withLayer(layer, body)
        }
        h.registerAllowedMethod('writeJSON', [Map]) { Map m -> writeJson(m) }
        h.registerAllowedMethod('readJSON', [Map]) { Map m -> readJson(m) }
        h.registerAllowedMethod('readYaml', [Map]) { Map m -> new Yaml().load(m.text ?: file(m.file).text) }
        h.registerAllowedMethod('writeFile', [Map]) { Map m ->
            Path f = file(m.file)
            Files.createDirectories(f.parent)
            f.text = m.text
        }
        h.registerAllowedMethod('readFile', [Map]) { Map m -> file(m.file).text }
        h.registerAllowedMethod('readFile', [String]) { String p -> file(p).text }
        h.registerAllowedMethod('fileExists', [String]) { String p -> Files.exists(file(p)) }
        h.registerAllowedMethod('dir', [String, Closure]) { String path, Closure body ->
            Path before = requireWorkspace('dir')
            workspace = before.resolve(path).normalize()
            try {
                return h.callClosure(body)
            } finally {
                workspace = before
            }
        }
        h.registerAllowedMethod('deleteDir', []) { -> requireWorkspace('deleteDir').toFile().deleteDir() }
        h.registerAllowedMethod('libraryResource', [String]) { String path -> libraryResource(path) }
        h.registerAllowedMethod('stash', [Map]) { Map m -> stash(m) }
        h.registerAllowedMethod('unstash', [String]) { String name -> unstash(name) }
        h.registerAllowedMethod('archiveArtifacts', [Map]) { Map m -> archive(m) }
        h.registerAllowedMethod('node', [String, Closure]) { String label, Closure body -> inNode(label, body) }
        h.registerAllowedMethod('node', [Closure]) { Closure body -> inNode(null, body) }
        h.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body ->
            checkAborted()
            stages.add(name)
            h.callClosure(body)
        }
        h.registerAllowedMethod('parallel', [Map]) { Map branches -> parallel(branches) }
        h.registerAllowedMethod('checkout', [Object]) { Object scm -> requireWorkspace('checkout'); [GIT_COMMIT: 'f' * 40] }
        h.registerAllowedMethod('input', [Map]) { Map m -> input(m) }
        h.registerAllowedMethod('timeout', [Map, Closure]) { Map m, Closure body ->
            if (!(m.time instanceof Number) || m.time <= 0) {
                throw new IllegalArgumentException("timeout: time must be a positive number, got ${m.time}")
            }
            timeouts++
            try {
                return h.callClosure(body)
            } finally {
                timeouts--
            }
        }
        h.registerAllowedMethod('milestone', [Integer]) { Integer ordinal -> milestone(ordinal) }
        h.registerAllowedMethod('milestone', [Map]) { Map m -> milestone(m.ordinal as Integer) }
        h.registerAllowedMethod('milestone', []) { -> milestone(null) }
        h.registerAllowedMethod('properties', [List]) { List p -> jobProperties = new ArrayList(p) }
        h.registerAllowedMethod('parameters', [List]) { List p -> [parameters: p] }
        h.registerAllowedMethod('string', [Map]) { Map m -> [type: 'string'] + m }
        h.registerAllowedMethod('booleanParam', [Map]) { Map m -> [type: 'booleanParam'] + m }
        h.registerAllowedMethod('buildDiscarder', [Object]) { Object s -> [type: 'buildDiscarder', strategy: s] }
        h.registerAllowedMethod('logRotator', [Map]) { Map m -> [type: 'logRotator'] + m }
        h.registerAllowedMethod('disableConcurrentBuilds', []) { -> [type: 'disableConcurrentBuilds'] }
        h.registerAllowedMethod('pipelineTriggers', [List]) { List t -> [type: 'pipelineTriggers', triggers: t] }
    }

    private Object withLayer(Map<String, String> layer, Closure body) {
        build.layers.add(layer)
        try {
            return test.helper.callClosure(body)
        } finally {
            build.layers.remove(build.layers.size() - 1)
        }
    }

    private Object runSh(Map m) {
        Path dir = requireWorkspace('sh')
        Map<String, String> environment = currentEnv()
        shCalls.add([script: m.script, env: environment, label: m.label, dir: dir, build: build.number])
        Map r = shell(m.script as String, environment, dir)
        if (m.returnStatus) {
            return r.status
        }
        if (r.status != 0) {
            throw new AbortException("script returned exit code ${r.status}")
        }
        return m.returnStdout ? r.stdout : null
    }

    /** libraryResource: from the library's resources/ (or {@link #resources} when a test points it elsewhere). */
    Path resources = Path.of('resources')

    private String libraryResource(String path) {
        Path f = resources.resolve(path)
        if (!Files.isRegularFile(f)) {
            throw new AbortException("No such library resource ${path} could be found.")
        }
        return f.text
    }

    // ---- JSON as pipeline-utility-steps does it (json-lib) ----

    private Object readJson(Map m) {
        String text = m.text != null ? m.text : file(m.file).text
        JSON json = JSONSerializer.toJSON(text)
        return m.returnPojo ? pojo(json) : json
    }

    /** What returnPojo gives: LinkedHashMap, ArrayList, null for JSONNull. */
    static Object pojo(Object value) {
        if (value instanceof JSONNull) {
            return null
        }
        if (value instanceof JSONObject) {
            Map result = new LinkedHashMap()
            ((JSONObject) value).keys().each { Object k -> result[k.toString()] = pojo(((JSONObject) value).get(k)) }
            return result
        }
        if (value instanceof JSONArray) {
            List result = []
            ((JSONArray) value).each { result.add(pojo(it)) }
            return result
        }
        return value
    }

    private Object writeJson(Map m) {
        JSON json = m.json instanceof JSON ? (JSON) m.json : JSONSerializer.toJSON(m.json)
        String text = m.pretty ? json.toString(m.pretty as int) : json.toString()
        if (m.returnText) {
            return text
        }
        Path f = file(m.file)
        Files.createDirectories(f.parent)
        f.text = text
        return null
    }

    // ---- files: Ant patterns, stash, archive ----

    /** An Ant pattern as a regex: '**' any directories, '*' and '?' within one name, a trailing '/' meaning '/**'. */
    static Pattern ant(String pattern) {
        String p = pattern.trim().replace('\\', '/')
        if (p.endsWith('/')) {
            p += '**'
        }
        StringBuilder re = new StringBuilder()
        int i = 0
        while (i < p.length()) {
            if (p.startsWith('**/', i)) {
                re.append('(?:.*/)?')
                i += 3
            } else if (p.startsWith('/**', i) && i + 3 == p.length()) {
                re.append('(?:/.*)?')
                i += 3
            } else if (p.startsWith('**', i)) {
                re.append('.*')
                i += 2
            } else if (p.charAt(i) == '*' as char) {
                re.append('[^/]*')
                i++
            } else if (p.charAt(i) == '?' as char) {
                re.append('[^/]')
                i++
            } else {
                re.append(Pattern.quote(p.charAt(i).toString()))
                i++
            }
        }
        return Pattern.compile(re.toString())
    }

    private static List<Pattern> patterns(Object list) {
        if (list == null || list.toString().trim().isEmpty()) {
            return []
        }
        return list.toString().split(',').findAll { it.trim() }.collect { ant(it) }
    }

    /** Files under DIR matching INCLUDES and not EXCLUDES (Ant default excludes too unless told not to), relative. */
    static List<String> scan(Path dir, Object includes, Object excludes, boolean defaultExcludes) {
        List<Pattern> wanted = patterns(includes ?: '**')
        List<Pattern> unwanted = patterns(excludes) + (defaultExcludes ? DEFAULT_EXCLUDES.collect { ant(it) } : [])
        List<String> result = []
        if (!Files.isDirectory(dir)) {
            return result
        }
        dir.toFile().eachFileRecurse(FileType.FILES) { File f ->
            String rel = dir.relativize(f.toPath()).toString().replace('\\', '/')
            if (wanted.any { it.matcher(rel).matches() } && !unwanted.any { excluded(it, rel) }) {
                result.add(rel)
            }
        }
        return result.sort()
    }

    /** An exclude also drops files inside an excluded directory (Ant: a matched directory is not entered). */
    private static boolean excluded(Pattern p, String rel) {
        if (p.matcher(rel).matches()) {
            return true
        }
        String[] parts = rel.split('/')
        for (int i = 1; i < parts.length; i++) {
            if (p.matcher(parts[0..<i].join('/')).matches()) {
                return true
            }
        }
        return false
    }

    private void stash(Map m) {
        Path ws = requireWorkspace('stash')
        stashCalls.add(m + [build: build.number, agent: nodeName])
        List<String> found = scan(ws, m.includes, m.excludes, m.useDefaultExcludes == null ? true : m.useDefaultExcludes as boolean)
        if (!found && !m.allowEmpty) {
            throw new AbortException("No files included in stash ‘${m.name}’")
        }
        Path store = build.stashes.resolve(m.name as String)
        store.toFile().deleteDir()
        Files.createDirectories(store)
        found.each { String rel -> copy(ws.resolve(rel), store.resolve(rel)) }
    }

    private void unstash(String name) {
        Path ws = requireWorkspace('unstash')
        unstashCalls.add(name)
        Path store = build.stashes.resolve(name)
        if (!Files.isDirectory(store)) {
            throw new AbortException("No such saved stash ‘${name}’")
        }
        store.toFile().eachFileRecurse(FileType.FILES) { File f ->
            copy(f.toPath(), ws.resolve(store.relativize(f.toPath()).toString()))
        }
    }

    private void archive(Map m) {
        Path ws = requireWorkspace('archiveArtifacts')
        List<String> found = scan(ws, m.artifacts, m.excludes, m.defaultExcludes == null ? true : m.defaultExcludes as boolean)
        if (!found && !m.allowEmptyArchive) {
            throw new AbortException("No artifacts found that match the file pattern \"${m.artifacts}\". Configuration error?")
        }
        archived.add(m + [files: found, build: build.number])
        found.each { String rel -> copy(ws.resolve(rel), artifacts.resolve("${build.number}").resolve(rel)) }
    }

    private static void copy(Path from, Path to) {
        Files.createDirectories(to.parent)
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING)
    }

    // ---- flow: parallel, input, milestone ----

    private Object parallel(Map branches) {
        checkAborted()
        Map copy = new LinkedHashMap(branches)
        boolean failFast = copy.remove('failFast') as boolean
        parallels.add([branches: new ArrayList(copy.keySet()), failFast: failFast])
        Throwable first = null
        Map results = [:]
        copy.each { Object name, Object branch ->
            if (first != null && failFast) {
                results[name] = 'not run (failFast)'
                return
            }
            try {
                results[name] = test.helper.callClosure(branch as Closure)
            } catch (Throwable t) {
                first = first ?: t
            }
        }
        if (first != null) {
            throw first
        }
        return results
    }

    boolean canAnswer(String user, String submitter) {
        if (submitter == null || submitter.trim().isEmpty() || user in administrators) {
            return true
        }
        List<String> allowed = submitter.split(',')*.trim()
        return allowed.any { it.equalsIgnoreCase(user) } || (groups[user] ?: []).any { g -> allowed.any { it.equalsIgnoreCase(g) } }
    }

    private Object input(Map m) {
        checkAborted()
        Map record = m + [build: build.number, inNode: nodeName, timeout: timeouts > 0]
        inputs.add(record)
        Map answer = responder(m, build) as Map
        checkAborted()
        if (answer == null || !canAnswer(answer.user as String, m.submitter as String)) {
            if (timeouts > 0) {
                throw new FlowInterruptedException('ABORTED', 'Timeout has been exceeded')
            }
            throw new AssertionError((Object) ("input '${m.message}' waits forever: nobody may answer it (submitter " +
                "'${m.submitter}') and no timeout surrounds it").toString())
        }
        record.answeredBy = answer.user
        if (answer.action == 'abort') {
            throw new FlowInterruptedException('ABORTED', "Rejected by ${answer.user}")
        }
        Map values = [:]
        for (Object p in (m.parameters ?: [])) {
            values[p.name] = answer.containsKey(p.name) ? answer[p.name] : p.defaultValue
        }
        if (m.submitterParameter) {
            values[m.submitterParameter] = answer.user
        }
        return values.isEmpty() ? null : values.size() == 1 ? values.values().iterator().next() : values
    }

    private void milestone(Integer given) {
        checkAborted()
        int ordinal = given != null ? given : build.lastMilestone + 1
        Integer newest = milestones[ordinal]
        if (newest != null && newest > build.number) {
            throw new FlowInterruptedException('NOT_BUILT', "Superseded by ${job}#${newest}")
        }
        milestones[ordinal] = build.number
        // older builds that passed the previous milestone and not this one are cancelled
        running.values().findAll { it.number < build.number && it.lastMilestone < ordinal && it.lastMilestone >= ordinal - 1 }.each {
            it.abortRequested = true
            it.abortReason = "Superseded by ${job}#${build.number}"
        }
        build.lastMilestone = ordinal
    }

    /** The harness of the running test, for the pipeline's serializable views after a CPS round trip. */
    static JenkinsHarness current

    /** `env` as the pipeline sees it: the current environment; assignments go to the build's env. */
    static class EnvView extends AbstractMap<String, String> implements Serializable {
        private transient JenkinsHarness harness

        EnvView(JenkinsHarness h) {
            this.harness = h
        }

        private JenkinsHarness owner() {
            return harness != null ? harness : JenkinsHarness.current
        }

        @Override
        Set<Map.Entry<String, String>> entrySet() {
            return owner().currentEnv().entrySet()
        }

        @Override
        String get(Object key) {
            return owner().currentEnv().get(key)
        }

        @Override
        String put(String key, String value) {
            return owner().build.env.put(key, value)
        }

        @Override
        String remove(Object key) {
            return owner().build.env.remove(key)
        }
    }

    /** `currentBuild`: number, description, result (serializable, as Jenkins' RunWrapper is). */
    static class CurrentBuild implements Serializable {
        private transient Build build
        private final int number

        CurrentBuild(Build b) {
            this.build = b
            this.number = b.number
        }

        private Build getB() {
            return build ?: JenkinsHarness.current.running[number] ?: JenkinsHarness.current.build
        }

        int getNumber() { b.number }

        String getDescription() { b.description }

        void setDescription(String d) { b.description = d }

        String getResult() { b.result }

        void setResult(String r) { b.result = r }

        String getAbsoluteUrl() { b.env.BUILD_URL }
    }
}
