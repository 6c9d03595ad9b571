package io.jenkins.plugins.grocker.library

import groovy.json.JsonOutput

import java.nio.file.Files
import java.nio.file.Path

/**
 * A stand-in for the command line behind `sh` in the unit tests: answers the steps' look-up of the CLI, and
 * for a grocker script writes what the real command writes (the --output-json result, the wheelhouse, the
 * audit record) from fixtures, then exits with {@link #exitCode}.
 */
class FakeGrocker {
    static final String INDEX_DIGEST = 'sha256:' + 'a' * 64
    static final String AMD64_DIGEST = 'sha256:' + 'b' * 64
    static final String ARM64_DIGEST = 'sha256:' + 'c' * 64

    /** The exit code of the next grocker commands. */
    int exitCode = 0
    /** Whether `grocker` is on PATH (used when GROCKER_CLI is not set). */
    boolean onPath = true
    /** The grocker commands run: [command, env]. */
    final List<Map> commands = []

    Map call(String script, Map<String, String> env, Path ws) {
        if (script.startsWith('test -x')) {
            return [status: env.GROCKER_CLI?.startsWith('/opt/grocker') ? 0 : 1]
        }
        if (script.startsWith('command -v grocker')) {
            return [status: onPath ? 0 : 1]
        }
        String command = (script =~ '"[$]GROCKER_CLI" (\\w+)')[0][1]
        commands.add([command: command, env: env])
        if (exitCode == 0 || command == 'promote') {
            "$command"(env, ws)
        }
        return [status: exitCode]
    }

    private static void json(Path file, Object value) {
        Files.createDirectories(file.parent)
        file.text = JsonOutput.prettyPrint(JsonOutput.toJson(value))
    }

    private static List<String> platforms(Map env) {
        List<String> words = env.GROCKER_ARGS ? env.GROCKER_ARGS.split(' ') as List : []
        List<String> result = []
        words.eachWithIndex { String w, int i -> if (w == '--platform') { result.add(words[i + 1]) } }
        return result ?: ['linux/amd64', 'linux/arm64']
    }

    static Map imageResult(String repository, List<String> platforms) {
        return [name: repository.tokenize('/')[-1], repository: repository, parent: null, from: null, status: 'built',
                index: [digest: INDEX_DIGEST, mediaType: 'application/vnd.oci.image.index.v1+json', size: 700],
                tags: ['1.0.0', 'latest'],
                platforms: platforms.collect { [platform: it, digest: it.endsWith('arm64') ? ARM64_DIGEST : AMD64_DIGEST,
                                                imageId: 'sha256:' + 'd' * 64, key: 'e' * 64, status: 'built'] }]
    }

    void base(Map env, Path ws) {
        json(ws.resolve(env.GROCKER_RESULT), [spec: env.GROCKER_SPEC, pushed: true,
                images: [imageResult('127.0.0.1:5000/flowcore/flowcore', platforms(env))]])
    }

    void compile(Map env, Path ws) {
        Path wheels = ws.resolve(env.GROCKER_WHEELS)
        Map manifestPlatforms = [:]
        platforms(env).each { String p ->
            String dir = p.replace('/', '-')
            Path wheel = wheels.resolve(dir).resolve("app-1.0.0-cp311-cp311-${dir}.whl")
            Files.createDirectories(wheel.parent)
            wheel.text = "wheel for ${p}"
            manifestPlatforms[p] = [directory: dir, pythonTag: 'cp311', compilerImage: 'reg/c@sha256:1', compilerKey: 'k',
                                    key: 'k2', appWheel: wheel.fileName.toString(),
                                    wheels: [[file: wheel.fileName.toString(), sha256: 'f' * 64, size: 14, source: 'built']]]
        }
        Map manifest = [schemaVersion: 1, app: 'navigator-api', version: '2.3.1', extras: ['locale'],
                        requirement: 'navigator-api[locale]==2.3.1', platforms: manifestPlatforms]
        json(wheels.resolve('wheelhouse.json'), manifest)
        json(ws.resolve(env.GROCKER_RESULT), [wheelhouse: env.GROCKER_WHEELS,
                status: manifestPlatforms.collectEntries { k, v -> [(k): 'built'] }, manifest: manifest])
    }

    void runner(Map env, Path ws) {
        json(ws.resolve(env.GROCKER_RESULT), [spec: env.GROCKER_SPEC, pushed: true,
                images: [imageResult('127.0.0.1:5000/apps/navigator-api', platforms(env))]])
    }

    void publish(Map env, Path ws) {
        json(ws.resolve(env.GROCKER_RESULT), [dryRun: false, tags: [[image: '127.0.0.1:5000/apps/navigator-api',
                digest: INDEX_DIGEST, tag: 'latest', previousDigest: null, moved: true]]])
    }

    void promote(Map env, Path ws) {
        boolean ok = exitCode == 0
        Map record = [time: '2025-06-02T09:14:03.512Z', who: 'jdoe', build: null, dryRun: false,
                source: [ref: env.GROCKER_FROM, digest: INDEX_DIGEST, platforms: ['linux/amd64', 'linux/arm64']],
                targets: env.GROCKER_TO.split(' ').collect { [ref: it, previousDigest: null, digest: ok ? INDEX_DIGEST : null,
                                                            outcome: ok ? 'tagged' : 'failed', detail: null] },
                blobs: [mounted: 9, copied: 0, skipped: 0, bytesCopied: 0],
                outcome: ok ? 'promoted' : 'failed', error: ok ? null : 'registry refused']
        json(ws.resolve(env.GROCKER_AUDIT), record)
        json(ws.resolve(env.GROCKER_RESULT), record)
    }
}
