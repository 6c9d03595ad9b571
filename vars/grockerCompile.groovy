/*
 * grockerCompile: phase 1 (`grocker compile`): the application and all its dependencies as checksummed
 * wheels, built in a compiler image; the wheelhouse is stashed for grockerRun on any agent.
 * Help: vars/grockerCompile.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerCompile'

/** The arguments and their defaults (the application spec fields are in grockerCli.SPEC_ARGS). */
@Field static final Map DEFAULTS = [
    spec: null,                 // an application spec file (YAML or JSON); the spec arguments below override it
    app: null,                  // 'name[extras]==version', or './src', './dist/app-1.0.whl' (required without spec)
    base: null,                 // the base image (required without spec)
    image: null,                // the runner's repository (may be given to grockerRun instead)
    buildDependencies: null, runDependencies: null,
    indexUrl: null, extraIndexUrls: null, findLinks: null, trustedHosts: null, constraints: null,
    entrypoint: null, venv: null, user: null, workdir: null, env: null, ports: null, volumes: null,
    healthcheck: null, labels: null, tags: null,
    indexCredentialsId: null,   // Jenkins username/password credential for the package index
    registryCredentialsId: null, // Jenkins username/password credential for the registry of the base
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
    platforms: [],              // --platform each; default: the spec's platforms
    stash: 'grocker-wheels',    // the stash grockerRun unstashes (the wheels, or only where they are in the registry)
    wheels: 'stash',            // how the wheels travel: 'stash' (through the controller) or 'registry' (an OCI artifact)
    wheelRepository: null,      // with wheels: 'registry', the repository of the artifact (default: <image>-wheels)
    stashWarnMB: 50,            // warn when the stashed wheels are larger than this (stash is meant for small files)
    archive: false,             // also archive the wheels (with fingerprints)
    runner: null,               // [push: true, tag: true, report:, scanCommand:, scanTimeout:]: also build the runner
                                // here, in the same process (grocker app); the keys mean what grockerRun's do
    verbose: false,
]

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" compile --spec "$GROCKER_SPEC" --output "$GROCKER_WHEELS" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS'

@Field static final String APP_SCRIPT = 'set -f; "$GROCKER_CLI" app --spec "$GROCKER_SPEC" --wheels "$GROCKER_WHEELS" ' +
    '--compile-json "$GROCKER_RESULT" --output-json "$GROCKER_RUNNER_RESULT" $GROCKER_ARGS ' +
    '${GROCKER_SCAN_COMMAND:+--scan-command "$GROCKER_SCAN_COMMAND"}'

