/*
 * grockerPipeline: a whole pipeline for a parameterized job (APP, VERSION, PLATFORMS, PUSH, PROMOTE_TO):
 * Base -> Compile -> Runner -> Publish -> Promote (after approval). With an `agents` map covering every platform,
 * each platform's base, compile and runner run on that platform's agent and one index per image is assembled from
 * their results (no emulation anywhere); without it everything runs on `agent` (other platforms under emulation).
 * Help: vars/grockerPipeline.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerPipeline'

/** The settings and their defaults. */
@Field static final Map DEFAULTS = [
    app: null,                  // default of APP: 'name[extras]' (VERSION is appended), or './src'
    version: null,              // default of VERSION
    base: null,                 // required: the base image the application goes on
    image: null,                // required: the runner's repository
    baseSpec: null,             // a hierarchy spec for flowcoreBase; no Base build without it
    appSpec: null,              // an application spec file (the settings below override it)
    platforms: ['linux/amd64', 'linux/arm64'], // default of PLATFORMS
    agent: null,                // required: label of the agent for Publish and Promote (and everything without agents)
    agents: [:],                // label per platform, e.g. ['linux/amd64': 'amd64', 'linux/arm64': 'arm64']
    jobProperties: [],          // the job's own properties (buildDiscarder, triggers, ...), declared with the parameters
    checkout: true,             // checkout scm on every agent
    push: true,                 // default of PUSH
    buildDependencies: null, runDependencies: null, indexUrl: null, constraints: null, entrypoint: null,
    tags: ['{version}'],        // tags of the runner (spec tags; '{version}' is the application's version)
    publishTags: ['latest'],    // tags added in Publish
    promoteTo: '',              // default of PROMOTE_TO: registry/repository[:tag], comma-separated
    promoteTags: ['{version}'], // tags of promoted targets that name none
    approve: [submitter: 'release-managers', timeoutMinutes: 60], // who may approve a promotion, and for how long
    wheels: 'stash',            // how wheels reach the runner's agent: 'stash' or 'registry' (grockerCompile)
    indexCredentialsId: null,
    registryCredentialsId: null, // the credential of the registry of base and image
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
]

