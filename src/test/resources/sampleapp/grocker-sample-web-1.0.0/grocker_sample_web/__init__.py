"""Services of the Grocker Pipeline sample application.

``app`` is a WSGI callable (for ``gunicorn grocker_sample_web:app`` or ``python -m grocker_sample_web.serve``);
``python -m grocker_sample_web.worker`` and ``python -m grocker_sample_web.scheduler`` print one line and exit.
"""

__version__ = "1.0.0"


def app_version():
    """The version of the installed grocker-sample distribution, or "unknown" without it."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # Python < 3.8
        return "unknown"
    try:
        return version("grocker-sample")
    except PackageNotFoundError:
        return "unknown"


def app(environ, start_response):
    """WSGI callable: every path answers ``grocker-sample web <installed grocker-sample version>``."""
    body = ("grocker-sample web " + app_version() + "\n").encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def worker():
    print("worker ok", flush=True)


def scheduler():
    print("scheduler ok", flush=True)