@Field static final String PUSH_WHEELS = 'set -f; "$GROCKER_CLI" wheels push "$GROCKER_REPOSITORY" --wheels "$GROCKER_WHEELS" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    if (a.spec != null && !(a.spec instanceof CharSequence && a.spec)) {
        error "${STEP}: 'spec' must be the path of an application spec file"
    }
    if (!a.spec) {
        for (String required in ['app', 'base']) {
            if (!a[required]) {
                error "${STEP}: '${required}' is required (or give 'spec', an application spec file)"
            }
        }
    }
    for (String listArg in ['buildDependencies', 'runDependencies', 'extraIndexUrls', 'findLinks', 'trustedHosts', 'tags']) {
        if (a[listArg] != null && !(a[listArg] instanceof List)) {
            error "${STEP}: '${listArg}' must be a list, got '${a[listArg]}'"
        }
    }
    List<String> platforms = grockerCli.words(STEP, 'platforms', a.platforms)
    String stashId = grockerCli.stashName(STEP, a.stash)
    if (!(a.wheels in ['stash', 'registry'])) {
        error "${STEP}: 'wheels' must be 'stash' or 'registry', got '${a.wheels}'"
    }
    Map runner = a.runner == null ? null : checkRunner(a.runner)
    if (!(a.stashWarnMB instanceof Number) || a.stashWarnMB < 0) {
        error "${STEP}: 'stashWarnMB' must be a number of megabytes, got '${a.stashWarnMB}'"
    }

    // The spec the command reads: the given one with the arguments over it, written next to it so that
    // its relative paths (app, constraints, templates) still mean the same files.
    Map spec = grockerCli.compose(a.spec ? readYaml(file: a.spec) : [:], a)
    for (String required in ['app', 'base']) {
        if (!spec[required]) {
            error "${STEP}: '${required}' is required: neither the arguments nor ${a.spec} give it"
        }
    }
    spec.image = spec.image ?: grockerCli.NO_IMAGE
    if (runner != null && spec.image == grockerCli.NO_IMAGE) {
        error "${STEP}: 'runner' needs 'image' (the runner's repository; neither the arguments nor the spec give it)"
    }
    String wheelRepository = null
    if (a.wheels == 'registry') {
        if (!a.wheelRepository && spec.image == grockerCli.NO_IMAGE) {
            error "${STEP}: wheels: 'registry' needs 'wheelRepository' (or 'image', whose '-wheels' repository is used)"
        }
        wheelRepository = grockerCli.words(STEP, 'wheelRepository', a.wheelRepository ?: "${spec.image}-wheels")[0]
    }
    Map registries = grockerCli.registryMap(STEP, a, 'registryCredentialsId',
        grockerCli.registryHost(spec.base.toString()))
    if (runner != null) {
        // the runner's registry too: the same credential, as grockerRun after grockerCompile would give it
        registries = grockerCli.registryMap(STEP, a, 'registryCredentialsId', grockerCli.registryHost(spec.image.toString())) +
            registries
    }
    String dir = a.spec ? grockerCli.dirOf(a.spec.toString()) : '.'
    String specFile = "${dir == '.' ? '' : dir + '/'}.grocker-${stashId}.app.json"
    String work = grockerCli.WORK_DIR
    String wheels = "${work}/wheels"
    String result = "${work}/compile-${stashId}.json"
    grockerCli.writeResult(specFile, spec)
    // what a previous build left: wheels of another version would not be in this wheelhouse's manifest
    grockerCli.clean(wheels)

    List<String> words = []
    for (String p in platforms) {
        words.addAll(['--platform', p])
    }
    if (a.verbose) {
        words.add('--verbose')
    }
    List credentials = []
    if (a.indexCredentialsId) {
        Map names = spec.index instanceof Map && spec.index.credentials instanceof Map ? spec.index.credentials : [:]
        credentials.add(usernamePassword(credentialsId: a.indexCredentialsId,
            usernameVariable: names.usernameEnv ?: 'GROCKER_INDEX_USERNAME',
            passwordVariable: names.passwordEnv ?: 'GROCKER_INDEX_PASSWORD'))
    }

    long start = System.currentTimeMillis()
    if (runner != null) {
        return compileAndRun([args: a, runner: runner, spec: spec, specFile: specFile, platformWords: words,
            credentials: credentials, registries: registries, stashId: stashId, start: start])
    }
    echo "${STEP}: compiling ${spec.app} on ${spec.base}${platforms ? ' for ' + platforms.join(', ') : ''}"
    int rc = grockerCli.run(step: STEP, command: 'compile', script: SCRIPT,
        vars: [GROCKER_SPEC: specFile, GROCKER_WHEELS: wheels, GROCKER_RESULT: result, GROCKER_ARGS: words.join(' ')],
        credentials: credentials, registries: registries)
    grockerCli.check(STEP, 'compile', rc)

    Map answer = grockerCli.readResult(result)
    Map manifest = answer.manifest
    // Only the platforms of this run travel: another agent may compile the others into its own stash.
    List<String> wanted = []
    for (String p in platforms) {
        wanted.add(grockerCli.platformOf(p))
    }
    Map ours = [:]
    long bytes = 0
    for (Map.Entry e in manifest.platforms) {
        if (!wanted || e.key in wanted) {
            ours[e.key] = e.value
            for (Map w in e.value.wheels) {
                bytes += (w.size ?: 0) as long
            }
        }
    }
    manifest.platforms = ours
    String handoff = "${work}/handoff-${stashId}.json"
    List<String> includes = [specFile, handoff]
    List<String> compiled = new ArrayList<String>(ours.keySet())
    Map handoffData = [spec: specFile, manifest: manifest, artifact: null]
    if (wheelRepository) {
        handoffData.artifact = pushWheels(wheels, wheelRepository, compiled, registries, stashId)
    }
    for (int i = 0; i < compiled.size(); i++) {
        Map wheelsOf = ours[compiled[i]]
        if (!wheelRepository) {
            includes.add("${wheels}/${wheelsOf.directory}/**".toString())
        }
        echo "${STEP}: ${compiled[i]}: ${wheelsOf.wheels.size()} wheels in ${wheels}/${wheelsOf.directory}"
    }
    grockerCli.writeResult(handoff, handoffData)
    stash(name: stashId, includes: includes.join(','), useDefaultExcludes: false)
    if (!wheelRepository && bytes > a.stashWarnMB * 1024 * 1024) {
        String size = String.format('%.1f', bytes / 1048576.0d)
        echo "${STEP}: WARNING: ${size} MB of wheels went through the controller in stash '${stashId}'; stash is meant " +
            "for small files: give wheels: 'registry' to move them through the registry instead"
    }
    if (a.archive) {
        archiveArtifacts(artifacts: "${wheels}/**".toString(), fingerprint: true)
    }
    echo "${STEP}: ${manifest.requirement} compiled in ${grockerCli.since(start)}, " +
        (wheelRepository ? "wheels pushed as ${handoffData.artifact}, " : '') + "stashed as '${stashId}'"
    answer.manifest = manifest
    answer.spec = specFile
    answer.stash = stashId
    answer.wheels = wheels
    answer.resultFile = result
    answer.artifact = handoffData.artifact
    return answer
}

