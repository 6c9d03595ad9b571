# Grocker entrypoint: the configuration reader and everything that needs parsing.
#
# Called by the entrypoint shell script, never by users. POSIX awk (mawk, gawk, busybox awk), run with
# LC_ALL=C. Everything happens in BEGIN: the program reads no standard input. Its inputs are environment
# variables, so that no value ever passes through awk's command line (where "a=b" would be an assignment):
#
#   GROCKER_EP_FILES  the configuration fragments, each path followed by the unit separator (\037)
#   GROCKER_EP_OP     what to do (see the dispatch at the end of BEGIN)
#   GROCKER_EP_ARG, GROCKER_EP_ARG2   the operation's arguments
#   GROCKER_EP_NL     1 when the template to render ends with a newline
#   GROCKER_EP_LC_ALL the caller's LC_ALL prefixed with "x", empty when unset (awk runs with LC_ALL=C)
# These are removed from ENVIRON before anything is expanded.
#
# Lists go back to the shell as words each followed by the unit separator; the shell splits them with
# IFS set to that character and globbing off, so a word may hold spaces, quotes, newlines or "$(...)"
# and is still one word that nothing evaluates. A value holding the separator itself is refused.
#
# Exit codes: 0 done, 64 usage (no command and no default), 78 configuration or environment error; the
# message is one line on stderr starting with "grocker-entrypoint: ". Environment values are never
# printed, only the names of variables.

function fail(message, code) {
    printf "grocker-entrypoint: %s\n", message > "/dev/stderr"
    failed = 1
    exit code
}

function init_tables(    i, h) {
    US = sprintf("%c", 31)
    for (i = 1; i < 256; i++) {
        h = sprintf("%02x", i)
        HEX[h] = sprintf("%c", i)
        HEX[toupper(h)] = HEX[h]
    }
    HELP_WORDS["help"] = 1; HELP_WORDS["--help"] = 1; HELP_WORDS["-h"] = 1
    # directive -> minimum and maximum number of values (-1: no maximum)
    split("format 1 1 app 1 1 version 1 1 default 1 1 require 1 -1 require-for 2 -1 template 2 3 " \
          "prestart 1 -1 service 2 -1 clear 1 1 scripts 1 1 cron 2 -1 www-server 1 1 www-port 1 1 " \
          "www-app 1 1 www-workers 1 1 www-threads 1 1 www-static 2 2 www-media 2 2 www-args 0 -1 " \
          "www-max-body 1 1", d, " ")
    for (i = 1; i in d; i += 3) {
        MIN_VALUES[d[i]] = d[i + 1] + 0
        MAX_VALUES[d[i]] = d[i + 2] + 0
    }
}

# --- reading the fragments ------------------------------------------------------------------------------

# Splits one line into TOK[1..NTOK]. A token is a bare word (no blank, quote or backslash) or a
# double-quoted string with the escapes \\ \" \n \t \r \xHH. Returns "" or what is wrong.
function tokenize(line,    n, i, c, len, tok, quoted, e, h) {
    NTOK = 0
    len = length(line)
    i = 1
    while (i <= len) {
        c = substr(line, i, 1)
        if (c == " " || c == "\t") { i++; continue }
        if (c == "\"") {
            tok = ""
            i++
            quoted = 0
            while (i <= len) {
                c = substr(line, i, 1)
                if (c == "\"") { quoted = 1; i++; break }
                if (c == "\\") {
                    e = substr(line, i + 1, 1)
                    if (e == "\\" || e == "\"") tok = tok e
                    else if (e == "n") tok = tok "\n"
                    else if (e == "t") tok = tok "\t"
                    else if (e == "r") tok = tok "\r"
                    else if (e == "x") {
                        h = substr(line, i + 2, 2)
                        if (!(h in HEX)) return "invalid escape \\x" h
                        tok = tok HEX[h]
                        i += 2
                    } else return "invalid escape \\" e
                    i += 2
                    continue
                }
                if (c ~ /[\001-\010\012-\037\177]/) return "raw control character in a quoted value (write it as \\xHH)"
                tok = tok c
                i++
            }
            if (!quoted) return "unterminated quoted value"
            c = substr(line, i, 1)
            if (i <= len && c != " " && c != "\t") return "a quoted value must be followed by a blank"
        } else if (c == "\\") {
            return "a backslash outside quotes"
        } else {
            tok = ""
            while (i <= len) {
                c = substr(line, i, 1)
                if (c == " " || c == "\t") break
                if (c == "\"" || c == "\\") return "a quote or backslash inside a bare word"
                if (c ~ /[\001-\037\177]/) return "a control character in a bare word"
                tok = tok c
                i++
            }
        }
        if (index(tok, US) > 0) return "a value holds the unit separator (\\x1f), which is not allowed"
        TOK[++NTOK] = tok
    }
    return ""
}

