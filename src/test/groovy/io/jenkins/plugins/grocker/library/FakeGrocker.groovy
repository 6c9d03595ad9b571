package io.jenkins.plugins.grocker.library

import groovy.json.JsonOutput
import groovy.json.JsonSlurperClassic

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest

/**
 * A stand-in for the command line behind `sh` in the unit tests. It answers the steps' look-up and install of the
 * CLI, and for a grocker command writes what the real command writes, with the real command's rules where the steps'
 * defects hid: --no-push results have no index and no digests ("index": null, pushed false); the runner refuses a
 * wheel in the wheelhouse directory that wheelhouse.json does not list (exit 2); compile names wheels after the
 * version it compiles; promote records GROCKER_APPROVED_BY and BUILD_URL; index merges per-platform results; wheels
 * push/pull go through an in-memory "registry" by digest.
 */
class FakeGrocker {
    static final String AMD64_DIGEST = 'sha256:' + 'b' * 64
    static final String ARM64_DIGEST = 'sha256:' + 'c' * 64

    /** The exit code of the next grocker commands. */
    int exitCode = 0
    /** Exit code per command name, over exitCode. */
    final Map<String, Integer> exitCodes = [:]
    /** Whether `grocker` is on PATH (used when GROCKER_CLI is not set). */
    boolean onPath = true
    /** The installer's exit code. */
    int installStatus = 0
    /** The grocker commands run: [command, env, dir]. */
    final List<Map> commands = []
    /** Installs run: env. */
    final List<Map> installs = []
    /** Wheelhouse artifacts pushed: reference -> [dir: copy, platforms]. */
    final Map<String, Map> artifacts = [:]

    Map call(String script, Map<String, String> env, Path ws) {
        if (script.startsWith('test -x')) {
            return [status: env.GROCKER_CLI?.startsWith('/opt/grocker') ? 0 : 1]
        }
        if (script.startsWith('command -v grocker')) {
            return [status: onPath ? 0 : 1]
        }
        if (script.contains('GROCKER_CLI_SHA256')) {
            installs.add(env)
            return [status: installStatus]
        }
        if (script.startsWith('printf "%s" "${GROCKER_CLI_CACHE')) {
            return [status: 0, stdout: env.GROCKER_CLI_CACHE ?: '/home/jenkins/.cache/grocker']
        }
        String command = (script =~ '"[$]GROCKER_CLI" (\\w+)')[0][1]
        if (command == 'wheels') {
            command = script.contains('wheels push') ? 'wheelsPush' : 'wheelsPull'
        }
        commands.add([command: command, env: env, dir: ws])
        int code = exitCodes.containsKey(command) ? exitCodes[command] : exitCode
        // like the real command: the report is written on success, when the scan gate refused (exit 5), and for
        // a promotion whenever its audit record is
        String report = option(env, '--report')
        if (report && (code == 0 || code == 5 || command == 'promote')) {
            Path file = ws.resolve(report)
            Files.createDirectories(file.parent)
            file.text = "<!DOCTYPE html><title>grocker ${command} report</title>${env.GROCKER_SCAN_COMMAND ? 'scanned' : ''}"
        }
        if (code == 0 || command == 'promote') {
            Integer own = "$command"(env, ws, code)
            if (own != null) {
                return [status: own]
            }
        }
        return [status: code]
    }

    /** The value after OPTION in GROCKER_ARGS, or null. */
    private static String option(Map env, String option) {
        List<String> w = words(env)
        int at = w.indexOf(option)
        return at >= 0 && at + 1 < w.size() ? w[at + 1] : null
    }

    Integer purge(Map env, Path ws, int code) {
        boolean dryRun = words(env).contains('--dry-run')
        List<Map> repositories = env.GROCKER_REPOSITORIES.split(' ').collect { String r ->
            [repository: r, deletions: [[digest: digestOf("old ${r}"), tags: ['gk-0123'], reason: 'older than 30d',
                                         attachmentOf: null, outcome: dryRun ? 'planned' : 'deleted']],
             kept: [[tag: 'v1.0.0', digest: digestOf("release ${r}"), reason: "release tag (matches 'v[0-9].*')"]],
             outcome: dryRun ? 'dry-run' : 'purged']
        }
        Map record = [time: '2025-06-02T09:14:03.512Z', who: env.USER ?: 'jenkins', build: env.BUILD_URL ?: null, dryRun: dryRun,
                      policy: [keepLast: option(env, '--keep-last'), olderThan: option(env, '--older-than'),
                               candidates: env.GROCKER_CANDIDATES ?: 'gk-[0-9a-f]+', protect: []],
                      repositories: repositories, outcome: dryRun ? 'dry-run' : 'purged', error: null]
        String audit = option(env, '--audit')
        if (audit) {
            json(ws.resolve(audit), record)
        }
        json(ws.resolve(env.GROCKER_RESULT), record)
        return null
    }

    private static void json(Path file, Object value) {
        Files.createDirectories(file.parent)
        file.text = JsonOutput.prettyPrint(JsonOutput.toJson(value))
    }