/** Pushes the wheels of PLATFORMS as an OCI artifact to REPOSITORY; returns its repository@digest. */
private String pushWheels(String wheels, String repository, List<String> platforms, Map registries, String stashId) {
    List<String> words = []
    for (String p in platforms) {
        words.addAll(['--platform', p])
    }
    String out = "${grockerCli.WORK_DIR}/wheels-push-${stashId}.json"
    int rc = grockerCli.run(step: STEP, command: 'wheels push', script: PUSH_WHEELS,
        vars: [GROCKER_WHEELS: wheels, GROCKER_REPOSITORY: repository, GROCKER_RESULT: out, GROCKER_ARGS: words.join(' ')],
        registries: registries)
    grockerCli.check(STEP, 'wheels push', rc)
    return grockerCli.readResult(out).reference
}

/** Checks the 'runner' argument: a Map of push and tag (true or false); returns it with the defaults. */
private Map checkRunner(Object value) {
    if (!(value instanceof Map)) {
        error "${STEP}: 'runner' must be a Map such as [push: true, tag: true], got '${value}'"
    }
    Map runner = [push: true, tag: true] + value
    for (Object key in runner.keySet()) {
        if (!(key in ['push', 'tag', 'report', 'scanCommand', 'scanTimeout'])) {
            error "${STEP}: 'runner' has '${key}'; it takes 'push', 'tag', 'report', 'scanCommand' and 'scanTimeout'"
        }
    }
    for (String key in ['push', 'tag']) {
        if (!(runner[key] instanceof Boolean)) {
            error "${STEP}: 'runner.${key}' must be true or false, got '${runner[key]}'"
        }
    }
    runner.scan = grockerCli.scanGate(STEP, runner.scanCommand, runner.scanTimeout)
    return runner
}

/**
 * Compile and runner in one process on this agent (`grocker app`): nothing is stashed or pushed for another agent;
 * the answer is the compilation's, with the runner's (what grockerRun returns) under 'runner'. C holds the step's
 * arguments (args), runner, spec, specFile, platformWords, credentials, registries, stashId and start.
 */
private Map compileAndRun(Map c) {
    String work = grockerCli.WORK_DIR
    String wheels = "${work}/wheels"
    String result = "${work}/compile-${c.stashId}.json"
    String runnerResult = "${work}/runner-${c.stashId}.json"
    List<String> words = [c.runner.push ? '--push' : '--no-push']
    if (c.runner.push && !c.runner.tag) {
        words.add('--no-tag')
    }
    words.addAll(c.platformWords)
    String report = grockerCli.reportFile(STEP, c.runner.report, "${work}/runner-${c.stashId}-report.html")
    if (report) {
        words.addAll(['--report', report])
    }
    words.addAll(c.runner.scan.words)
    echo "${STEP}: compiling ${c.spec.app} on ${c.spec.base} and building ${c.spec.image} from the wheels, in one process"
    int rc = grockerCli.run(step: STEP, command: 'app', script: APP_SCRIPT,
        vars: [GROCKER_SPEC: c.specFile, GROCKER_WHEELS: wheels, GROCKER_RESULT: result, GROCKER_RUNNER_RESULT: runnerResult,
               GROCKER_ARGS: words.join(' '), GROCKER_SCAN_COMMAND: c.runner.scan.command],
        credentials: c.credentials, registries: c.registries)
    grockerCli.publishReport(STEP, report)
    grockerCli.check(STEP, 'app', rc)
    Map answer = grockerCli.readResult(result)
    if (c.args.archive) {
        archiveArtifacts(artifacts: "${wheels}/**".toString(), fingerprint: true)
    }
    answer.spec = c.specFile
    answer.stash = null
    answer.wheels = wheels
    answer.resultFile = result
    answer.artifact = null
    answer.runner = grockerCli.runnerAnswer(STEP, runnerResult, answer.manifest.requirement, c.specFile, c.start as long)
    answer.runner.reportFile = report
    return answer
}
