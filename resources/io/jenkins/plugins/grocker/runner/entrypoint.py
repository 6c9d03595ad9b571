"""Grocker runner entrypoint: started by tini as PID 1's child, replaces itself with the application.

    entrypoint.py                      the default service
    entrypoint.py SERVICE [ARGS...]    that service's command, ARGS appended
    entrypoint.py COMMAND [ARGS...]    any other command, looked up in PATH
    entrypoint.py help | --help | -h   the services (unless that word is itself a service)

The configuration, written when the image is built, is read from /etc/grocker/entrypoint.json (or the
file named by GROCKER_ENTRYPOINT_CONFIG). Before anything is started the required environment variables
are checked and the templates are rendered; then the command is exec'd, so the application receives
the signals tini forwards. Environment values are never printed.

Exit codes of the entrypoint itself (any other code is the application's):
    64   no command given and no default service
    73   a template destination cannot be created or written
    78   invalid configuration, missing environment variable, template error
    126  the command cannot be executed
    127  the command was not found
    141  help output cut short (broken pipe)

Standard library only (Python 3.9+).
"""

import json
import os
import re
import shlex
import signal
import string
import sys
import tempfile

PROG = "grocker-entrypoint"
DEFAULT_CONFIG = "/etc/grocker/entrypoint.json"
HELP_WORDS = ("help", "--help", "-h")

EX_OK = 0
EX_USAGE = 64
EX_CANTCREAT = 73
EX_CONFIG = 78
EX_NOEXEC = 126
EX_NOTFOUND = 127

# $$, $NAME or ${NAME}; anything else after a $ is left as it is (like os.path.expandvars).
_VAR = re.compile(r"\$(?:(\$)|([A-Za-z0-9_]+)|\{([^}]*)\})")


class Failure(Exception):
    """An error ending the entrypoint with one line on stderr and an exit code."""

    def __init__(self, message, code=EX_CONFIG):
        super().__init__(message)
        self.message = message
        self.code = code


def fail(message, code=EX_CONFIG):
    raise Failure(message, code)


# --- configuration ---------------------------------------------------------------------------------

def _string_list(value, what):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail("invalid configuration: %s must be a list of strings" % what)
    return list(value)