    static Object read(Path file) {
        return new JsonSlurperClassic().parseText(file.text)
    }

    private static List<String> words(Map env) {
        return env.GROCKER_ARGS ? env.GROCKER_ARGS.split(' ') as List : []
    }

    private static List<String> platforms(Map env) {
        List<String> w = words(env)
        List<String> result = []
        w.eachWithIndex { String x, int i -> if (x == '--platform') { result.add(w[i + 1].replaceAll('=.*', '')) } }
        return result ?: ['linux/amd64', 'linux/arm64']
    }

    static String sha256(String text) {
        return MessageDigest.getInstance('SHA-256').digest(text.bytes).encodeHex().toString()
    }

    static String sha256File(Path file) {
        return MessageDigest.getInstance('SHA-256').digest(file.bytes).encodeHex().toString()
    }

    /** A digest that depends on what was built, so two different builds give two different digests. */
    static String digestOf(String what) {
        return 'sha256:' + sha256(what)
    }

    static Map imageResult(String repository, List<String> platforms, boolean push, List<String> tags, String seed) {
        return [name: repository.tokenize('/')[-1], repository: repository, parent: null, from: null, status: 'built',
                index: push ? [digest: digestOf("${repository} ${platforms} ${seed}"), mediaType: 'application/vnd.oci.image.index.v1+json',
                               size: 700] : null,
                tags: tags.collect { "${repository}:${it}".toString() },
                platforms: platforms.collect { [platform: it, digest: push ? digestOf("${repository} ${it} ${seed}") : null,
                                                imageId: 'sha256:' + 'd' * 64, key: 'e' * 64, status: 'built'] }]
    }

    Integer base(Map env, Path ws, int code) {
        boolean push = words(env).contains('--push')
        json(ws.resolve(env.GROCKER_RESULT), [spec: env.GROCKER_SPEC, pushed: push,
                images: [imageResult('127.0.0.1:5000/flowcore/flowcore', platforms(env), push, ['3.11'], env.GROCKER_SPEC)]])
        return null
    }

    Integer compile(Map env, Path ws, int code) {
        Map spec = read(ws.resolve(env.GROCKER_SPEC)) as Map
        String requirement = spec.app.toString().startsWith('./') ? 'navigator-api[locale]==2.3.1' : spec.app
        String version = requirement.contains('==') ? requirement.substring(requirement.indexOf('==') + 2) : '1.0.0'
        Path wheels = ws.resolve(env.GROCKER_WHEELS)
        Map manifestPlatforms = [:]
        platforms(env).each { String p ->
            String dir = p.replace('/', '-')
            Path wheel = wheels.resolve(dir).resolve("app-${version}-cp311-cp311-${dir}.whl")
            Files.createDirectories(wheel.parent)
            wheel.text = "wheel ${version} for ${p}"
            manifestPlatforms[p] = [directory: dir, pythonTag: 'cp311', compilerImage: 'reg/c@sha256:1', compilerKey: 'k',
                                    key: 'k2', appWheel: wheel.fileName.toString(),
                                    wheels: [[file: wheel.fileName.toString(), sha256: sha256(wheel.text), size: wheel.text.length(),
                                              source: 'built']]]
        }
        Map manifest = [schemaVersion: 1, app: 'navigator-api', version: version, extras: ['locale'],
                        requirement: requirement, platforms: manifestPlatforms]
        json(wheels.resolve('wheelhouse.json'), manifest)
        json(ws.resolve(env.GROCKER_RESULT), [wheelhouse: env.GROCKER_WHEELS,
                status: manifestPlatforms.collectEntries { k, v -> [(k): 'built'] }, manifest: manifest])
        return null
    }

    Integer runner(Map env, Path ws, int code) {
        Path wheels = ws.resolve(env.GROCKER_WHEELS)
        Map manifest = read(wheels.resolve('wheelhouse.json')) as Map
        List<String> wanted = words(env).contains('--platform') ? platforms(env) : new ArrayList<String>(manifest.platforms.keySet())
        for (String p in wanted) {
            Map listed = manifest.platforms[p] as Map
            if (listed == null) {
                System.err.println("grocker: ${wheels}/wheelhouse.json: the wheelhouse has no ${p} wheels")
                return 2
            }
            Path dir = wheels.resolve(listed.directory as String)
            List<String> names = listed.wheels*.file
            File[] present = dir.toFile().listFiles() ?: new File[0]
            for (File f in present) {
                if (f.name.endsWith('.whl') && !(f.name in names)) {
                    System.err.println("grocker: ${f}: not listed in wheelhouse.json; refusing to use it")
                    return 2
                }
            }
        }
        Map spec = read(ws.resolve(env.GROCKER_SPEC)) as Map
        boolean push = words(env).contains('--push')
        List<String> tags = (spec.tags ?: []).collect { it.toString().replace('{version}', manifest.version as String) }
        json(ws.resolve(env.GROCKER_RESULT), [spec: env.GROCKER_SPEC, pushed: push,
                images: [imageResult(spec.image as String, wanted, push, tags, manifest.requirement as String)]])
        return null
    }

