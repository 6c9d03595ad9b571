/*
 * grockerIndex: one multi-arch image index per image from per-platform results (`grocker index`), when each
 * platform was built on its own agent with flowcoreBase(tag: false) or grockerRun(tag: false). Pushes the indexes,
 * then moves the tags. Help: vars/grockerIndex.txt.
 */
import groovy.transform.Field

@Field static final String STEP = 'grockerIndex'

/** The arguments and their defaults. */
@Field static final Map DEFAULTS = [
    results: null,              // required: the per-platform results (Maps returned by flowcoreBase/grockerRun, or their result)
    name: 'index',              // names the files: .grocker/<name>-input-<n>.json and .grocker/<name>.json
    registryCredentialsId: null, // Jenkins username/password credential for the images' registry
    registryCredentials: null,  // ['host[:port]': 'credentials-id', ...]: one credential per registry
    archive: true,              // archive the merged result (with fingerprint)
]

@Field static final String SCRIPT = 'set -f; "$GROCKER_CLI" index $GROCKER_ARGS --output-json "$GROCKER_RESULT"'

Map call(Map args = [:]) {
    grockerCli.checkKeys(STEP, args, DEFAULTS.keySet())
    Map a = DEFAULTS + args
    if (!(a.results instanceof List) || !a.results) {
        error "${STEP}: 'results' is required: a list of the per-platform results of flowcoreBase or grockerRun"
    }
    String name = grockerCli.stashName(STEP, a.name)
    List<Map> results = []
    Set<String> hosts = [] as Set
    for (int n = 0; n < a.results.size(); n++) {
        Object r = a.results[n]
        // grockerRun returns its summary with the command's result under 'result'; flowcoreBase returns the result
        Map result = r instanceof Map && r.result instanceof Map ? r.result : r
        if (!(result instanceof Map) || !(result.images instanceof List)) {
            error "${STEP}: 'results' has an element that is no result of flowcoreBase or grockerRun: '${r}'"
        }
        if (!result.pushed) {
            error "${STEP}: a result was not pushed (PUSH off?); per-platform images meet only in a registry"
        }
        results.add(result)
        for (int i = 0; i < result.images.size(); i++) {
            hosts.add(grockerCli.registryHost(result.images[i].repository.toString()))
        }
    }
    Map registries = grockerCli.registryMap(STEP, a, 'registryCredentialsId',
        hosts.size() == 1 ? hosts.iterator().next() : null)
    String work = grockerCli.WORK_DIR
    List<String> words = []
    for (int i = 0; i < results.size(); i++) {
        String input = "${work}/${name}-input-${i + 1}.json"
        grockerCli.writeResult(input, results[i])
        words.addAll(['--result', input])
    }
    String output = "${work}/${name}.json"
    long start = System.currentTimeMillis()
    int rc = grockerCli.run(step: STEP, command: 'index', script: SCRIPT,
        vars: [GROCKER_ARGS: words.join(' '), GROCKER_RESULT: output], registries: registries)
    grockerCli.check(STEP, 'index', rc)
    if (a.archive) {
        archiveArtifacts(artifacts: output, fingerprint: true)
    }
    Map merged = grockerCli.readResult(output)
    for (int i = 0; i < merged.images.size(); i++) {
        Map image = merged.images[i]
        echo "${STEP}: ${image.repository}@${image.index.digest} over ${image.platforms.size()} platform(s)" +
            "${image.tags ? ', tags: ' + image.tags.join(', ') : ''}"
    }
    echo "${STEP}: ${merged.images.size()} index(es) in ${grockerCli.since(start)}"
    merged.resultFile = output
    return merged
}
