/*
 * grockerPromote: after an optional approval, moves a tested image (every platform, the same digest) to
 * release tags without rebuilding (`grocker promote`); the audit record is archived.
 * Help: vars/grockerPromote.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerPromote'

/** The arguments and their defaults. */
@Field static final Map DEFAULTS = [
    from: null,                 // required: registry/repository:tag or registry/repository@sha256:...
    to: null,                   // required: one or more registry/repository[:tag]
    tags: [],                   // --tag templates for targets without a tag: '{version}', '{major}.{minor}', latest
    version: null,              // --version for the templates
    component: null,            // --component for '{component}'
    platforms: [],              // --platform: check the source has them
    force: false,               // move tags that point elsewhere, release tags included
    dryRun: false,              // print the plan, change nothing
    approve: null,              // [submitter: 'release-managers', message: '...', ok: 'Promote', timeoutMinutes: 60]
    credentialsId: null,        // Jenkins username/password credential for the registries
    audit: null,                // the audit record (default .grocker/promotion-<BUILD_NUMBER>.json)
    archive: true,              // archive the audit record
    verbose: false,
]

@Field static final List<String> APPROVE_KEYS = ['submitter', 'message', 'ok', 'timeoutMinutes']

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" promote "$GROCKER_FROM" $GROCKER_TO --audit "$GROCKER_AUDIT" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    if (!a.from) {
        error "${STEP}: 'from' is required (registry/repository:tag or @sha256:digest)"
    }
    String from = grockerCli.words(STEP, 'from', a.from)[0]
    List<String> to = grockerCli.words(STEP, 'to', a.to)
    if (!to) {
        error "${STEP}: 'to' is required (one or more registry/repository[:tag])"
    }
    Map approve = approval(a.approve)
    List<String> words = []
    for (String t in grockerCli.words(STEP, 'tags', a.tags)) {
        words.addAll(['--tag', t])
    }
    for (String p in grockerCli.words(STEP, 'platforms', a.platforms)) {
        words.addAll(['--platform', p])
    }
    if (a.version) {
        words.addAll(['--version', grockerCli.words(STEP, 'version', a.version)[0]])
    }
    if (a.component) {
        words.addAll(['--component', grockerCli.words(STEP, 'component', a.component)[0]])
    }
    for (String flag in ['force', 'dryRun', 'verbose']) {
        if (a[flag]) {
            words.add(flag == 'dryRun' ? '--dry-run' : "--${flag}".toString())
        }
    }
    String work = grockerCli.WORK_DIR
    String audit = a.audit ? grockerCli.words(STEP, 'audit', a.audit)[0] :
        "${work}/promotion-${env.BUILD_NUMBER ?: 'local'}.json"
    String result = "${work}/promote-result.json"

    if (approve) {
        String message = approve.message ?: "Promote ${from} to ${to.join(', ')}?"
        Closure ask = { input(message: message, ok: approve.ok ?: 'Promote', submitter: approve.submitter) }
        if (approve.timeoutMinutes) {
            timeout(time: approve.timeoutMinutes, unit: 'MINUTES', ask)
        } else {
            ask()
        }
    }
    long start = System.currentTimeMillis()
    echo "${STEP}: ${a.dryRun ? 'planning the promotion of' : 'promoting'} ${from} to ${to.join(', ')}"
    int rc = grockerCli.run(step: STEP, command: 'promote', script: SCRIPT,
        vars: [GROCKER_FROM: from, GROCKER_TO: to.join(' '), GROCKER_AUDIT: audit, GROCKER_RESULT: result,
               GROCKER_ARGS: words.join(' ')],
        credentials: grockerCli.registryCredentials(a.credentialsId))
    // The audit record is written whether the promotion succeeded, was refused or failed.
    boolean audited = !a.dryRun && fileExists(audit)
    if (a.archive && audited) {
        archiveArtifacts(artifacts: audit, fingerprint: true)
    }
    grockerCli.check(STEP, 'promote', rc)
    Map record = grockerCli.copy(readJSON(file: result))
    for (int i = 0; i < record.targets.size(); i++) {
        Map target = record.targets[i]
        echo "${STEP}: ${target.ref} ${target.outcome} ${target.digest ?: ''}"
    }
    echo "${STEP}: ${record.outcome} ${record.source.digest} in ${grockerCli.since(start)}" +
        "${audited ? ', audit: ' + audit : ''}"
    record.digest = record.source.digest
    record.auditFile = audited ? audit : null
    return record
}

/** The approval settings: [:] for none, else the given Map (true: the defaults) checked. */
private Map approval(Object value) {
    if (value == null || value == false) {
        return [:]
    }
    if (value == true) {
        return [ok: 'Promote']
    }
    if (!(value instanceof Map) || !value) {
        error "${STEP}: 'approve' must be true or a non-empty Map (${APPROVE_KEYS.join(', ')}), got '${value}'"
    }
    for (Object key in value.keySet()) {
        if (!(key in APPROVE_KEYS)) {
            error "${STEP}: 'approve' has unknown key '${key}' (known: ${APPROVE_KEYS.join(', ')})"
        }
    }
    return value
}