function is_name(s) { return s ~ /^[A-Za-z_][A-Za-z0-9_]*$/ }
function is_service_name(s) { return s ~ /^[A-Za-z0-9][A-Za-z0-9_.-]*$/ }
function is_abs_path(s) { return s ~ /^\// && s !~ /[\001-\037\177]/ }
function is_int(s, lo, hi) { return s ~ /^[0-9]+$/ && s + 0 >= lo && s + 0 <= hi }

# The values TOK[from..NTOK] joined, each followed by US: the form lists are kept in.
function join_from(from,    i, s) {
    s = ""
    for (i = from; i <= NTOK; i++) s = s TOK[i] US
    return s
}

function clear_list(what,    k) {
    if (what == "require") {
        NREQ = 0
        for (k in REQ_SEEN) delete REQ_SEEN[k]
        for (k in REQ_FOR) delete REQ_FOR[k]
    } else if (what == "templates") {
        NTPL = 0
    } else if (what == "prestart") {
        NPRE = 0
    } else if (what == "services") {
        NSVC = 0
        for (k in SVC_KIND) delete SVC_KIND[k]
        for (k in SVC_WORDS) delete SVC_WORDS[k]
        for (k in REQ_FOR) delete REQ_FOR[k]
        DEFAULT = ""
    } else if (what == "cron") {
        NCRON = 0
    } else if (what == "www-static") {
        NSTATIC = 0
    } else {
        return 0
    }
    return 1
}

function directive(file, lineno,    key, where, i, v, n, kind) {
    key = TOK[1]
    where = file ": line " lineno ": "
    if (!(key in MIN_VALUES)) fail(where "unknown directive '" key "'", 78)
    if (NTOK - 1 < MIN_VALUES[key] || (MAX_VALUES[key] >= 0 && NTOK - 1 > MAX_VALUES[key]))
        fail(where "wrong number of values for '" key "'", 78)
    if (!SEEN_FORMAT) {
        if (key != "format") fail(where "a fragment must start with 'format 1'", 78)
        if (TOK[2] != "1") fail(where "format " TOK[2] " is not supported by this entrypoint (it reads format 1)", 78)
        SEEN_FORMAT = 1
        return
    }
    if (key == "format") fail(where "'format' may only be the first directive", 78)
    else if (key == "app") APP = TOK[2]
    else if (key == "version") VERSION = TOK[2]
    else if (key == "default") {
        if (!is_service_name(TOK[2])) fail(where "'" TOK[2] "' is not a service name", 78)
        DEFAULT = TOK[2]
        DEFAULT_WHERE = where
    } else if (key == "require") {
        for (i = 2; i <= NTOK; i++) {
            if (!is_name(TOK[i])) fail(where "'" TOK[i] "' is not an environment variable name", 78)
            if (!(TOK[i] in REQ_SEEN)) { REQ_SEEN[TOK[i]] = 1; REQ[++NREQ] = TOK[i] }
        }
    } else if (key == "require-for") {
        if (!is_service_name(TOK[2])) fail(where "'" TOK[2] "' is not a service name", 78)
        for (i = 3; i <= NTOK; i++) {
            if (!is_name(TOK[i])) fail(where "'" TOK[i] "' is not an environment variable name", 78)
            if (index(US REQ_FOR[TOK[2]], US TOK[i] US) == 0) REQ_FOR[TOK[2]] = REQ_FOR[TOK[2]] TOK[i] US
        }
        REQ_FOR_WHERE[TOK[2]] = where
    } else if (key == "template") {
        if (!is_abs_path(TOK[2]) || !is_abs_path(TOK[3])) fail(where "template paths must be absolute", 78)
        v = NTOK >= 4 ? TOK[4] : "0644"
        if (v !~ /^0?[0-7][0-7][0-7]$/ && v !~ /^0[0-7][0-7][0-7][0-7]$/) fail(where "'" v "' is not an octal mode such as 0644", 78)
        # a later template for the same destination replaces the earlier one
        n = 0
        for (i = 1; i <= NTPL; i++) if (TPL_DEST[i] == TOK[3]) n = i
        if (n == 0) n = ++NTPL
        TPL_SRC[n] = TOK[2]; TPL_DEST[n] = TOK[3]; TPL_MODE[n] = v
    } else if (key == "prestart") {
        PRE[++NPRE] = join_from(2)
    } else if (key == "service") {
        if (!is_service_name(TOK[2])) fail(where "'" TOK[2] "' is not a service name", 78)
        kind = TOK[3]
        if (kind == "exec") {
            if (NTOK < 4) fail(where "service " TOK[2] ": exec needs a command", 78)
        } else if (kind == "www" || kind == "cron" || kind == "ops") {
            if (NTOK > 3) fail(where "service " TOK[2] ": " kind " takes no command", 78)
        } else fail(where "service " TOK[2] ": unknown kind '" kind "' (exec, www, cron or ops)", 78)
        # a service redefined by a later fragment keeps its place in the help
        if (!(TOK[2] in SVC_KIND)) SVC_ORDER[++NSVC] = TOK[2]
        SVC_KIND[TOK[2]] = kind
        SVC_WORDS[TOK[2]] = join_from(4)
    } else if (key == "clear") {
        if (!clear_list(TOK[2])) fail(where "cannot clear '" TOK[2] "' (require, templates, prestart, services, cron or www-static)", 78)
    } else if (key == "scripts") {
        if (!is_abs_path(TOK[2])) fail(where "scripts must be an absolute path", 78)
        SCRIPTS = TOK[2]
    } else if (key == "cron") {
        if ((v = cron_check(TOK[2])) != "") fail(where "cron schedule '" TOK[2] "': " v, 78)
        CRON_SCHED[++NCRON] = TOK[2]
        CRON_WORDS[NCRON] = join_from(3)
    } else if (key == "www-server") {
        if (TOK[2] != "uwsgi" && TOK[2] != "gunicorn") fail(where "www-server must be uwsgi or gunicorn", 78)
        WWW["server"] = TOK[2]
    } else if (key == "www-port") {
        if (!is_int(TOK[2], 1, 65535)) fail(where "www-port must be a port number", 78)
        WWW["port"] = TOK[2] + 0
    } else if (key == "www-app") {
        if (TOK[2] !~ /^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.]*(\(\))?)?$/)
            fail(where "www-app must be a WSGI application such as package.module:application", 78)
        WWW["app"] = TOK[2]
    } else if (key == "www-workers" || key == "www-threads") {
        if (!is_int(TOK[2], 1, 1024)) fail(where key " must be a number from 1 to 1024", 78)
        WWW[substr(key, 5)] = TOK[2] + 0
    } else if (key == "www-static" || key == "www-media") {
        if (TOK[2] !~ /^\/([A-Za-z0-9._~-]+\/)*$/) fail(where key ": '" TOK[2] "' is not a URL path such as /static/", 78)
        if (TOK[3] !~ /^\/[A-Za-z0-9._\/-]*$/ || TOK[3] ~ /(^|\/)\.\.(\/|$)/) fail(where key ": '" TOK[3] "' is not an absolute directory of letters, digits, . _ - and /", 78)
        sub(/\/+$/, "", TOK[3])
        if (key == "www-media") { WWW["media_url"] = TOK[2]; WWW["media_dir"] = TOK[3] }
        else { STATIC_URL[++NSTATIC] = TOK[2]; STATIC_DIR[NSTATIC] = TOK[3] }
    } else if (key == "www-args") {
        WWW["args"] = join_from(2)
    } else if (key == "www-max-body") {
        if (TOK[2] !~ /^[0-9]+[kKmMgG]?$/) fail(where "www-max-body must be a size such as 10m", 78)
        WWW["max_body"] = TOK[2]
    }
}

