/*
 * flowcoreBase: builds a hierarchy of base images (`grocker base`): parents first, siblings at the same
 * time, every platform, nothing rebuilt whose inputs did not change. Help: vars/flowcoreBase.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'flowcoreBase'

/** The arguments and their defaults. */
@Field static final Map DEFAULTS = [
    spec: null,                     // required: a hierarchy spec file in the workspace, or the spec as a Map
    platforms: [],                  // --platform each; default: the spec's platforms
    push: true,                     // push images, indexes and tags (false: keep them in the local engine)
    registryCredentialsId: null,    // Jenkins username/password credential for the registries
    result: '.grocker/base.json',   // where the command's JSON result goes
    archive: true,                  // archive the result file
    verbose: false,                 // show Docker's whole output
]

/** The command: a constant script; its inputs come from the environment. */
@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" base --spec "$GROCKER_SPEC" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    if (a.spec == null || a.spec == '' || a.spec == [:]) {
        error "${STEP}: 'spec' is required (a spec file in the workspace, or the spec as a Map)"
    }
    if (!(a.spec instanceof CharSequence || a.spec instanceof Map)) {
        error "${STEP}: 'spec' must be a file path or a Map, got ${a.spec.getClass().simpleName}"
    }
    if (!(a.push instanceof Boolean)) {
        error "${STEP}: 'push' must be true or false, got '${a.push}'"
    }
    List<String> platforms = grockerCli.words(STEP, 'platforms', a.platforms)
    String result = grockerCli.words(STEP, 'result', a.result)[0]

    String spec = a.spec instanceof Map ? '.grocker-base.json' : a.spec.toString()
    if (a.spec instanceof Map) {
        // at the workspace root, so relative paths in it (files, rootfs) are relative to the workspace
        writeJSON(file: spec, json: grockerCli.copy(a.spec), pretty: 2)
    }
    List<String> words = [a.push ? '--push' : '--no-push']
    for (String p in platforms) {
        words.addAll(['--platform', p])
    }
    if (a.verbose) {
        words.add('--verbose')
    }

    long start = System.currentTimeMillis()
    echo "${STEP}: building ${spec}${platforms ? ' for ' + platforms.join(', ') : ''}${a.push ? '' : ' (no push)'}"
    int rc = grockerCli.run(step: STEP, command: 'base', script: SCRIPT,
        vars: [GROCKER_SPEC: spec, GROCKER_RESULT: result, GROCKER_ARGS: words.join(' ')],
        credentials: grockerCli.registryCredentials(a.registryCredentialsId))
    grockerCli.check(STEP, 'base', rc)
    if (a.archive) {
        archiveArtifacts(artifacts: result, fingerprint: true)
    }
    Map built = grockerCli.copy(readJSON(file: result))
    for (int i = 0; i < built.images.size(); i++) {
        Map image = built.images[i]
        String where = image.index ? "${image.repository}@${image.index.digest}" : image.repository
        echo "${STEP}: ${image.name} ${image.status}: ${where}${image.tags ? ' tags: ' + image.tags.join(', ') : ''}"
    }
    echo "${STEP}: ${built.images.size()} image(s) in ${grockerCli.since(start)}"
    built.resultFile = result
    return built
}
