/*
 * grockerPipeline: a whole pipeline for a parameterized job (APP, VERSION, PLATFORMS, PUSH, PROMOTE_TO):
 * Base -> Compile (per platform, in parallel, on native agents or one agent with emulation) -> Runner ->
 * Publish -> Promote (after approval). Help: vars/grockerPipeline.txt.
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
    agent: '',                  // label of the agent for Base, Runner, Publish, Promote (and Compile without agents)
    agents: [:],                // label per platform, e.g. ['linux/amd64': 'amd64', 'linux/arm64': 'arm64']
    checkout: true,             // checkout scm on every agent
    push: true,                 // default of PUSH
    buildDependencies: null, runDependencies: null, indexUrl: null, constraints: null, entrypoint: null,
    tags: ['{version}'],        // tags of the runner (spec tags; '{version}' is the application's version)
    publishTags: ['latest'],    // tags added in Publish
    promoteTo: '',              // default of PROMOTE_TO: registry/repository[:tag], comma-separated
    promoteTags: ['{version}'], // tags of promoted targets that name none
    approve: [submitter: 'release-managers'], // who may approve a promotion (null: no approval)
    indexCredentialsId: null,
    registryCredentialsId: null,
]

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
    if (!(c.agents instanceof Map)) {
        error "${STEP}: 'agents' must be a Map of platform to agent label, got '${c.agents}'"
    }
    properties([parameters([
        string(name: 'APP', defaultValue: c.app ?: '', trim: true,
            description: "The application: 'name[extras]' from the index (VERSION is appended) or './path' in the repository"),
        string(name: 'VERSION', defaultValue: c.version ?: '', trim: true, description: 'The version to build and tag'),
        string(name: 'PLATFORMS', defaultValue: c.platforms.join(','), trim: true,
            description: 'Platforms, comma-separated (linux/amd64,linux/arm64)'),
        booleanParam(name: 'PUSH', defaultValue: c.push, description: 'Push the images, indexes and tags'),
        string(name: 'PROMOTE_TO', defaultValue: c.promoteTo ?: '', trim: true,
            description: 'Promote to these registry/repository[:tag], comma-separated (after approval); empty: no promotion'),
    ])])
    String app = params.APP ?: c.app
    String version = params.VERSION ?: c.version
    List<String> platforms = split(params.PLATFORMS ?: c.platforms.join(','))
    boolean push = params.PUSH == null ? c.push : params.PUSH
    List<String> promoteTo = split(params.PROMOTE_TO ?: c.promoteTo ?: '')
    if (!app && !c.appSpec) {
        error "${STEP}: APP is required (the job parameter, or 'app' or 'appSpec')"
    }
    if (!platforms) {
        error "${STEP}: PLATFORMS is empty"
    }
    if (promoteTo && !push) {
        error "${STEP}: PROMOTE_TO needs PUSH (only pushed images can be promoted)"
    }
    String requirement = app && version && !app.contains('==') && !app.startsWith('.') && !app.startsWith('/') ?
        "${app}==${version}" : app
    Map compileArgs = [base: c.base, image: c.image, indexCredentialsId: c.indexCredentialsId,
        registryCredentialsId: c.registryCredentialsId, tags: c.tags]
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
    Map results = [:]

    node(c.agent) {
        stage('Base') {
            prepare(c)
            if (c.baseSpec) {
                results.base = flowcoreBase(spec: c.baseSpec, platforms: platforms, push: push,
                    registryCredentialsId: c.registryCredentialsId)
            } else {
                echo "${STEP}: no baseSpec: the base ${c.base} is used as it is"
            }
        }
    }

    List<String> stashes = []
    stage('Compile') {
        if (c.agents) {
            Map branches = [:]
            // an index loop: the branches' closures must not capture an iterator (CPS serializes them)
            for (int i = 0; i < platforms.size(); i++) {
                String platform = platforms[i]
                String label = c.agents[platform] ?: c.agent
                String stashId = 'grocker-wheels-' + platform.replace('/', '-')
                stashes.add(stashId)
                branches[platform] = {
                    node(label) {
                        prepare(c)
                        grockerCompile(compileArgs + [platforms: [platform], stash: stashId])
                    }
                }
            }
            parallel(branches)
        } else {
            stashes.add('grocker-wheels')
            node(c.agent) {
                prepare(c)
                results.compile = grockerCompile(compileArgs + [platforms: platforms, stash: 'grocker-wheels'])
            }
        }
    }

    node(c.agent) {
        stage('Runner') {
            prepare(c)
            results.runner = grockerRun(stash: stashes, platforms: platforms, push: push,
                registryCredentialsId: c.registryCredentialsId)
        }
        stage('Publish') {
            if (push && c.publishTags) {
                results.published = grockerPublish(result: results.runner.resultFile, tags: c.publishTags,
                    version: version, credentialsId: c.registryCredentialsId)
            } else {
                echo "${STEP}: nothing to publish (PUSH is off or no publishTags)"
            }
        }
    }

    if (promoteTo) {
        stage('Promote') {
            if (c.approve) {
                // outside any node: waiting for a person holds no agent
                input(message: "Promote ${results.runner.image} to ${promoteTo.join(', ')}?", ok: 'Promote',
                    submitter: c.approve.submitter)
            }
            node(c.agent) {
                results.promoted = grockerPromote(from: results.runner.image, to: promoteTo, tags: c.promoteTags,
                    version: version, credentialsId: c.registryCredentialsId)
            }
        }
    }
    return results
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
