/*
 * grockerRun: phase 2 (`grocker runner`): unstashes the wheelhouse grockerCompile made (one stash, or one
 * per platform from agents that compiled in parallel), and builds and publishes the runner image from
 * those verified wheels only. Help: vars/grockerRun.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerRun'

/** The arguments and their defaults. */
@Field static final Map DEFAULTS = [
    stash: 'grocker-wheels',    // the stash (or list of stashes) of grockerCompile
    unstash: true,              // false when the wheelhouse is already in this workspace
    image: null,                // the runner's repository (required unless grockerCompile had one)
    base: null, runDependencies: null, entrypoint: null, venv: null, user: null, workdir: null, env: null,
    ports: null, volumes: null, healthcheck: null, labels: null, tags: null,
    platforms: [],              // --platform each; default: the spec's platforms
    push: true,                 // push the images, the index and the tags
    tag: true,                  // move the tags (false: push by digest only, for grockerIndex to tag)
    registryCredentialsId: null, // Jenkins username/password credential for the runner's registry
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
    report: null,               // the HTML report (default .grocker/runner-<stash>-report.html); false: none
    scanCommand: null,          // the scan gate: a shell command run on every platform image before any tag moves
    scanTimeout: null,          // seconds before a scan is stopped and counted as failed (default 1800)
    verbose: false,
]

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" runner --spec "$GROCKER_SPEC" --wheels "$GROCKER_WHEELS" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS ${GROCKER_SCAN_COMMAND:+--scan-command "$GROCKER_SCAN_COMMAND"}'

@Field static final String PULL_WHEELS = 'set -f; "$GROCKER_CLI" wheels pull "$GROCKER_ARTIFACT" --wheels "$GROCKER_WHEELS"'

/** Application spec fields the runner has no use for (the wheels are already built). */
@Field static final List<String> COMPILE_ONLY = ['index', 'constraints', 'extras']

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    List stashes = a.stash instanceof List ? a.stash : [a.stash]
    if (!stashes) {
        error "${STEP}: 'stash' is required (the stash of grockerCompile, or one per platform)"
    }
    List<String> stashIds = []
    for (Object s in stashes) {
        stashIds.add(grockerCli.stashName(STEP, s))
    }
    if (a.tags != null && !(a.tags instanceof List)) {
        error "${STEP}: 'tags' must be a list, got '${a.tags}'"
    }
    for (String flag in ['push', 'tag', 'unstash']) {
        if (!(a[flag] instanceof Boolean)) {
            error "${STEP}: '${flag}' must be true or false, got '${a[flag]}'"
        }
    }
    List<String> platforms = grockerCli.words(STEP, 'platforms', a.platforms)
    Map scan = grockerCli.scanGate(STEP, a.scanCommand, a.scanTimeout)
    String work = grockerCli.WORK_DIR
    String wheels = "${work}/wheels"

    // The wheelhouse: every stash's wheels (or the wheels their artifacts name) in one directory emptied first,
    // so that nothing a previous build left is taken for this one's; their manifests merged into one.
    if (a.unstash) {
        grockerCli.clean(wheels)
    }
    String specFile = null
    Map manifest = null
    List<Map> handoffs = []
    for (int i = 0; i < stashIds.size(); i++) {
        String id = stashIds[i]
        if (a.unstash) {
            unstash(id)
        }
        Map handoff = grockerCli.readResult("${work}/handoff-${id}.json")
        handoffs.add(handoff)
        specFile = specFile ?: handoff.spec
        if (manifest == null) {
            manifest = handoff.manifest
        } else if (manifest.requirement != handoff.manifest.requirement) {
            error "${STEP}: the stashes hold different applications: ${manifest.requirement} and " +
                "${handoff.manifest.requirement} (${id})"
        } else {
            manifest.platforms.putAll(handoff.manifest.platforms)
        }
    }

    // The runner's spec: grockerCompile's, with this step's arguments over it and the exact requirement
    // the wheels were compiled for (so the runner needs no sources, no index, no constraints).
    Map spec = grockerCli.compose(grockerCli.readResult(specFile), a)
    spec.app = manifest.requirement
    for (String field in COMPILE_ONLY) {
        spec.remove(field)
    }
    if (spec.dependencies instanceof Map) {
        spec.dependencies.remove('build')
    }
    if (!spec.image || spec.image == grockerCli.NO_IMAGE) {
        error "${STEP}: 'image' is required (the runner's repository; neither grockerCompile nor its spec named one)"
    }
    Map registries = grockerCli.registryMap(STEP, a, 'registryCredentialsId',
        grockerCli.registryHost(spec.image.toString()))
    boolean pulled = false
    for (int i = 0; i < handoffs.size(); i++) {
        if (handoffs[i].artifact && a.unstash) {
            pullWheels(handoffs[i].artifact.toString(), wheels, registries)
            pulled = true
        }
    }
    if (!pulled) {
        grockerCli.writeResult("${wheels}/wheelhouse.json", manifest)
    }
    String dir = grockerCli.dirOf(specFile)
    String runnerSpec = "${dir == '.' ? '' : dir + '/'}.grocker-${stashIds[0]}.runner.json"
    String result = "${work}/runner-${stashIds[0]}.json"
    grockerCli.writeResult(runnerSpec, spec)

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
    String report = grockerCli.reportFile(STEP, a.report, "${work}/runner-${stashIds[0]}-report.html")
    if (report) {
        words.addAll(['--report', report])
    }
    words.addAll(scan.words)
    long start = System.currentTimeMillis()
    echo "${STEP}: building ${spec.image} from ${manifest.requirement} " +
        "(${platforms ?: manifest.platforms.keySet().sort()}, wheels verified by grocker before any build)"
    int rc = grockerCli.run(step: STEP, command: 'runner', script: SCRIPT,
        vars: [GROCKER_SPEC: runnerSpec, GROCKER_WHEELS: wheels, GROCKER_RESULT: result, GROCKER_ARGS: words.join(' '),
               GROCKER_SCAN_COMMAND: scan.command],
        registries: registries)
    grockerCli.publishReport(STEP, report)
    grockerCli.check(STEP, 'runner', rc)

    Map answer = grockerCli.runnerAnswer(STEP, result, manifest.requirement, runnerSpec, start)
    answer.reportFile = report
    return answer
}

/** Pulls a wheelhouse artifact (repository@digest) into WHEELS; grocker verifies every wheel by its digest. */
private void pullWheels(String artifact, String wheels, Map registries) {
    String host = grockerCli.registryHost(artifact)
    int rc = grockerCli.run(step: STEP, command: 'wheels pull', script: PULL_WHEELS,
        vars: [GROCKER_ARTIFACT: grockerCli.words(STEP, 'artifact', artifact)[0], GROCKER_WHEELS: wheels],
        registries: registries.containsKey(host) ? [(host): registries[host]] : [:])
    grockerCli.check(STEP, 'wheels pull', rc)
}
