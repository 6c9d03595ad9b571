"""The www service: a WSGI application served by the standard library on $PORT."""
import json
import os
from wsgiref.simple_server import make_server

from . import greeting


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/health":
        body = json.dumps({"status": "ok"}).encode()
    else:
        body = (greeting(os.environ.get("FLOWCORE_ENV", "unset")) + "\n").encode()
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def main() -> None:
    port = int(os.environ.get("PORT", "5000"))
    with make_server("0.0.0.0", port, app) as server:
        print(f"www: listening on :{port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