def load_config(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        fail("configuration file %s not found" % path)
    except (OSError, UnicodeDecodeError) as e:
        fail("cannot read configuration file %s: %s" % (path, getattr(e, "strerror", None) or e))
    except ValueError as e:  # json.JSONDecodeError: position only, never content
        fail("invalid configuration file %s: %s" % (path, e))
    if not isinstance(raw, dict):
        fail("invalid configuration file %s: not a JSON object" % path)

    config = {
        "app": raw.get("app") or "app",
        "version": raw.get("version") or "",
        "default": raw.get("default"),
        "services": {},
        "requiredEnv": [],
        "serviceEnv": {},
        "templates": [],
    }
    if not isinstance(config["app"], str) or not isinstance(config["version"], str):
        fail("invalid configuration: app and version must be strings")

    services = raw.get("services") or {}
    if not isinstance(services, dict):
        fail("invalid configuration: services must map names to commands")
    for name, command in services.items():
        if isinstance(command, str):
            config["services"][name] = command
        elif isinstance(command, list) and command and all(isinstance(w, str) for w in command):
            config["services"][name] = list(command)
        else:
            fail("invalid configuration: service %s must be a string or a non-empty list of strings" % name)

    default = config["default"]
    if default is not None and (not isinstance(default, str) or default not in config["services"]):
        fail("invalid configuration: default %r is not one of the services" % (default,))

    config["requiredEnv"] = _string_list(raw.get("requiredEnv") or [], "requiredEnv")

    service_env = raw.get("serviceEnv") or {}
    if not isinstance(service_env, dict):
        fail("invalid configuration: serviceEnv must map service names to lists of variable names")
    for name, names in service_env.items():
        config["serviceEnv"][name] = _string_list(names, "serviceEnv.%s" % name)

    templates = raw.get("templates") or []
    if not isinstance(templates, list):
        fail("invalid configuration: templates must be a list")
    for i, t in enumerate(templates):
        if not isinstance(t, dict) or not isinstance(t.get("source"), str) or not isinstance(t.get("destination"), str) \
                or not t["source"] or not t["destination"]:
            fail("invalid configuration: templates[%d] needs a source and a destination" % i)
        mode = t.get("mode", "0644")
        if not isinstance(mode, str) or not re.fullmatch(r"0?[0-7]{3,4}", mode):
            fail("invalid configuration: templates[%d].mode must be an octal string such as \"0644\"" % i)
        config["templates"].append({"source": t["source"], "destination": t["destination"], "mode": int(mode, 8)})
    return config


# --- what to run -----------------------------------------------------------------------------------

def expand(text, service):
    """Expands $NAME and ${NAME} from the environment ($$ is a $); an unset variable is an error."""

    def replace(m):
        if m.group(1):
            return "$"
        name = m.group(2) if m.group(2) is not None else m.group(3)
        if m.group(3) is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            fail("service %s: invalid variable reference ${%s}" % (service, name))
        if name not in os.environ:
            fail("service %s: environment variable %s is not set" % (service, name))
        return os.environ[name]

    return _VAR.sub(replace, text)


def service_command(config, service):
    command = config["services"][service]
    if isinstance(command, list):
        return list(command)
    expanded = expand(command, service)
    try:
        words = shlex.split(expanded)
    except ValueError as e:  # the message names the problem, not the text
        fail("service %s: cannot split the command: %s" % (service, e))
    if not words:
        fail("service %s: the command is empty" % service)
    return words


def missing_env(config, service):
    names = list(config["requiredEnv"])
    if service is not None:
        names += config["serviceEnv"].get(service, [])
    missing = []
    for name in names:
        if not os.environ.get(name) and name not in missing:
            missing.append(name)
    return missing


# --- templates -------------------------------------------------------------------------------------

def render_template(template):
    source, destination, mode = template["source"], template["destination"], template["mode"]
    try:
        with open(source, "r", encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        fail("template %s: cannot read it: %s" % (source, getattr(e, "strerror", None) or e))
    try:
        rendered = string.Template(text).substitute(os.environ)
    except KeyError as e:
        fail("template %s: environment variable %s is not set" % (source, e.args[0]))
    except ValueError as e:  # "Invalid placeholder in string: line N, col M"
        fail("template %s: %s" % (source, e))

    directory = os.path.dirname(os.path.abspath(destination))
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        fail("template %s: cannot create directory %s: %s" % (source, directory, e.strerror or e), EX_CANTCREAT)
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK | os.X_OK):
        fail("template %s: directory %s is not writable" % (source, directory), EX_CANTCREAT)

    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(destination) + ".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(rendered)
            f.flush()
            os.fchmod(f.fileno(), mode)  # not subject to the umask
            os.fsync(f.fileno())
        os.replace(tmp, destination)
        tmp = None
    except OSError as e:
        fail("template %s: cannot write %s: %s" % (source, destination, e.strerror or e), EX_CANTCREAT)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


# --- help ------------------------------------------------------------------------------------------

def print_help(config):
    out = sys.stdout
    title = ("%s %s" % (config["app"], config["version"])).strip()
    out.write("%s - Grocker runner entrypoint\n\n" % title)
    out.write("Usage: [SERVICE [ARGS...]] | [COMMAND [ARGS...]]\n\n")
    out.write("Services:\n")
    if not config["services"]:
        out.write("  (none)\n")
    width = max([len(n) for n in config["services"]] + [0])
    for name, command in config["services"].items():
        shown = command if isinstance(command, str) else shlex.join(command)
        marker = " (default)" if name == config["default"] else ""
        out.write("  %-*s  %s%s\n" % (width, name, shown, marker))
        extra = config["serviceEnv"].get(name)
        if extra:
            out.write("  %-*s  requires: %s\n" % (width, "", ", ".join(extra)))
    out.write("\nDefault: %s\n" % (config["default"] or "(none)"))
    out.write("Required environment: %s\n" % (", ".join(config["requiredEnv"]) or "(none)"))
    out.flush()


# --- main ------------------------------------------------------------------------------------------

def run(argv):
    config = load_config(os.environ.get("GROCKER_ENTRYPOINT_CONFIG") or DEFAULT_CONFIG)
    services = config["services"]

    if not argv:
        if config["default"] is None:
            fail("no command given and no default service", EX_USAGE)
        service, extra = config["default"], []
    elif argv[0] in services:
        service, extra = argv[0], argv[1:]
    elif argv[0] in HELP_WORDS:
        print_help(config)
        return EX_OK
    else:
        service, extra = None, argv

    missing = missing_env(config, service)
    if missing:
        fail("missing required environment variables: " + ", ".join(missing))

    command = service_command(config, service) + extra if service is not None else list(extra)
    if not command[0]:
        fail("the command is empty", EX_USAGE)

    for template in config["templates"]:
        render_template(template)

    if os.environ.get("GROCKER_ENTRYPOINT_QUIET") != "1":
        what = service if service is not None else command[0]
        label = ("%s %s" % (config["app"], config["version"])).strip()
        sys.stderr.write("%s: starting %s (%s)\n" % (PROG, what, label))

    exec_command(command)
    return EX_NOEXEC  # not reached


def exec_command(command):
    sys.stdout.flush()
    sys.stderr.flush()
    # Python ignores SIGPIPE and SIGXFSZ; ignored dispositions survive exec, so give the
    # application the defaults it would have had without us.
    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        os.execvp(command[0], command)
    except FileNotFoundError:
        fail("%s: command not found" % command[0], EX_NOTFOUND)
    except NotADirectoryError:
        fail("%s: command not found" % command[0], EX_NOTFOUND)
    except PermissionError:
        fail("%s: permission denied" % command[0], EX_NOEXEC)
    except OSError as e:
        fail("%s: cannot execute: %s" % (command[0], e.strerror or e), EX_NOEXEC)


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Failure as e:
        try:
            sys.stdout.flush()
        except OSError:
            pass
        sys.stderr.write("%s: %s\n" % (PROG, e.message))
        sys.stderr.flush()
        return e.code
    except BrokenPipeError:  # help piped into head: no traceback, the status a SIGPIPE death would give
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 128 + signal.SIGPIPE
    except KeyboardInterrupt:
        return 128 + signal.SIGINT


if __name__ == "__main__":
    sys.exit(main())
