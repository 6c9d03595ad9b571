/*
 * grockerPromote: moves a tested image (every platform, the same digest) to release tags without rebuilding
 * (`grocker promote`), after an approval when asked: only the named submitters may approve, the approver goes into
 * the audit record with the build's URL, the question times out, milestones keep an older build from promoting after
 * a newer one, and no executor is held while waiting. The audit record is archived. Help: vars/grockerPromote.txt.
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
    approvedBy: null,           // who approved, when the caller asked itself (goes into the audit record)
    agent: null,                // label of the agent that promotes when the step is called outside node (required with approve)
    credentialsId: null,        // Jenkins username/password credential, when source and targets share one registry
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry (source, targets)
    audit: null,                // the audit record (default .grocker/promotion-<BUILD_NUMBER>.json)
    archive: true,              // archive the audit record (with fingerprint)
    report: null,               // the HTML report (default .grocker/promotion-<BUILD_NUMBER>-report.html); false: none
    scanCommand: null,          // the scan gate: a shell command run on every platform image before anything is copied
    scanTimeout: null,          // seconds before a scan is stopped and counted as failed (default 1800)
    verbose: false,
]

@Field static final List<String> APPROVE_KEYS = ['submitter', 'message', 'ok', 'timeoutMinutes']

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" promote "$GROCKER_FROM" $GROCKER_TO --audit "$GROCKER_AUDIT" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS ${GROCKER_SCAN_COMMAND:+--scan-command "$GROCKER_SCAN_COMMAND"}'

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
    Map scan = grockerCli.scanGate(STEP, a.scanCommand, a.scanTimeout)
    words.addAll(scan.words)
    String report = grockerCli.reportFile(STEP, a.report,
        "${grockerCli.WORK_DIR}/promotion-${env.BUILD_NUMBER ?: 'local'}-report.html")
    if (report) {
        words.addAll(['--report', report])
    }
    Set<String> hosts = [grockerCli.registryHost(from)] as Set
    for (String t in to) {
        hosts.add(grockerCli.registryHost(t))
    }
    if (a.credentialsId && hosts.size() > 1) {
        error "${STEP}: 'credentialsId' would be offered to ${hosts.sort().join(' and ')}: give registryCredentials: " +
            "['host': 'credentials-id', ...] with one credential per registry"
    }
    Map registries = grockerCli.registryMap(STEP, a, 'credentialsId', hosts.iterator().next())
    if (a.agent != null && !(a.agent instanceof CharSequence && a.agent)) {
        error "${STEP}: 'agent' must be an agent label, got '${a.agent}'"
    }
    Map request = [from: from, to: to, words: words, registries: registries, dryRun: a.dryRun, archive: a.archive,
                   audit: a.audit ? grockerCli.words(STEP, 'audit', a.audit)[0] : null, approvedBy: a.approvedBy,
                   scanCommand: scan.command, report: report]

    if (!approve) {
        if (env.NODE_NAME) {
            return promote(request)
        }
        if (!a.agent) {
            error "${STEP}: called outside node: give 'agent', the label of an agent to promote on"
        }
        Map record = null
        node(a.agent) {
            record = promote(request)
        }
        return record
    }
    if (env.NODE_NAME) {
        error "${STEP}: with 'approve', call it outside node (waiting for a person must hold no executor) and give 'agent'"
    }
    if (!a.agent) {
        error "${STEP}: 'approve' needs 'agent', the label of the agent that promotes once approved"
    }
    // a newer build that gets here first makes this one stop, before and after the question
    milestone()
    String approver = null
    timeout(time: approve.timeoutMinutes, unit: 'MINUTES') {
        approver = input(message: approve.message ?: "Promote ${from} to ${to.join(', ')}?", ok: approve.ok ?: 'Promote',
            submitter: approve.submitter, submitterParameter: 'APPROVER')
    }
    milestone()
    echo "${STEP}: approved by ${approver}"
    request.approvedBy = approver
    Map record = null
    node(a.agent) {
        record = promote(request)
    }
    return record
}

/** Runs grocker promote in this node; archives the audit record whatever the outcome. */
private Map promote(Map r) {
    String work = grockerCli.WORK_DIR
    String audit = r.audit ?: "${work}/promotion-${env.BUILD_NUMBER ?: 'local'}.json"
    String result = "${work}/promote-result.json"
    long start = System.currentTimeMillis()
    echo "${STEP}: ${r.dryRun ? 'planning the promotion of' : 'promoting'} ${r.from} to ${r.to.join(', ')}"
    Map vars = [GROCKER_FROM: r.from, GROCKER_TO: r.to.join(' '), GROCKER_AUDIT: audit, GROCKER_RESULT: result,
                GROCKER_ARGS: r.words.join(' ')]
    if (r.approvedBy) {
        vars.GROCKER_APPROVED_BY = r.approvedBy.toString()
    }
    if (r.scanCommand) {
        vars.GROCKER_SCAN_COMMAND = r.scanCommand
    }
    int rc = grockerCli.run(step: STEP, command: 'promote', script: SCRIPT, vars: vars, registries: r.registries)
    grockerCli.publishReport(STEP, r.report)
    // The audit record is written whether the promotion succeeded, was refused or failed.
    boolean audited = !r.dryRun && fileExists(audit)
    if (r.archive && audited) {
        archiveArtifacts(artifacts: audit, fingerprint: true)
    }
    grockerCli.check(STEP, 'promote', rc)
    Map record = grockerCli.readResult(result)
    for (int i = 0; i < record.targets.size(); i++) {
        Map target = record.targets[i]
        echo "${STEP}: ${target.ref} ${target.outcome} ${target.previousDigest ?: 'none'} -> ${target.digest ?: ''}" +
            "${target.detail ? ' (' + target.detail + ')' : ''}"
    }
    echo "${STEP}: ${record.outcome} ${record.source.digest} in ${grockerCli.since(start)}" +
        "${audited ? ', audit: ' + audit : ''}${r.approvedBy ? ', approved by ' + r.approvedBy : ''}"
    record.digest = record.source.digest
    record.auditFile = audited ? audit : null
    record.reportFile = r.report
    return record
}

/** The approval settings: [:] for none, else the given Map checked; a submitter is required. */
private Map approval(Object value) {
    if (value == null || value == false) {
        return [:]
    }
    if (!(value instanceof Map) || !value) {
        error "${STEP}: 'approve' must be a Map with a 'submitter' (${APPROVE_KEYS.join(', ')}), got '${value}'"
    }
    for (Object key in value.keySet()) {
        if (!(key in APPROVE_KEYS)) {
            error "${STEP}: 'approve' has unknown key '${key}' (known: ${APPROVE_KEYS.join(', ')})"
        }
    }
    if (!(value.submitter instanceof CharSequence) || !value.submitter.toString().trim()) {
        error "${STEP}: 'approve' needs a 'submitter': the users or groups who may approve (anyone with Build " +
            'permission could otherwise)'
    }
    Object minutes = value.timeoutMinutes == null ? 60 : value.timeoutMinutes
    if (!(minutes instanceof Number) || minutes <= 0) {
        error "${STEP}: 'approve.timeoutMinutes' must be a positive number, got '${minutes}'"
    }
    return value + [timeoutMinutes: minutes]
}
