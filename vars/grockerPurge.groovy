/*
 * grockerPurge: removes superseded content-addressed images (`grocker purge`): gk-<key> cache tags beyond the newest
 * N per platform and/or older than an age, with what is attached to them; never a release tag, any other tag, or
 * what a kept tag reaches. The audit record is archived. Help: vars/grockerPurge.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerPurge'

/** The arguments and their defaults. */
@Field static final Map DEFAULTS = [
    repositories: null,         // required: one or more registry/repository
    keepLast: null,             // keep the N newest cache tags per platform
    olderThan: null,            // remove only cache tags of images older than this: '30d', '2w', '12h'
    dryRun: false,              // list what would go and what stays, and why; delete nothing
    candidates: null,           // the removable tags, a regular expression (default gk-[0-9a-f]+)
    protect: [],                // release tag patterns (default 'v[0-9].*' and X.Y.Z[-pre])
    audit: null,                // the audit record (default .grocker/purge-<BUILD_NUMBER>.json)
    archive: true,              // archive the audit record
    credentialsId: null,        // Jenkins username/password credential, when the repositories share one registry
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
    verbose: false,
]

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" purge $GROCKER_REPOSITORIES --output-json "$GROCKER_RESULT" ' +
    '$GROCKER_ARGS'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    List<String> repositories = grockerCli.words(STEP, 'repositories', a.repositories)
    if (!repositories) {
        error "${STEP}: 'repositories' is required (one or more registry/repository)"
    }
    if (a.keepLast == null && a.olderThan == null) {
        error "${STEP}: give 'keepLast', 'olderThan' or both; without them every cache tag would go"
    }
    if (a.keepLast != null && (!(a.keepLast instanceof Integer) || a.keepLast < 0)) {
        error "${STEP}: 'keepLast' must be a number of 0 or more, got '${a.keepLast}'"
    }
    if (!(a.dryRun instanceof Boolean)) {
        error "${STEP}: 'dryRun' must be true or false, got '${a.dryRun}'"
    }
    List<String> words = []
    if (a.candidates != null) {
        words.addAll(['--candidates', regex('candidates', a.candidates)])
    }
    if (a.keepLast != null) {
        words.addAll(['--keep-last', a.keepLast.toString()])
    }
    if (a.olderThan != null) {
        words.addAll(['--older-than', grockerCli.words(STEP, 'olderThan', a.olderThan)[0]])
    }
    for (Object p in (a.protect instanceof List ? a.protect : [a.protect])) {
        if (p != null) {
            words.addAll(['--protect', regex('protect', p)])
        }
    }
    String work = grockerCli.WORK_DIR
    String audit = a.audit ? grockerCli.words(STEP, 'audit', a.audit)[0] : "${work}/purge-${env.BUILD_NUMBER ?: 'local'}.json"
    if (a.dryRun) {
        words.add('--dry-run')
    } else {
        words.addAll(['--audit', audit])
    }
    if (a.verbose) {
        words.add('--verbose')
    }
    Set<String> hosts = [] as Set
    for (String r in repositories) {
        hosts.add(grockerCli.registryHost(r))
    }
    if (a.credentialsId && hosts.size() > 1) {
        error "${STEP}: 'credentialsId' would be offered to ${hosts.sort().join(' and ')}: give registryCredentials: " +
            "['host': 'credentials-id', ...] with one credential per registry"
    }
    Map registries = grockerCli.registryMap(STEP, a, 'credentialsId', hosts.iterator().next())
    String result = "${work}/purge-result.json"
    long start = System.currentTimeMillis()
    echo "${STEP}: ${a.dryRun ? 'planning the purge of' : 'purging'} ${repositories.join(', ')}"
    int rc = grockerCli.run(step: STEP, command: 'purge', script: SCRIPT,
        vars: [GROCKER_REPOSITORIES: repositories.join(' '), GROCKER_RESULT: result, GROCKER_ARGS: words.join(' ')],
        registries: registries)
    boolean audited = !a.dryRun && fileExists(audit)
    if (a.archive && audited) {
        archiveArtifacts(artifacts: audit, fingerprint: true)
    }
    grockerCli.check(STEP, 'purge', rc)
    Map record = grockerCli.readResult(result)
    int deletions = 0
    for (Map repository in record.repositories) {
        deletions += repository.deletions.size()
    }
    echo "${STEP}: ${record.outcome}, ${deletions} manifest(s) ${a.dryRun ? 'would go' : 'deleted'} in " +
        "${grockerCli.since(start)}${audited ? ', audit: ' + audit : ''}"
    record.auditFile = audited ? audit : null
    return record
}

/**
 * A regular expression as one word of $GROCKER_ARGS: any characters but blanks and quotes (the script runs with
 * `set -f`, so nothing in it is expanded, and an expansion's result is never parsed as shell).
 */
private String regex(String name, Object value) {
    if (!(value instanceof CharSequence) || !(value.toString() ==~ /[^\s'"]+/)) {
        error "${STEP}: '${name}' must be a regular expression without blanks or quotes, got '${value}'"
    }
    return value.toString()
}
