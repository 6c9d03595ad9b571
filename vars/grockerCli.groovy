/*
 * What the Grocker steps share: getting the command line onto the agent (installed from the organisation's Maven
 * repository at the version this library pins, or preinstalled), running one grocker command with its non-secret
 * inputs in the environment and its secrets bound by withCredentials (each registry credential bound to its registry's
 * host), reading and writing JSON without json-lib's surprises, and composing application specs.
 * Jenkinsfiles use the steps; this is their plumbing. Help: vars/grockerCli.txt.
 */
import groovy.transform.Field

/** What the command line's exit codes mean (see `grocker --help`). */
@Field static final Map<Integer, String> EXIT_CODES = [
    1: 'an internal error of grocker; run the step with verbose: true for details',
    2: 'bad input: a spec, an option or a reference; nothing was built or pushed',
    3: 'the Docker engine, a registry or a build step failed or could not be reached; no tag was moved',
    4: 'a registry failed, refused the credentials or could not be reached; no tag was moved',
    5: 'the scan gate refused: the scan command failed on a platform image (its output is in the log and the report); ' +
        'no tag was moved',
]


/** What the installer's exit codes mean. */
@Field static final Map<Integer, String> INSTALL_CODES = [
    5: 'the downloaded jar does not have the sha256 this library pins (a tampered or wrong file); nothing was installed',
    6: 'the Maven repository could not be reached or has no such jar (check GROCKER_CLI_REPOSITORY and its credentials)',
    7: 'the installed command line does not report the pinned version',
    8: 'java was not found on the agent (agents need Java 17: put it on PATH or set JAVA_HOME)',
    9: 'the cache directory cannot be written (set GROCKER_CLI_CACHE to a writable directory)',
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

/** The library resource that pins the command line: version and sha256 (scripts/release-cli writes it). */
@Field static final String PIN = 'io/jenkins/plugins/grocker/library/cli.properties'

/** Words passed to the command line through $GROCKER_ARGS: no blanks, quotes or shell characters. */
@Field static final String SAFE_WORD = /[A-Za-z0-9._:\/@{}+=,%-]+/

/**
 * Installs the pinned jar into ${GROCKER_CLI_CACHE:-$HOME/.cache/grocker}/VERSION/ unless it is there with the
 * right sha256: downloads to a temporary file in that directory, checks the sha256, renames it into place (so two
 * executors installing at once each rename a complete, verified file), writes the launcher the same way, then
 * checks `grocker --version`. The launcher keeps a class-data-sharing archive next to the jar: the first real
 * command records it (renamed into place the same way), later ones start from it. Inputs come from the
 * environment; the repository password goes to curl on stdin.
 */
@Field static final String INSTALL = '''set -u
dir="${GROCKER_CLI_CACHE:-$HOME/.cache/grocker}/$GROCKER_CLI_VERSION"
jar="$dir/grocker-cli-$GROCKER_CLI_VERSION.jar"
launcher="$dir/grocker"
mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || { echo "grocker: cannot write $dir" >&2; exit 9; }
java="${JAVA:-}"
if [ -z "$java" ] && [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
[ -n "$java" ] || java=java
command -v "$java" >/dev/null 2>&1 || { echo "grocker: no java ($java) on this agent" >&2; exit 8; }
verified() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$GROCKER_CLI_SHA256" ]; }
if ! verified "$jar"; then
  tmp="$(mktemp "$dir/.download.XXXXXX")" || exit 9
  trap 'rm -f "$tmp"' EXIT
  url="${GROCKER_CLI_REPOSITORY%/}/io/jenkins/plugins/grocker/grocker-cli/$GROCKER_CLI_VERSION"
  url="$url/grocker-cli-$GROCKER_CLI_VERSION.jar"
  echo "grocker: downloading $url" >&2
  if [ -n "${GROCKER_CLI_REPOSITORY_USERNAME:-}" ]; then
    printf 'user = "%s:%s"\\n' "$GROCKER_CLI_REPOSITORY_USERNAME" "$GROCKER_CLI_REPOSITORY_PASSWORD" |
      curl -fsSL --retry 2 -K - -o "$tmp" "$url" || { echo "grocker: cannot download $url" >&2; exit 6; }
  else
    curl -fsSL --retry 2 -o "$tmp" "$url" || { echo "grocker: cannot download $url" >&2; exit 6; }
  fi
  if ! verified "$tmp"; then
    echo "grocker: $url has sha256 $(sha256sum "$tmp" | cut -d' ' -f1), the library pins $GROCKER_CLI_SHA256" >&2
    exit 5
  fi
  chmod 0644 "$tmp" && mv -f "$tmp" "$jar" || exit 9
fi
ltmp="$(mktemp "$dir/.launcher.XXXXXX")" || exit 9
cat >"$ltmp" <<LAUNCHER && chmod 0755 "$ltmp" && mv -f "$ltmp" "$launcher" || { rm -f "$ltmp"; exit 9; }
#!/bin/sh
# grocker $GROCKER_CLI_VERSION, installed by the Grocker Pipeline library. Class data sharing: the first command
# (other than --version and --help) records the classes it loads in the archive below; later commands map it and
# start faster. GROCKER_CDS=0 turns it off; GROCKER_JAVA_OPTS adds JVM options.
jar="$jar"
archive="$dir/grocker-cli-$GROCKER_CLI_VERSION.jsa"
if [ "\\${GROCKER_CDS:-1}" != 0 ]; then
  if [ -f "\\$archive" ] && [ "\\$archive" -nt "\\$jar" ]; then
    exec "$java" -XX:SharedArchiveFile="\\$archive" -Xlog:disable -Xlog:all=error:stderr \\
      \\${GROCKER_JAVA_OPTS:-} -jar "\\$jar" "\\$@"
  fi
  case "\\${1:---version}" in
    --version | --help | -h) ;;
    *)
      tmp="\\$archive.\\$\\$.tmp"
      "$java" -XX:ArchiveClassesAtExit="\\$tmp" -Xlog:disable -Xlog:all=error:stderr \\${GROCKER_JAVA_OPTS:-} -jar "\\$jar" "\\$@"
      rc=\\$?
      if [ -s "\\$tmp" ]; then mv -f "\\$tmp" "\\$archive" 2>/dev/null || rm -f "\\$tmp"; else rm -f "\\$tmp"; fi
      exit "\\$rc"
      ;;
  esac
fi
exec "$java" \\${GROCKER_JAVA_OPTS:-} -jar "\\$jar" "\\$@"
LAUNCHER
reported="$("$launcher" --version 2>&1)"
[ "$reported" = "grocker $GROCKER_CLI_VERSION" ] || { echo "grocker: $launcher says: $reported" >&2; exit 7; }
'''

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
    List list = value instanceof CharSequence ? [value] : value
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

/** 'linux/arm64=tcp://host:2376' (a platform with its own engine) as 'linux/arm64'. */
String platformOf(String platform) {
    int eq = platform.indexOf('=')
    return eq < 0 ? platform : platform.substring(0, eq)
}

/** A platform as part of a file or stash name: 'linux/arm64=tcp://...' as 'linux-arm64'. */
String platformSlug(String platform) {
    return platformOf(platform).replace('/', '-')
}

/** The registry host of an image reference, as Docker reads it ('docker.io' when the first part is no host). */
String registryHost(String reference) {
    int slash = reference.indexOf('/')
    String first = slash < 0 ? '' : reference.substring(0, slash)
    return first.contains('.') || first.contains(':') || first == 'localhost' ? first.toLowerCase() : 'docker.io'
}

/**
 * The registry credentials of a step: its argument registryCredentials (a Map of registry host to a Jenkins
 * username/password credential id) plus the single id in the argument SHORTHAND_NAME, bound to DEFAULT_HOST.
 * Fails on a malformed map. Returns [host: credentialsId].
 */
Map<String, String> registryMap(String step, Map args, String shorthandName, String defaultHost) {
    String argument = 'registryCredentials'
    Object registries = args[argument]
    Object shorthand = args[shorthandName]
    Map<String, String> result = [:]
    if (registries != null) {
        if (!(registries instanceof Map)) {
            error "${step}: '${argument}' must be a Map of registry host to credentials id, got '${registries}'"
        }
        for (Map.Entry e in registries) {
            String host = e.key.toString().toLowerCase()
            if (!(host ==~ /[a-z0-9.-]+(:[0-9]+)?/) || !(e.value instanceof CharSequence) || !e.value) {
                error "${step}: '${argument}' has '${e.key}': '${e.value}'; give 'host[:port]': 'credentials-id'"
            }
            result[host] = e.value.toString()
        }
    }
    if (shorthand) {
        if (!defaultHost) {
            error "${step}: '${shorthandName}' needs to know its registry, which cannot be told here: " +
                "give ${argument}: ['registry.example.com': '${shorthand}'] instead"
        }
        if (result.containsKey(defaultHost) && result[defaultHost] != shorthand.toString()) {
            error "${step}: '${shorthandName}' and '${argument}' give two credentials for ${defaultHost}"
        }
        result[defaultHost] = shorthand.toString()
    }
    return result
}

/** The pin of this library version: [version:, sha256:], empty values when the branch is unreleased. */
Map<String, String> pin() {
    Map<String, String> result = [version: '', sha256: '']
    for (String line in libraryResource(PIN).readLines()) {
        String l = line.trim()
        int eq = l.indexOf('=')
        if (!l.startsWith('#') && eq > 0) {
            result[l.substring(0, eq).trim()] = l.substring(eq + 1).trim()
        }
    }
    return result
}

/**
 * The command line for STEP on this agent: [cli: path or 'grocker', path: a directory for PATH or null].
 * GROCKER_CLI (preinstalled) first; else the pinned version from GROCKER_CLI_REPOSITORY, installed and cached;
 * else grocker on PATH. Fails with one line when none works.
 */
Map locate(String step) {
    if (env.GROCKER_CLI) {
        if (sh(script: 'test -x "$GROCKER_CLI"', returnStatus: true, label: 'find grocker') != 0) {
            error "${step}: GROCKER_CLI is '${env.GROCKER_CLI}', which is not an executable file on this agent"
        }
        return [cli: env.GROCKER_CLI, path: null]
    }
    Map<String, String> pinned = pin()
    if (env.GROCKER_CLI_REPOSITORY) {
        if (!pinned.version || !(pinned.sha256 ==~ /[0-9a-f]{64}/)) {
            error "${step}: this version of the library pins no released command line (${PIN} is empty): " +
                'load a released library version, or set GROCKER_CLI to a preinstalled grocker'
        }
        if (!(pinned.version ==~ SAFE_WORD) || !(env.GROCKER_CLI_REPOSITORY ==~ SAFE_WORD)) {
            error "${step}: GROCKER_CLI_REPOSITORY '${env.GROCKER_CLI_REPOSITORY}' is not a valid URL"
        }
        List credentials = []
        if (env.GROCKER_CLI_REPOSITORY_CREDENTIALS_ID) {
            credentials.add(usernamePassword(credentialsId: env.GROCKER_CLI_REPOSITORY_CREDENTIALS_ID,
                usernameVariable: 'GROCKER_CLI_REPOSITORY_USERNAME', passwordVariable: 'GROCKER_CLI_REPOSITORY_PASSWORD'))
        }
        int rc = 0
        Closure install = {
            withEnv(["GROCKER_CLI_VERSION=${pinned.version}", "GROCKER_CLI_SHA256=${pinned.sha256}"]) {
                rc = sh(script: INSTALL, returnStatus: true, label: "install grocker ${pinned.version}")
            }
        }
        if (credentials) {
            withCredentials(credentials, install)
        } else {
            install()
        }
        if (rc != 0) {
            error "${step}: cannot install grocker ${pinned.version} from ${env.GROCKER_CLI_REPOSITORY}: " +
                "${INSTALL_CODES[rc] ?: 'the installer failed with exit code ' + rc} (the log above says why)"
        }
        String cache = sh(script: 'printf "%s" "${GROCKER_CLI_CACHE:-$HOME/.cache/grocker}"', returnStdout: true,
            label: 'find grocker').trim()
        String dir = "${cache}/${pinned.version}"
        return [cli: "${dir}/grocker".toString(), path: dir]
    }
    if (sh(script: 'command -v grocker >/dev/null', returnStatus: true, label: 'find grocker') != 0) {
        error "${step}: the grocker command line is not on this agent: set GROCKER_CLI_REPOSITORY (the Maven " +
            'repository the library installs it from), or GROCKER_CLI, or put grocker on PATH (docs/jenkins.md, "Agents")'
    }
    return [cli: 'grocker', path: null]
}

/**
 * Runs one grocker command and returns its exit code. SCRIPT is a constant, single-quoted shell script that reads
 * its inputs from $GROCKER_* variables; VARS (non-secret) go in with withEnv; REGISTRIES ([host: credentialsId])
 * are bound with withCredentials to GROCKER_REGISTRY_USERNAME_n/PASSWORD_n, each with GROCKER_REGISTRY_HOST_n, so
 * the command offers each registry its own credential only; CREDENTIALS are any other bindings.
 */
int run(Map opts) {
    Map found = locate(opts.step)
    List<String> environment = ["GROCKER_CLI=${found.cli}".toString()]
    if (found.path) {
        environment.add("PATH+GROCKER=${found.path}".toString())
    }
    for (Map.Entry e in opts.vars) {
        environment.add("${e.key}=${e.value == null ? '' : e.value}".toString())
    }
    List bindings = opts.credentials ? new ArrayList(opts.credentials) : []
    List<String> hosts = opts.registries ? new ArrayList<String>(opts.registries.keySet()) : []
    for (int i = 0; i < hosts.size(); i++) {
        environment.add("GROCKER_REGISTRY_HOST_${i + 1}=${hosts[i]}".toString())
        bindings.add(usernamePassword(credentialsId: opts.registries[hosts[i]],
            usernameVariable: "GROCKER_REGISTRY_USERNAME_${i + 1}", passwordVariable: "GROCKER_REGISTRY_PASSWORD_${i + 1}"))
    }
    int rc = 0
    Closure body = {
        withEnv(environment) {
            rc = sh(script: opts.script, returnStatus: true, label: "grocker ${opts.command}")
        }
    }
    if (bindings) {
        withCredentials(bindings, body)
    } else {
        body()
    }
    return rc
}

/**
 * The scan gate's settings of a step: [command: the shell command or null, words: ['--scan-timeout', N] or []].
 * The command is a shell command of its own (it goes to grocker through $GROCKER_SCAN_COMMAND, never through the
 * step's script).
 */
Map scanGate(String step, Object command, Object timeoutSeconds) {
    if (command != null && !(command instanceof CharSequence && command.toString().trim())) {
        error "${step}: 'scanCommand' must be a shell command (a non-empty string), got '${command}'"
    }
    if (timeoutSeconds != null && (!(timeoutSeconds instanceof Integer) || timeoutSeconds <= 0)) {
        error "${step}: 'scanTimeout' must be a number of seconds above 0, got '${timeoutSeconds}'"
    }
    if (timeoutSeconds != null && command == null) {
        error "${step}: 'scanTimeout' needs 'scanCommand'"
    }
    return [command: command?.toString(), words: timeoutSeconds == null ? [] : ['--scan-timeout', timeoutSeconds.toString()]]
}

/** The report file of a step: its 'report' argument (false for none), else DEFAULT_FILE; checked as a safe word. */
String reportFile(String step, Object value, String defaultFile) {
    if (value == false) {
        return null
    }
    return words(step, 'report', value == null || value == true ? defaultFile : value)[0]
}

/**
 * Archives the HTML report of a step when grocker wrote it (also when the command failed, e.g. the scan gate refused),
 * says where it is in the log, and adds a line with its address to the build's description.
 */
void publishReport(String step, String report) {
    if (!report || !fileExists(report)) {
        return
    }
    archiveArtifacts(artifacts: report, fingerprint: false)
    String url = env.BUILD_URL ? "${env.BUILD_URL}artifact/${report}" : report
    echo "${step}: report: ${url}"
    String line = "${step} report: ${url}"
    String before = currentBuild.description
    if (!before || !before.contains(line)) {
        currentBuild.description = before ? "${before}\n${line}" : line
    }
}

/** Fails with the meaning of a non-zero exit code. */
void check(String step, String command, int rc) {
    if (rc != 0) {
        String why = EXIT_CODES[rc] ?: 'an unexpected failure'
        error "${step}: grocker ${command} failed with exit code ${rc}: ${why} (the log above says why)"
    }
}

/**
 * What grockerRun returns, from the result of `grocker runner` (or `grocker app`) in RESULT_FILE: the runner is the
 * result's first image (its dependency image follows it). Echoes the image, its status and its platforms.
 */
Map runnerAnswer(String step, String resultFile, String requirement, String spec, long start) {
    Map runnerResult = readResult(resultFile)
    Map image = runnerResult.images[0]
    Map digests = [:]
    for (Map p in image.platforms) {
        digests[p.platform] = p.digest
    }
    String digest = image.index ? image.index.digest : null
    Map answer = [
        repository: image.repository, digest: digest, image: digest ? "${image.repository}@${digest}".toString() : null,
        tags: image.tags, platforms: digests, pushed: runnerResult.pushed, status: image.status,
        requirement: requirement, spec: spec, resultFile: resultFile, result: runnerResult,
    ]
    echo "${step}: ${answer.image ?: image.repository} ${image.status} in ${since(start)}" +
        "${image.tags ? ', tags: ' + image.tags.join(', ') : ''}"
    List<String> built = new ArrayList<String>(digests.keySet())
    for (int i = 0; i < built.size(); i++) {
        echo "${step}:   ${built[i]} ${digests[built[i]]}"
    }
    return answer
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

/** Empties a directory of the workspace (what a previous build left there), keeping nothing. */
void clean(String path) {
    dir(path) {
        deleteDir()
    }
}

/** A JSON file as plain maps, lists and nulls (never json-lib's JSONNull, which Groovy treats as true). */
Object readResult(String file) {
    return readJSON(file: file, returnPojo: true)
}

/** Writes VALUE as JSON, as it is: no json-lib conversions (json-lib writes the string "null" as null). */
void writeResult(String file, Object value) {
    writeFile(file: file, text: toJson(value) + '\n')
}

/** VALUE (maps, lists, strings, numbers, booleans, null) as JSON text. */
@NonCPS
String toJson(Object value) {
    if (value == null) {
        return 'null'
    }
    if (value instanceof Map) {
        List<String> members = []
        for (Map.Entry e in value) {
            members.add(quote(e.key.toString()) + ':' + toJson(e.value))
        }
        return '{' + members.join(',') + '}'
    }
    if (value instanceof Collection || value instanceof Object[]) {
        List<String> items = []
        for (Object item in value) {
            items.add(toJson(item))
        }
        return '[' + items.join(',') + ']'
    }
    if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
        return value.toString()
    }
    if (value instanceof Number) {
        return new BigDecimal(value.toString()).toString()
    }
    return quote(value.toString())
}

@NonCPS
private String quote(String s) {
    StringBuilder out = new StringBuilder('"')
    for (int i = 0; i < s.length(); i++) {
        int c = (int) s.charAt(i)
        if (c == 34 || c == 92) {
            out.append('\\').append(s.charAt(i))
        } else if (c < 32) {
            out.append(String.format('\\u%04x', c))
        } else {
            out.append(s.charAt(i))
        }
    }
    return out.append('"').toString()
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
