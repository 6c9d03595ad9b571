"""The www service's WSGI application (served by uwsgi behind nginx; `python -m flowcore_hello.web` serves it alone).

/          a greeting
/health    {"status": "ok"}
/report    the report the ops script wrote, sent by nginx from the media directory (X-Accel-Redirect)
/static/   files of flowcore_hello/static, served by nginx itself
"""
import json
import os
from wsgiref.simple_server import make_server

from . import MEDIA, greeting

REPORT = "report.txt"


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        return _answer(start_response, "200 OK", json.dumps({"status": "ok"}), "application/json")
    if path == "/report":
        if not os.path.exists(os.path.join(MEDIA, REPORT)):
            return _answer(start_response, "404 Not Found", "no report yet: run the ops script 'report'\n")
        # nginx sends the file itself; the application only names it
        start_response("200 OK", [("X-Accel-Redirect", "/_media/" + REPORT), ("Content-Type", "text/plain; charset=utf-8")])
        return [b""]
    return _answer(start_response, "200 OK", greeting(os.environ.get("FLOWCORE_ENV", "unset")) + "\n")


def _answer(start_response, status, body, content_type="text/plain; charset=utf-8"):
    data = body.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


def main() -> None:
    port = int(os.environ.get("PORT", "5000"))
    with make_server("0.0.0.0", port, app) as server:
        print(f"www: listening on :{port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