    /** grocker app: compile, then the runner from its wheelhouse (--compile-json and --output-json). */
    Integer app(Map env, Path ws, int code) {
        Integer compiled = compile(env, ws, code)
        if (compiled != null) {
            return compiled
        }
        return runner(env + [GROCKER_RESULT: env.GROCKER_RUNNER_RESULT], ws, code)
    }

    Integer index(Map env, Path ws, int code) {
        List<String> w = words(env)
        List<Map> results = []
        w.eachWithIndex { String x, int i -> if (x == '--result') { results.add(read(ws.resolve(w[i + 1])) as Map) } }
        Map<String, Map> byRepository = [:]
        for (Map r in results) {
            if (!r.pushed) {
                return 2
            }
            for (Map image in r.images) {
                Map merged = byRepository.computeIfAbsent(image.repository as String) { [name: image.name, repository: image.repository,
                        parent: null, from: null, status: 'built', tags: [], platforms: []] }
                (image.tags as List).each { if (!(it in merged.tags)) { merged.tags.add(it) } }
                merged.platforms.addAll(image.platforms as List)
            }
        }
        byRepository.values().each { Map m ->
            m.index = [digest: digestOf("index ${m.platforms*.digest}"), mediaType: 'application/vnd.oci.image.index.v1+json', size: 500]
        }
        json(ws.resolve(env.GROCKER_RESULT), [spec: results[0].spec, pushed: true, images: new ArrayList(byRepository.values())])
        return null
    }

    Integer publish(Map env, Path ws, int code) {
        Map input = read(ws.resolve(env.GROCKER_INPUT)) as Map
        List<String> w = words(env)
        List<Map> tags = []
        w.eachWithIndex { String x, int i ->
            if (x == '--tag') {
                tags.add([image: input.images[0].repository, digest: input.images[0].index.digest, tag: w[i + 1],
                          previousDigest: null, moved: true])
            }
        }
        json(ws.resolve(env.GROCKER_RESULT), [dryRun: false, tags: tags])
        return null
    }

    Integer promote(Map env, Path ws, int code) {
        boolean ok = code == 0
        boolean dryRun = words(env).contains('--dry-run')
        String source = env.GROCKER_FROM
        String digest = source.contains('@') ? source.substring(source.indexOf('@') + 1) : digestOf("source ${source}")
        Map record = [time: '2025-06-02T09:14:03.512Z', who: env.GROCKER_APPROVED_BY ?: env.USER ?: 'jenkins',
                build: env.BUILD_URL ?: null, dryRun: dryRun,
                source: [ref: source, digest: digest, platforms: ['linux/amd64', 'linux/arm64']],
                targets: env.GROCKER_TO.split(' ').collect { [ref: it, previousDigest: null, digest: digest,
                        outcome: dryRun ? 'planned' : ok ? 'tagged' : 'failed', detail: null] },
                blobs: [mounted: 9, copied: 0, skipped: 0, bytesCopied: 0],
                outcome: dryRun ? 'dry-run' : ok ? 'promoted' : 'failed', error: ok ? null : 'registry refused']
        if (!dryRun) {
            json(ws.resolve(env.GROCKER_AUDIT), record)
        }
        json(ws.resolve(env.GROCKER_RESULT), record)
        return null
    }

    Integer wheelsPush(Map env, Path ws, int code) {
        Path wheels = ws.resolve(env.GROCKER_WHEELS)
        Map manifest = read(wheels.resolve('wheelhouse.json')) as Map
        List<String> chosen = words(env).contains('--platform') ? platforms(env) : new ArrayList(manifest.platforms.keySet())
        Map sent = manifest + [platforms: manifest.platforms.findAll { k, v -> k in chosen }]
        Map files = [:]
        sent.platforms.each { String p, Map v ->
            v.wheels.each { Map wf -> files["${v.directory}/${wf.file}".toString()] = wheels.resolve(v.directory).resolve(wf.file).text }
        }
        String reference = "${env.GROCKER_REPOSITORY}@${digestOf(JsonOutput.toJson(sent))}"
        artifacts[reference] = [manifest: sent, files: files]
        json(ws.resolve(env.GROCKER_RESULT), [reference: reference, platforms: chosen, wheels: files.size()])
        return null
    }

    Integer wheelsPull(Map env, Path ws, int code) {
        Map artifact = artifacts[env.GROCKER_ARTIFACT]
        if (artifact == null) {
            return 4
        }
        Path wheels = ws.resolve(env.GROCKER_WHEELS)
        Path file = wheels.resolve('wheelhouse.json')
        Map merged = Files.exists(file) ? read(file) as Map : (artifact.manifest + [platforms: [:]])
        merged.platforms.putAll(artifact.manifest.platforms as Map)
        artifact.files.each { String rel, String text ->
            Path f = wheels.resolve(rel)
            Files.createDirectories(f.parent)
            f.text = text
        }
        json(file, merged)
        return null
    }
}