@Field static final String PLATFORM = /[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?(=(tcp|unix):\/\/[A-Za-z0-9._:\/-]+)?/
@Field static final String REFERENCE = /[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?/

/** The Closure form: `grockerPipeline { base = '...'; image = '...' }`. */
Map call(Closure body) {
    Map config = [:]
    body.resolveStrategy = Closure.DELEGATE_FIRST
    body.delegate = config
    body()
    return call(config)
}

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map c = DEFAULTS + args
    for (String required in ['base', 'image']) {
        if (!c[required]) {
            error "${STEP}: '${required}' is required"
        }
    }
    if (!(c.agent instanceof CharSequence) || !c.agent) {
        error "${STEP}: 'agent' is required: the label of the agents with Docker (without it any executor, the " +
            'built-in node included, could run the builds)'
    }
    if (!(c.agents instanceof Map)) {
        error "${STEP}: 'agents' must be a Map of platform to agent label, got '${c.agents}'"
    }
    if (!(c.jobProperties instanceof List)) {
        error "${STEP}: 'jobProperties' must be a list of job properties, got '${c.jobProperties}'"
    }
    for (Map.Entry e in c.agents) {
        if (!(e.key.toString() in c.platforms)) {
            error "${STEP}: 'agents' names ${e.key}, which is not one of the platforms ${c.platforms.join(', ')}"
        }
    }
    properties(c.jobProperties + [parameters([
        string(name: 'APP', defaultValue: c.app ?: '', trim: true,
            description: "The application: 'name[extras]' from the index (VERSION is appended) or './path' in the repository"),
        string(name: 'VERSION', defaultValue: c.version ?: '', trim: true, description: 'The version to build and tag'),
        string(name: 'PLATFORMS', defaultValue: c.platforms.join(','), trim: true,
            description: 'Platforms, comma-separated (linux/amd64,linux/arm64)'),
        booleanParam(name: 'PUSH', defaultValue: c.push, description: 'Push the images, indexes and tags'),
        string(name: 'PROMOTE_TO', defaultValue: c.promoteTo ?: '', trim: true,
            description: 'Promote to these registry/repository[:tag], comma-separated (after approval); empty: no promotion'),
    ])])

    // Every parameter is checked here, before any agent is taken or anything is built or pushed.
    String app = params.APP ?: c.app
    String version = params.VERSION ?: c.version
    List<String> platforms = split(params.PLATFORMS ?: c.platforms.join(','))
    boolean push = params.PUSH == null ? c.push : params.PUSH
    List<String> promoteTo = split(params.PROMOTE_TO ?: c.promoteTo ?: '')
    if (!app && !c.appSpec) {
        error "${STEP}: APP is required (the job parameter, or 'app' or 'appSpec')"
    }
    if (version && !(version ==~ /[0-9A-Za-z][0-9A-Za-z.+_-]*/)) {
        error "${STEP}: VERSION '${version}' is not a version (letters, digits, '.', '+', '_', '-')"
    }
    if (!platforms) {
        error "${STEP}: PLATFORMS is empty"
    }
    for (String p in platforms) {
        if (!(p ==~ PLATFORM)) {
            error "${STEP}: PLATFORMS has '${p}', which is not os/arch[=engine] (linux/amd64, linux/arm64=tcp://host:2376)"
        }
    }
    for (String target in promoteTo) {
        if (!(target ==~ REFERENCE)) {
            error "${STEP}: PROMOTE_TO has '${target}', which is not registry/repository[:tag]"
        }
    }
    if (promoteTo && !push) {
        error "${STEP}: PROMOTE_TO needs PUSH (only pushed images can be promoted)"
    }
    boolean perPlatform = !c.agents.isEmpty()
    if (perPlatform) {
        for (String p in platforms) {
            if (!c.agents[grockerCli.platformOf(p)]) {
                error "${STEP}: 'agents' has no agent for ${p}: give every platform of PLATFORMS an agent, or no 'agents'"
            }
        }
        if (!push) {
            error "${STEP}: per-platform agents need PUSH: their images meet in the registry, where the index is made"
        }
    }
    String requirement = app && version && !app.contains('==') && !app.startsWith('.') && !app.startsWith('/') ?
        "${app}==${version}" : app
    Map compileArgs = [base: c.base, image: c.image, indexCredentialsId: c.indexCredentialsId,
        registryCredentialsId: c.registryCredentialsId, registryCredentials: c.registryCredentials, tags: c.tags,
        wheels: c.wheels]
    if (c.appSpec) {
        compileArgs.spec = c.appSpec
    }
    if (requirement) {
        compileArgs.app = requirement
    }
    for (String key in ['buildDependencies', 'runDependencies', 'indexUrl', 'constraints', 'entrypoint']) {
        if (c[key] != null) {
            compileArgs[key] = c[key]
        }
    }
    Map registryArgs = [registryCredentialsId: c.registryCredentialsId, registryCredentials: c.registryCredentials]
    Map results = [:]

    if (perPlatform) {
        nativeStages(c, platforms, compileArgs, registryArgs, results)
    } else {
        node(c.agent) {
            stage('Base') {
                prepare(c)
                if (c.baseSpec) {
                    results.base = flowcoreBase([spec: c.baseSpec, platforms: platforms, push: push] + registryArgs)
                } else {
                    echo "${STEP}: no baseSpec: the base ${c.base} is used as it is"
                }
            }
            stage('Compile') {
                results.compile = grockerCompile(compileArgs + [platforms: platforms, stash: 'grocker-wheels'])
            }
            stage('Runner') {
                results.runner = grockerRun([stash: 'grocker-wheels', platforms: platforms, push: push] + registryArgs)
            }
        }
    }
    node(c.agent) {
        stage('Publish') {
            if (push && c.publishTags) {
                results.published = grockerPublish(result: results.runner.resultFile, tags: c.publishTags,
                    version: version, credentialsId: c.registryCredentialsId, registryCredentials: c.registryCredentials)
            } else {
                echo "${STEP}: nothing to publish (PUSH is off or no publishTags)"
            }
        }
    }
    if (promoteTo) {
        stage('Promote') {
            // grockerPromote asks outside any node (waiting holds no executor), then promotes on c.agent
            results.promoted = grockerPromote(from: results.runner.image, to: promoteTo, tags: c.promoteTags,
                version: version, approve: c.approve, agent: c.agent, credentialsId: c.registryCredentialsId,
                registryCredentials: c.registryCredentials)
        }
    }
    return results
}

/** Base, Compile and Runner with each platform on its own agent; one index per image assembled on c.agent. */
private void nativeStages(Map c, List<String> platforms, Map compileArgs, Map registryArgs, Map results) {
    if (c.baseSpec) {
        stage('Base') {
            List baseResults = perPlatform(c, platforms) { String platform ->
                flowcoreBase([spec: c.baseSpec, platforms: [platform], push: true, tag: false,
                    result: ".grocker/base-${grockerCli.platformSlug(platform)}.json"] + registryArgs)
            }
            node(c.agent) {
                results.base = grockerIndex([results: baseResults, name: 'base-index'] + registryArgs)
            }
        }
    }
    stage('Compile') {
        perPlatform(c, platforms) { String platform ->
            grockerCompile(compileArgs + [platforms: [platform], stash: stashOf(platform)])
        }
    }
    stage('Runner') {
        List runnerResults = perPlatform(c, platforms) { String platform ->
            grockerRun([stash: stashOf(platform), platforms: [platform], push: true, tag: false] + registryArgs)
        }
        node(c.agent) {
            Map merged = grockerIndex([results: runnerResults, name: 'runner-index'] + registryArgs)
            Map image = merged.images[0]
            Map digests = [:]
            for (int i = 0; i < image.platforms.size(); i++) {
                digests[image.platforms[i].platform] = image.platforms[i].digest
            }
            results.runner = [repository: image.repository, digest: image.index.digest,
                image: "${image.repository}@${image.index.digest}".toString(), tags: image.tags, platforms: digests,
                pushed: true, status: image.status, resultFile: merged.resultFile, result: merged]
        }
    }
}

/** Runs WORK(platform) on each platform's agent in parallel, failing fast; returns the results in platform order. */
private List perPlatform(Map c, List<String> platforms, Closure work) {
    Map branches = [failFast: true]
    Map byPlatform = [:]
    // an index loop: the branches' closures must not capture an iterator (CPS serializes them)
    for (int i = 0; i < platforms.size(); i++) {
        String platform = platforms[i]
        String label = c.agents[grockerCli.platformOf(platform)]
        branches[platform] = {
            node(label) {
                prepare(c)
                byPlatform[platform] = work(platform)
            }
        }
    }
    parallel(branches)
    List ordered = []
    for (int i = 0; i < platforms.size(); i++) {
        ordered.add(byPlatform[platforms[i]])
    }
    return ordered
}

private String stashOf(String platform) {
    return 'grocker-wheels-' + grockerCli.platformSlug(platform)
}

/** Checks out the job's repository when asked to. */
private void prepare(Map c) {
    if (c.checkout) {
        checkout(scm)
    }
}

/** 'a, b,c' as [a, b, c]. */
private List<String> split(String text) {
    List<String> result = []
    for (String part in text.split(',')) {
        if (part.trim()) {
            result.add(part.trim())
        }
    }
    return result
}
