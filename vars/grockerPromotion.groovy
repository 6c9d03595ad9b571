/*
 * grockerPromotion: the whole job of a release manager, as a parameterized pipeline (SOURCE, TARGETS, FORCE,
 * DRY_RUN): plans the promotion (per target: current and new digest, blobs to mount or copy, the guards' verdict),
 * shows that plan in the approval question, then promotes exactly the digest that was planned. The build description
 * says source digest -> tags; the audit record is archived and fingerprinted. Help: vars/grockerPromotion.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerPromotion'

/** The settings and their defaults. */
@Field static final Map DEFAULTS = [
    source: '',                 // default of SOURCE: registry/repository:tag or @sha256:digest
    targets: '',                // default of TARGETS: registry/repository[:tag], comma-separated
    tags: [],                   // tags for targets that name none (default: the source's tag)
    version: null,              // --version for tag templates
    agent: null,                // required: label of the agents that plan and promote
    approve: [submitter: 'release-managers', timeoutMinutes: 60], // required: who may approve, for how long
    jobProperties: [],          // the job's own properties, declared with the parameters
    credentialsId: null,        // one credential, when source and targets share one registry
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
]

@Field static final String REFERENCE =
    /[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})?/

/** The Closure form: `grockerPromotion { agent = 'docker' }`. */
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
    if (!(c.agent instanceof CharSequence) || !c.agent) {
        error "${STEP}: 'agent' is required: the label of the agents that plan and promote"
    }
    if (!(c.approve instanceof Map) || !c.approve.submitter) {
        error "${STEP}: 'approve' must name a 'submitter': the users or groups who may approve a promotion"
    }
    if (!(c.jobProperties instanceof List)) {
        error "${STEP}: 'jobProperties' must be a list of job properties, got '${c.jobProperties}'"
    }
    properties(c.jobProperties + [parameters([
        string(name: 'SOURCE', defaultValue: c.source ?: '', trim: true,
            description: 'The tested image: registry/repository:tag or registry/repository@sha256:digest'),
        string(name: 'TARGETS', defaultValue: c.targets ?: '', trim: true,
            description: 'Where it goes: registry/repository[:tag], comma-separated'),
        booleanParam(name: 'FORCE', defaultValue: false, description: 'Move tags that point elsewhere, release tags included'),
        booleanParam(name: 'DRY_RUN', defaultValue: false, description: 'Show the plan only; change nothing'),
    ])])
    String source = params.SOURCE ?: c.source
    List<String> targets = split(params.TARGETS ?: c.targets ?: '')
    boolean force = params.FORCE == true
    boolean dryRun = params.DRY_RUN == true
    boolean pinned = source && (source.contains('@') || source.substring(source.lastIndexOf('/')).contains(':'))
    if (!source || !(source ==~ REFERENCE) || !pinned) {
        error "${STEP}: SOURCE '${source ?: ''}' is not registry/repository:tag or registry/repository@sha256:digest"
    }
    if (!targets) {
        error "${STEP}: TARGETS is empty: give registry/repository[:tag], comma-separated"
    }
    for (String t in targets) {
        if (!(t ==~ REFERENCE) || t.contains('@')) {
            error "${STEP}: TARGETS has '${t}', which is not registry/repository[:tag]"
        }
    }
    String repository = source.contains('@') ? source.substring(0, source.indexOf('@')) :
        source.substring(0, source.lastIndexOf(':'))
    String sourceTag = source.contains('@') ? null : source.substring(source.lastIndexOf(':') + 1)
    List<String> tags = c.tags ?: (sourceTag ? [sourceTag] : [])
    Map common = [to: targets, tags: tags, version: c.version, force: force, credentialsId: c.credentialsId,
                  registryCredentials: c.registryCredentials]

    Map plan = null
    stage('Plan') {
        node(c.agent) {
            plan = grockerPromote(common + [from: source, dryRun: true, report: false])
        }
    }
    String digest = plan.source.digest
    List<String> lines = []
    for (Map t in plan.targets) {
        String detail = t.detail ? ', ' + t.detail : ''
        lines.add("${t.ref}: ${t.previousDigest ?: 'none'} -> ${t.digest} (${t.outcome}${detail})".toString())
    }
    String blobs = "blobs: ${plan.blobs.mounted} to mount, ${plan.blobs.copied} to copy (${plan.blobs.bytesCopied} bytes), " +
        "${plan.blobs.skipped} already there"
    echo "${STEP}: plan for ${source} (${digest}):\n  ${lines.join('\n  ')}\n  ${blobs}"
    String described = "${shortDigest(digest)} → ${targets.join(', ')}"
    if (dryRun) {
        currentBuild.description = "dry run: ${described}"
        return [plan: plan, promoted: null]
    }
    Map promoted = null
    stage('Promote') {
        // the planned digest, not the tag: what was approved is what moves, even if the tag moved meanwhile
        promoted = grockerPromote(common + [from: "${repository}@${digest}".toString(), agent: c.agent,
            approve: c.approve + [message: "Promote ${source} (${digest}) to:\n${lines.join('\n')}\n${blobs}", ok: 'Promote']])
    }
    currentBuild.description = "${described} (approved by ${promoted.who})"
    return [plan: plan, promoted: promoted]
}

@NonCPS
private String shortDigest(String digest) {
    return digest.length() > 19 ? digest.substring(0, 19) : digest
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