function load(    files, n, i, file, line, lineno, r, problem) {
    n = split(FILES, files, US)
    WWW["server"] = "uwsgi"; WWW["port"] = 8080; WWW["workers"] = 2; WWW["threads"] = 1; WWW["max_body"] = "10m"
    SCRIPTS = "/scripts"
    for (i = 1; i <= n; i++) {
        file = files[i]
        if (file == "") continue
        SEEN_FORMAT = 0
        lineno = 0
        while ((r = (getline line < file)) > 0) {
            lineno++
            if (line ~ /^[ \t]*(#|$)/) continue
            problem = tokenize(line)
            if (problem != "") fail(file ": line " lineno ": " problem, 78)
            directive(file, lineno)
        }
        if (r < 0) fail("cannot read configuration file " file, 78)
        close(file)
        if (!SEEN_FORMAT) fail(file ": empty fragment (it must start with 'format 1')", 78)
    }
    if (DEFAULT != "" && !(DEFAULT in SVC_KIND)) fail(DEFAULT_WHERE "default '" DEFAULT "' is not one of the services", 78)
    for (i in REQ_FOR) if (!(i in SVC_KIND)) fail(REQ_FOR_WHERE[i] "require-for names '" i "', which is not a service", 78)
}

# --- expansion ------------------------------------------------------------------------------------------

# Expands $NAME, ${NAME} and ${NAME:-default} from the environment; $$ is a $. An unset variable (or an
# empty one without a default) sets EXPAND_ERROR to a message naming it; the value is never shown.
# ${NAME} with NAME set but empty gives the empty string, like a shell.
function expand(s,    out, p, c, rest, name, close_at, body, dflt, has_default) {
    out = ""
    EXPAND_ERROR = ""
    while ((p = index(s, "$")) > 0) {
        out = out substr(s, 1, p - 1)
        rest = substr(s, p + 1)
        c = substr(rest, 1, 1)
        if (c == "$") {
            out = out "$"
            s = substr(rest, 2)
        } else if (c == "{") {
            close_at = index(rest, "}")
            if (close_at == 0) { EXPAND_ERROR = "unterminated ${ (write $$ for a literal $)"; return "" }
            body = substr(rest, 2, close_at - 2)
            has_default = 0
            if ((p = index(body, ":-")) > 0) {
                name = substr(body, 1, p - 1)
                dflt = substr(body, p + 2)
                has_default = 1
            } else name = body
            if (!is_name(name)) { EXPAND_ERROR = "invalid variable reference ${" body "} (write $$ for a literal $)"; return "" }
            if (has_default) out = out ((name in ENVIRON) && ENVIRON[name] != "" ? ENVIRON[name] : dflt)
            else if (name in ENVIRON) out = out ENVIRON[name]
            else { EXPAND_ERROR = "environment variable " name " is not set"; return "" }
            s = substr(rest, close_at + 1)
        } else if (c ~ /[A-Za-z_]/) {
            match(rest, /^[A-Za-z_][A-Za-z0-9_]*/)
            name = substr(rest, 1, RLENGTH)
            if (!(name in ENVIRON)) { EXPAND_ERROR = "environment variable " name " is not set"; return "" }
            out = out ENVIRON[name]
            s = substr(rest, RLENGTH + 1)
        } else {
            EXPAND_ERROR = "a $ must be followed by a name, {name} or $ (write $$ for a literal $)"
            return ""
        }
    }
    out = out s
    if (index(out, US) > 0) { EXPAND_ERROR = "a value holds the unit separator (\\x1f), which is not allowed"; return "" }
    return out
}

# Expands every word of a list (each followed by US) and prints the result the same way.
function print_expanded(list, what,    n, w, i, out) {
    n = split(list, w, US)
    out = ""
    for (i = 1; i < n; i++) {
        out = out expand(w[i]) US
        if (EXPAND_ERROR != "") fail(what ": " EXPAND_ERROR, 78)
    }
    printf "%s", out
}

function check_expands(list, what,    n, w, i) {
    n = split(list, w, US)
    for (i = 1; i < n; i++) {
        expand(w[i])
        if (EXPAND_ERROR != "") fail(what ": " EXPAND_ERROR, 78)
    }
}

# Renders a template file to stdout. The last line gets a newline only when the file had one
# (GROCKER_EP_NL=1 in the call), so that the rendered file is byte for byte the template with its variables replaced.
function render(file,    line, r, lineno, out, first) {
    lineno = 0
    first = 1
    while ((r = (getline line < file)) > 0) {
        lineno++
        out = expand(line)
        if (EXPAND_ERROR != "") fail("template " file ": line " lineno ": " EXPAND_ERROR, 78)
        printf "%s%s", (first ? "" : "\n"), out
        first = 0
    }
    if (r < 0) fail("template " file ": cannot read it", 78)
    if (!first && NEWLINE_AT_END) printf "\n"
}

# --- what to start --------------------------------------------------------------------------------------

# Prints: kind, name, label. kind is exec, www, cron or ops for a service, "command" for any other
# command and "help" for the help. Checks the required environment (not for help).
function resolve(arg, given,    kind, name, missing, n, i, w, label) {
    if (!given) {
        if (DEFAULT == "") fail("no command given and no default service", 64)
        name = DEFAULT
    } else if (arg in SVC_KIND) {
        name = arg
    } else if (arg in HELP_WORDS) {
        kind = "help"
    } else {
        kind = "command"
        name = arg
    }
    if (kind == "") kind = SVC_KIND[name]
    if (kind != "help") {
        missing = ""
        for (i = 1; i <= NREQ; i++) missing = add_missing(missing, REQ[i])
        if (kind != "command") {
            n = split(REQ_FOR[name], w, US)
            for (i = 1; i < n; i++) missing = add_missing(missing, w[i])
        }
        if (missing != "") fail("missing required environment variables: " missing, 78)
    }
    label = APP (APP != "" && VERSION != "" ? " " : "") VERSION
    printf "%s%s%s%s%s%s", kind, US, name, US, label, US
}

function add_missing(missing, name) {
    if ((name in ENVIRON) && ENVIRON[name] != "") return missing
    if (index(", " missing ", ", ", " name ", ") > 0) return missing
    return missing (missing == "" ? "" : ", ") name
}

# Quotes a word for display the way a POSIX shell would read it back.
function shell_quote(w) {
    # $ and braces stay bare: a reference is shown as the reference it is
    if (w != "" && w ~ /^[A-Za-z0-9@%+=:,.\/_${}-]+$/) return w
    gsub(/'/, "'\"'\"'", w)
    return "'" w "'"
}

function shown(list,    n, w, i, s) {
    n = split(list, w, US)
    s = ""
    for (i = 1; i < n; i++) s = s (i > 1 ? " " : "") shell_quote(w[i])
    return s
}

function describe(name,    kind) {
    kind = SVC_KIND[name]
    if (kind == "exec") return shown(SVC_WORDS[name])
    if (kind == "www") return "nginx on port " WWW["port"] " in front of " WWW["server"] " running " (WWW["app"] == "" ? "(no www-app)" : WWW["app"])
    if (kind == "cron") return "runs " NCRON " scheduled job" (NCRON == 1 ? "" : "s") " in the foreground"
    return "runs a script from " SCRIPTS ": " name " NAME [ARGS...]"
}

function help(    i, name, width, title, n, w) {
    title = APP (APP != "" && VERSION != "" ? " " : "") VERSION
    if (title == "") title = "this image"
    printf "%s - Grocker entrypoint\n\n", title
    printf "Usage: [SERVICE [ARGS...]] | [COMMAND [ARGS...]]\n\nServices:\n"
    if (NSVC == 0) printf "  (none)\n"
    width = 0
    for (i = 1; i <= NSVC; i++) if (length(SVC_ORDER[i]) > width) width = length(SVC_ORDER[i])
    for (i = 1; i <= NSVC; i++) {
        name = SVC_ORDER[i]
        printf "  %-" width "s  %s%s\n", name, describe(name), (name == DEFAULT ? " (default)" : "")
        if (REQ_FOR[name] != "") {
            n = split(REQ_FOR[name], w, US)
            printf "  %-" width "s  requires: %s\n", "", joined(w, n - 1)
        }
    }
    printf "\nDefault: %s\n", (DEFAULT == "" ? "(none)" : DEFAULT)
    printf "Required environment: %s\n", (NREQ == 0 ? "(none)" : joined(REQ, NREQ))
    if (NCRON > 0) {
        printf "\nScheduled jobs (cron):\n"
        for (i = 1; i <= NCRON; i++) printf "  %s  %s\n", CRON_SCHED[i], shown(CRON_WORDS[i])
    }
}

function joined(a, n,    i, s) {
    s = ""
    for (i = 1; i <= n; i++) s = s (i > 1 ? ", " : "") a[i]
    return s
}

# --- www ------------------------------------------------------------------------------------------------

function check_www(run) {
    if (WWW["app"] == "") fail("www: no application configured (www-app)", 78)
    if (run !~ /^\/[A-Za-z0-9._\/-]+$/) fail("www: the run directory " run " has characters nginx cannot take (set TMPDIR)", 78)
}

# Where nginx listens: GROCKER_WWW_LISTEN when set (a deployment's choice: PORT, or ADDRESS:PORT with
# an IPv4 address or a bracketed IPv6 one), else the configured www-port on every address.
function www_listen(    p, port) {
    p = ENVIRON["GROCKER_WWW_LISTEN"]
    if (p == "") return WWW["port"]
    port = p
    if (p ~ /^([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|\[[0-9A-Fa-f:.]+\]):[0-9]+$/) {
        match(p, /:[0-9]+$/)
        port = substr(p, RSTART + 1)
    }
    if (!is_int(port, 1, 65535)) fail("www: GROCKER_WWW_LISTEN must be PORT or ADDRESS:PORT", 78)
    return p
}

function nginx_conf(run,    i, listen) {
    check_www(run)
    listen = www_listen()
    printf "# Written by grocker-entrypoint at start: nginx in front of %s.\n", WWW["server"]
    printf "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log stderr warn;\n", run
    printf "events {\n    worker_connections 1024;\n}\n"
    printf "http {\n"
    printf "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
    printf "    access_log /dev/stdout;\n    server_tokens off;\n    sendfile on;\n"
    printf "    client_max_body_size %s;\n", WWW["max_body"]
    # every temporary directory nginx knows, so that nothing outside the run directory needs writing
    printf "    client_body_temp_path %s/client_body;\n    proxy_temp_path %s/proxy;\n    uwsgi_temp_path %s/uwsgi;\n", run, run, run
    printf "    fastcgi_temp_path %s/fastcgi;\n    scgi_temp_path %s/scgi;\n", run, run
    printf "    server {\n        listen %s;\n", listen
    for (i = 1; i <= NSTATIC; i++)
        printf "        location %s {\n            alias %s/;\n        }\n", STATIC_URL[i], STATIC_DIR[i]
    if (WWW["media_url"] != "") {
        printf "        # the application answers X-Accel-Redirect: %sPATH and nginx sends %s/PATH\n", WWW["media_url"], WWW["media_dir"]
        printf "        location %s {\n            internal;\n            alias %s/;\n        }\n", WWW["media_url"], WWW["media_dir"]
    }
    printf "        location / {\n"
    if (WWW["server"] == "uwsgi") {
        printf "            include /etc/nginx/uwsgi_params;\n            uwsgi_pass unix:%s/app.sock;\n", run
    } else {
        printf "            proxy_set_header Host $http_host;\n"
        printf "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        printf "            proxy_set_header X-Forwarded-Proto $scheme;\n"
        printf "            proxy_redirect off;\n            proxy_pass http://unix:%s/app.sock;\n", run
    }
    printf "        }\n    }\n}\n"
}

# The application server's command (each word followed by US); the shell appends the service's extra
# arguments. The graceful timeout is a little less than the entrypoint's stop timeout.
function www_argv(run, stop_timeout,    venv, s, grace) {
    check_www(run)
    grace = stop_timeout - 2
    if (grace < 1) grace = 1
    if (WWW["server"] == "uwsgi") {
        s = "uwsgi" US "--plugin" US "python3" US "--master" US "--need-app" US "--die-on-term" US "--no-orphans" US \
            "--strict" US "--socket" US run "/app.sock" US "--chmod-socket=600" US \
            "--processes" US WWW["workers"] US "--threads" US WWW["threads"] US \
            "--module" US WWW["app"] US "--reload-mercy" US grace US "--worker-reload-mercy" US grace US
        # like gunicorn, which puts its working directory on sys.path
        if (ENVIRON["PWD"] ~ /^\//) s = s "--pythonpath" US ENVIRON["PWD"] US
        venv = ENVIRON["VIRTUAL_ENV"]
        if (venv != "") s = s "--virtualenv" US venv US
    } else {
        s = "gunicorn" US "--bind" US "unix:" run "/app.sock" US "--workers" US WWW["workers"] US \
            "--threads" US WWW["threads"] US "--graceful-timeout" US grace US WWW["app"] US
    }
    printf "%s", s
    print_expanded(WWW["args"], "www-args")
}

# --- cron -----------------------------------------------------------------------------------------------

# "" when the schedule is valid, else what is wrong with it.
function cron_check(sched,    f, n, i, r) {
    if (sched ~ /^@/) return (sched in CRON_ALIAS) ? "" : "unknown shorthand (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @reboot)"
    n = split(sched, f, /[ \t]+/)
    if (f[1] == "") { for (i = 1; i < n; i++) f[i] = f[i + 1]; n-- }
    if (f[n] == "") n--
    if (n != 5) return "needs 5 fields (minute hour day-of-month month day-of-week)"
    for (i = 1; i <= 5; i++) if ((r = cron_field(f[i], i, -1)) != "") return r
    return ""
}

function cron_init(    i) {
    CRON_ALIAS["@yearly"] = "0 0 1 1 *"; CRON_ALIAS["@annually"] = "0 0 1 1 *"
    CRON_ALIAS["@monthly"] = "0 0 1 * *"; CRON_ALIAS["@weekly"] = "0 0 * * 0"
    CRON_ALIAS["@daily"] = "0 0 * * *"; CRON_ALIAS["@midnight"] = "0 0 * * *"
    CRON_ALIAS["@hourly"] = "0 * * * *"; CRON_ALIAS["@reboot"] = "@reboot"
    split("0 0 1 1 0", CRON_LO, " "); split("59 23 31 12 7", CRON_HI, " ")
    split("jan feb mar apr may jun jul aug sep oct nov dec", MONTHS, " ")
    split("sun mon tue wed thu fri sat", DAYS, " ")
    for (i = 1; i <= 12; i++) CRON_NAME[4, MONTHS[i]] = i
    for (i = 1; i <= 7; i++) CRON_NAME[5, DAYS[i]] = i - 1
}

function cron_value(s, field) {
    s = tolower(s)
    if ((field, s) in CRON_NAME) return CRON_NAME[field, s]
    if (s ~ /^[0-9]+$/) return s + 0
    return -1
}

# Checks one field (value < 0) or tells whether it matches value: "" / "match" / "no", or a problem.
function cron_field(spec, field, value,    items, n, i, item, step, range, lo, hi, p, v, any) {
    n = split(spec, items, ",")
    any = 0
    for (i = 1; i <= n; i++) {
        item = items[i]
        step = 1
        if ((p = index(item, "/")) > 0) {
            step = substr(item, p + 1)
            item = substr(item, 1, p - 1)
            if (step !~ /^[0-9]+$/ || step + 0 == 0) return "bad step in '" spec "'"
            step += 0
        }
        if (item == "*") {
            lo = CRON_LO[field]; hi = CRON_HI[field]
            if (field == 5) hi = 6
        } else if ((p = index(item, "-")) > 0) {
            lo = cron_value(substr(item, 1, p - 1), field)
            hi = cron_value(substr(item, p + 1), field)
        } else {
            # N/S means from N to the end, every S
            lo = cron_value(item, field)
            hi = index(items[i], "/") > 0 ? CRON_HI[field] : lo
        }
        if (lo < CRON_LO[field] || hi > CRON_HI[field] || lo < 0 || hi < 0 || lo > hi)
            return "'" spec "' is out of range " CRON_LO[field] "-" CRON_HI[field]
        if (value >= 0) {
            for (v = lo; v <= hi; v += step) {
                if (v == value || (field == 5 && v == 7 && value == 0)) any = 1
            }
        }
    }
    if (value < 0) return ""
    return any ? "match" : "no"
}

# Whether a schedule is due at NOW (minute hour day month weekday, as numbers).
function cron_due(sched, now,    f, t, n, i, dom, dow) {
    if (sched == "@reboot") return 0
    if (sched in CRON_ALIAS) sched = CRON_ALIAS[sched]
    n = split(sched, f, /[ \t]+/)
    if (f[1] == "") { for (i = 1; i < n; i++) f[i] = f[i + 1] }
    split(now, t, " ")
    if (cron_field(f[1], 1, t[1] + 0) != "match") return 0
    if (cron_field(f[2], 2, t[2] + 0) != "match") return 0
    if (cron_field(f[4], 4, t[4] + 0) != "match") return 0
    dom = cron_field(f[3], 3, t[3] + 0) == "match"
    dow = cron_field(f[5], 5, t[5] + 0) == "match"
    # like Vixie cron: when both day fields are restricted, either one matching is enough
    if (f[3] !~ /^\*/ && f[5] !~ /^\*/) return dom || dow
    return dom && dow
}

# The numbers of the jobs due now (or, with ARG2 = "reboot", the @reboot jobs), each followed by US.
function cron_due_list(now, reboot,    i, s) {
    s = ""
    for (i = 1; i <= NCRON; i++) {
        if (reboot ? CRON_SCHED[i] == "@reboot" : cron_due(CRON_SCHED[i], now)) s = s i US
    }
    printf "%s", s
}

# Checks that every job's command expands now (the environment does not change later) and lists them.
function cron_list(    i) {
    if (NCRON == 0) fail("cron: no scheduled jobs are configured", 78)
    for (i = 1; i <= NCRON; i++) {
        check_expands(CRON_WORDS[i], "cron job " i)
        printf "grocker-entrypoint: cron: job %d: %s %s\n", i, CRON_SCHED[i], shown(CRON_WORDS[i])
    }
}

# --- dispatch -------------------------------------------------------------------------------------------

function words(what, which,    list) {
    if (what == "service") {
        if (!(which in SVC_KIND) || SVC_KIND[which] != "exec") fail("no exec service " which, 78)
        print_expanded(SVC_WORDS[which], "service " which)
    } else if (what == "prestart") {
        print_expanded(PRE[which + 0], "prestart command " which)
    } else if (what == "cron") {
        print_expanded(CRON_WORDS[which + 0], "cron job " which)
    } else fail("unknown word list " what, 70)
}

BEGIN {
    init_tables()
    cron_init()
    FILES = ENVIRON["GROCKER_EP_FILES"]
    delete ENVIRON["GROCKER_EP_FILES"]
    op = ENVIRON["GROCKER_EP_OP"]
    arg = ENVIRON["GROCKER_EP_ARG"]
    arg2 = ENVIRON["GROCKER_EP_ARG2"]
    NEWLINE_AT_END = ENVIRON["GROCKER_EP_NL"] == "1"
    # templates and commands see the container's environment, not the variables of this call
    if (ENVIRON["GROCKER_EP_LC_ALL"] == "") delete ENVIRON["LC_ALL"]
    else ENVIRON["LC_ALL"] = substr(ENVIRON["GROCKER_EP_LC_ALL"], 2)
    split("FILES OP ARG ARG2 NL LC_ALL", internal, " ")
    for (i = 1; i in internal; i++) {
        if (internal[i] != "FILES") delete ENVIRON["GROCKER_EP_" internal[i]]
    }
    if (op == "render") {
        render(arg)
        exit 0
    }
    load()
    if (op == "resolve") resolve(arg, arg2 == "1")
    else if (op == "help") help()
    else if (op == "words") words(arg, arg2)
    else if (op == "templates") {
        for (i = 1; i <= NTPL; i++) printf "%s%s%s%s%s%s", TPL_SRC[i], US, TPL_DEST[i], US, TPL_MODE[i], US
    }
    else if (op == "prestart-count") print NPRE + 0
    else if (op == "nginx-conf") nginx_conf(arg)
    else if (op == "www-argv") www_argv(arg, arg2 + 0)
    else if (op == "cron-list") cron_list()
    else if (op == "cron-due") cron_due_list(arg, arg2 == "reboot")
    else if (op == "scripts") printf "%s", SCRIPTS
    else fail("unknown operation " op, 70)
    exit 0
}
