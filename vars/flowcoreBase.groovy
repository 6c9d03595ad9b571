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
    tag: true,                      // move the tags (false: push by digest only, for grockerIndex to tag)
    registryCredentialsId: null,    // Jenkins username/password credential for the spec's registry
    registryCredentials: null,      // ['host[:port]': 'credentials-id', ...]: one credential per registry
    result: '.grocker/base.json',   // where the command's JSON result goes
    archive: true,                  // archive the result file
    report: null,                   // the HTML report (default: next to the result, -report.html); false: none
    scanCommand: null,              // the scan gate: a shell command run on every platform image before any tag moves
    scanTimeout: null,              // seconds before a scan is stopped and counted as failed (default 1800)
    verbose: false,                 // show Docker's whole output
]

/** The command: a constant script; its inputs come from the environment. */
@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" base --spec "$GROCKER_SPEC" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS ${GROCKER_SCAN_COMMAND:+--scan-command "$GROCKER_SCAN_COMMAND"}'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    if (a.spec == null || a.spec == '' || a.spec == [:]) {
        error "${STEP}: 'spec' is required (a spec file in the workspace, or the spec as a Map)"
    }
    if (!(a.spec instanceof CharSequence || a.spec instanceof Map)) {
        error "${STEP}: 'spec' must be a file path or a Map, got ${a.spec.getClass().simpleName}"
    }
    for (String flag in ['push', 'tag']) {
        if (!(a[flag] instanceof Boolean)) {
            error "${STEP}: '${flag}' must be true or false, got '${a[flag]}'"
        }
    }
    List<String> platforms = grockerCli.words(STEP, 'platforms', a.platforms)
    String result = grockerCli.words(STEP, 'result', a.result)[0]
    String report = grockerCli.reportFile(STEP, a.report, result.replaceAll(/\.json$/, '') + '-report.html')
    Map scan = grockerCli.scanGate(STEP, a.scanCommand, a.scanTimeout)
    String spec = a.spec instanceof Map ? '.grocker-base.json' : a.spec.toString()
    Map registries = grockerCli.registryMap(STEP, a, 'registryCredentialsId',
        a.registryCredentialsId ? specRegistry(a.spec) : null)

    if (a.spec instanceof Map) {
        // at the workspace root, so relative paths in it (files, rootfs) are relative to the workspace
        grockerCli.writeResult(spec, a.spec)
    }
    List<String> words = [a.push ? '--push' : '--no-push']
    if (a.push && !a.tag) {
        words.add('--no-tag')
    }
    for (String p in platforms) {
        words.addAll(['--platform', p])
    }
    if (a.verbose) {
        words.add('--verbose')
    }
    if (report) {
        words.addAll(['--report', report])
    }
    words.addAll(scan.words)

    long start = System.currentTimeMillis()
    echo "${STEP}: building ${spec}${platforms ? ' for ' + platforms.join(', ') : ''}${a.push ? '' : ' (no push)'}"
    int rc = grockerCli.run(step: STEP, command: 'base', script: SCRIPT,
        vars: [GROCKER_SPEC: spec, GROCKER_RESULT: result, GROCKER_ARGS: words.join(' '), GROCKER_SCAN_COMMAND: scan.command],
        registries: registries)
    grockerCli.publishReport(STEP, report)
    grockerCli.check(STEP, 'base', rc)
    if (a.archive) {
        archiveArtifacts(artifacts: result, fingerprint: true)
    }
    Map built = grockerCli.readResult(result)
    for (int i = 0; i < built.images.size(); i++) {
        Map image = built.images[i]
        String where = image.index ? "${image.repository}@${image.index.digest}" : image.repository
        echo "${STEP}: ${image.name} ${image.status}: ${where}${image.tags ? ' tags: ' + image.tags.join(', ') : ''}"
    }
    echo "${STEP}: ${built.images.size()} image(s) in ${grockerCli.since(start)}"
    built.resultFile = result
    built.reportFile = report
    return built
}

/** The host of the spec's registry (its `registry` field, ${VAR} and ${VAR:-default} taken from env), or null. */
private String specRegistry(Object spec) {
    Map fields = spec instanceof Map ? spec : readYaml(file: spec.toString())
    String registry = fields?.registry instanceof CharSequence ? fields.registry.toString() : null
    if (!registry) {
        return null
    }
    String expanded = expand(registry, env)
    return expanded.contains('$') ? null : grockerCli.registryHost(expanded + '/x')
}

/** TEXT with ${VAR} and ${VAR:-default} replaced from ENVIRONMENT, as grocker's spec loader does. */
@NonCPS
private String expand(String text, Object environment) {
    return text.replaceAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/) { List<String> m ->
        environment[m[1]] ?: (m[3] ?: '')
    }
}
