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
    verbose: false,
]

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" compile --spec "$GROCKER_SPEC" --output "$GROCKER_WHEELS" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS'

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
    String wheelRepository = null
    if (a.wheels == 'registry') {
        if (!a.wheelRepository && spec.image == grockerCli.NO_IMAGE) {
            error "${STEP}: wheels: 'registry' needs 'wheelRepository' (or 'image', whose '-wheels' repository is used)"
        }
        wheelRepository = grockerCli.words(STEP, 'wheelRepository', a.wheelRepository ?: "${spec.image}-wheels")[0]
    }
    Map registries = grockerCli.registryMap(STEP, a, 'registryCredentialsId',
        grockerCli.registryHost(spec.base.toString()))
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
