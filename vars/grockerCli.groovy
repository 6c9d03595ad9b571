/*
 * What the Grocker steps share: finding the command line, running one grocker command with its
 * non-secret inputs in the environment and its secrets bound by withCredentials, reading its JSON
 * result, and composing application specs. Jenkinsfiles use the steps; this is their plumbing.
 */
import groovy.transform.Field

/** What the command line's exit codes mean (see `grocker --help`). */
@Field static final Map<Integer, String> EXIT_CODES = [
    1: 'an internal error of grocker; run the step with verbose: true for details',
    2: 'bad input: a spec, an option or a reference; nothing was built or pushed',
    3: 'the Docker engine, a registry or a build step failed or could not be reached; no tag was moved',
    4: 'a registry failed, refused the credentials or could not be reached; no tag was moved',
]

/** Step arguments that become fields of an application spec, and where they go in it. */
@Field static final Map<String, List<String>> SPEC_ARGS = [
    app: ['app'], base: ['base'], image: ['image'],
    buildDependencies: ['dependencies', 'build'], runDependencies: ['dependencies', 'run'],
    indexUrl: ['index', 'url'], extraIndexUrls: ['index', 'extraUrls'], findLinks: ['index', 'findLinks'],
    trustedHosts: ['index', 'trustedHosts'], constraints: ['constraints'],
    entrypoint: ['entrypoint'], venv: ['venv'], user: ['user'], workdir: ['workdir'], env: ['env'],
    ports: ['ports'], volumes: ['volumes'], healthcheck: ['healthcheck'], labels: ['labels'], tags: ['tags'],
]

/** The image an application spec names when grockerCompile was given none: compile never pushes it. */
@Field static final String NO_IMAGE = 'grocker.invalid/image-not-set'

/** Where the steps keep their files, relative to the workspace. */
@Field static final String WORK_DIR = '.grocker'

/** Words passed to the command line through $GROCKER_ARGS: no blanks, quotes or shell characters. */
@Field static final String SAFE_WORD = /[A-Za-z0-9._:\/@{}+=,%-]+/

/** Fails with a step's message unless ARGS has only KNOWN keys. */
void checkKeys(String step, Map args, Collection<String> known) {
    for (String key in args.keySet()) {
        if (!(key in known)) {
            error "${step}: unknown argument '${key}' (known: ${known.sort().join(', ')})"
        }
    }
}

/** Fails unless VALUE is a list of strings, each a safe command-line word; returns it (empty when null). */
List<String> words(String step, String name, Object value) {
    if (value == null) {
        return []
    }
    List list = value instanceof String ? [value] : value
    if (!(list instanceof List)) {
        error "${step}: '${name}' must be a list of strings, got ${value}"
    }
    List<String> result = []
    for (Object item in list) {
        if (!(item instanceof CharSequence) || !(item.toString() ==~ SAFE_WORD)) {
            error "${step}: '${name}' has '${item}', which is not a valid value (no blanks, quotes or shell characters)"
        }
        result.add(item.toString())
    }
    return result
}

/** Fails unless the stash name can be a file name. */
String stashName(String step, Object value) {
    if (!(value instanceof CharSequence) || !(value.toString() ==~ /[A-Za-z0-9._-]+/)) {
        error "${step}: 'stash' must be a name of letters, digits, '.', '_' or '-', got '${value}'"
    }
    return value.toString()
}

/** The command line: GROCKER_CLI when set, else grocker on PATH; fails with a clear message when absent. */
String locate(String step) {
    if (env.GROCKER_CLI) {
        if (sh(script: 'test -x "$GROCKER_CLI"', returnStatus: true, label: 'find grocker') != 0) {
            error "${step}: GROCKER_CLI is '${env.GROCKER_CLI}', which is not an executable file on this agent"
        }
        return env.GROCKER_CLI
    }
    if (sh(script: 'command -v grocker >/dev/null', returnStatus: true, label: 'find grocker') != 0) {
        error "${step}: the grocker command line is not on this agent: put it on PATH or set GROCKER_CLI " +
            '(docs/jenkins.md, "Agents")'
    }
    return 'grocker'
}

/** Registry credentials (a Jenkins username/password credential) for withCredentials; none without an id. */
List registryCredentials(String credentialsId) {
    if (!credentialsId) {
        return []
    }
    return [usernamePassword(credentialsId: credentialsId,
        usernameVariable: 'GROCKER_REGISTRY_USERNAME', passwordVariable: 'GROCKER_REGISTRY_PASSWORD')]
}

/**
 * Runs one grocker command and returns its exit code. SCRIPT is a constant, single-quoted shell script
 * that reads its inputs from $GROCKER_* variables; VARS (non-secret) go in with withEnv, CREDENTIALS
 * (withCredentials bindings) put secrets in the environment only for this command.
 */
int run(Map opts) {
    String cli = locate(opts.step)
    List<String> environment = ["GROCKER_CLI=${cli}".toString()]
    for (Map.Entry e in opts.vars) {
        environment.add("${e.key}=${e.value == null ? '' : e.value}".toString())
    }
    int rc = 0
    Closure body = {
        withEnv(environment) {
            rc = sh(script: opts.script, returnStatus: true, label: "grocker ${opts.command}")
        }
    }
    if (opts.credentials) {
        withCredentials(opts.credentials, body)
    } else {
        body()
    }
    return rc
}

/** Fails with the meaning of a non-zero exit code. */
void check(String step, String command, int rc) {
    if (rc != 0) {
        String why = EXIT_CODES[rc] ?: 'an unexpected failure'
        error "${step}: grocker ${command} failed with exit code ${rc}: ${why} (the log above says why)"
    }
}

/** Seconds since START (a System.currentTimeMillis() value), for the log. */
String since(long start) {
    return String.format('%.1fs', (System.currentTimeMillis() - start) / 1000.0d)
}

/** The directory of PATH ('.' for a file in the workspace root). */
String dirOf(String path) {
    int slash = path.lastIndexOf('/')
    return slash < 0 ? '.' : path.substring(0, slash)
}

/** SPEC with the spec arguments of ARGS set (nested fields created as needed). */
Map compose(Map spec, Map args) {
    Map result = copy(spec)
    for (Map.Entry e in SPEC_ARGS) {
        if (args.containsKey(e.key) && args[e.key] != null) {
            List<String> path = e.value
            Map at = result
            for (int i = 0; i < path.size() - 1; i++) {
                if (!(at[path[i]] instanceof Map)) {
                    at[path[i]] = [:]
                }
                at = at[path[i]]
            }
            at[path[-1]] = args[e.key]
        }
    }
    return result
}

/** A deep copy of maps and lists as plain LinkedHashMap / ArrayList (serializable, writable as JSON). */
Object copy(Object value) {
    if (value instanceof Map) {
        Map result = [:]
        for (Map.Entry e in value) {
            result[e.key.toString()] = copy(e.value)
        }
        return result
    }
    if (value instanceof List) {
        List result = []
        for (Object item in value) {
            result.add(copy(item))
        }
        return result
    }
    return value
}
