/*
 * grockerPublish: tags what flowcoreBase or grockerRun pushed (`grocker publish`), from its result file,
 * without building. Help: vars/grockerPublish.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerPublish'

/** The arguments and their defaults. */
@Field static final Map DEFAULTS = [
    result: null,               // required: the resultFile of flowcoreBase or grockerRun (or their returned Map)
    tags: [],                   // required: literal tags or templates ('latest', '{version}', '{git_sha}')
    version: null,              // --version for the templates
    component: null,            // --component for '{component}'
    force: false,               // move release tags too
    dryRun: false,
    credentialsId: null,        // Jenkins username/password credential for the registry of the result's images
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
    report: null,               // the HTML report (default .grocker/publish-report.html); false: none
    scanCommand: null,          // the scan gate: a shell command run on every platform image before any tag moves
    scanTimeout: null,          // seconds before a scan is stopped and counted as failed (default 1800)
]

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" publish --result "$GROCKER_INPUT" ' +
    '--output-json "$GROCKER_RESULT" $GROCKER_ARGS ${GROCKER_SCAN_COMMAND:+--scan-command "$GROCKER_SCAN_COMMAND"}'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    Object given = a.result instanceof Map ? a.result.resultFile : a.result
    if (!given) {
        error "${STEP}: 'result' is required (the resultFile of flowcoreBase or grockerRun)"
    }
    String input = grockerCli.words(STEP, 'result', given)[0]
    List<String> tags = grockerCli.words(STEP, 'tags', a.tags)
    if (!tags) {
        error "${STEP}: 'tags' is required (at least one tag or template)"
    }
    List<String> words = []
    for (String t in tags) {
        words.addAll(['--tag', t])
    }
    if (a.version) {
        words.addAll(['--version', grockerCli.words(STEP, 'version', a.version)[0]])
    }
    if (a.component) {
        words.addAll(['--component', grockerCli.words(STEP, 'component', a.component)[0]])
    }
    if (a.force) {
        words.add('--force')
    }
    if (a.dryRun) {
        words.add('--dry-run')
    }
    Map scan = grockerCli.scanGate(STEP, a.scanCommand, a.scanTimeout)
    words.addAll(scan.words)
    String report = grockerCli.reportFile(STEP, a.report, "${grockerCli.WORK_DIR}/publish-report.html")
    if (report) {
        words.addAll(['--report', report])
    }
    Map registries = grockerCli.registryMap(STEP, a, 'credentialsId',
        a.credentialsId ? resultHost(input) : null)
    String result = "${grockerCli.WORK_DIR}/publish-result.json"
    echo "${STEP}: tagging the images of ${input} with ${tags.join(', ')}"
    int rc = grockerCli.run(step: STEP, command: 'publish', script: SCRIPT,
        vars: [GROCKER_INPUT: input, GROCKER_RESULT: result, GROCKER_ARGS: words.join(' '), GROCKER_SCAN_COMMAND: scan.command],
        registries: registries)
    grockerCli.publishReport(STEP, report)
    grockerCli.check(STEP, 'publish', rc)
    Map published = grockerCli.readResult(result)
    for (int i = 0; i < published.tags.size(); i++) {
        Map t = published.tags[i]
        echo "${STEP}: ${t.image}:${t.tag} ${t.moved ? 'now' : 'already'} on ${t.digest}"
    }
    published.reportFile = report
    return published
}

/** The one registry host of a result file's images, or null when they are on several. */
private String resultHost(String file) {
    Set<String> hosts = [] as Set
    List images = grockerCli.readResult(file).images ?: []
    for (Map image in images) {
        hosts.add(grockerCli.registryHost(image.repository.toString()))
    }
    return hosts.size() == 1 ? hosts.iterator().next() : null
}
