#!/usr/bin/env python3
"""Container health check for the Loom images.

With HEALTHCHECK_URL set, the container is healthy when that URL answers 2xx within the timeout.
Without it, the interpreter and the venv must start and import the standard library.
Exit 0 healthy, 1 unhealthy (Docker's convention).
"""
import os
import sys
import urllib.request


def main() -> int:
    url = os.environ.get("HEALTHCHECK_URL")
    if not url:
        return 0 if sys.version_info >= (3, 8) else 1
    try:
        with urllib.request.urlopen(url, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "3"))) as answer:
            return 0 if 200 <= answer.status < 300 else 1
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
