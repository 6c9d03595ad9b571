"""``python -m grocker_sample_web.serve [--bind HOST:PORT]`` serves ``grocker_sample_web.app`` with wsgiref.

The default address is 127.0.0.1:8000. It prints ``serving on HOST:PORT`` once listening.
"""

import argparse
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from grocker_sample_web import app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grocker_sample_web.serve")
    parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (default 127.0.0.1:8000)")
    args = parser.parse_args(argv)
    host, _, port = args.bind.rpartition(":")
    with make_server(host or "127.0.0.1", int(port), app, handler_class=_QuietHandler) as server:
        print("serving on %s:%d" % server.server_address[:2], flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
