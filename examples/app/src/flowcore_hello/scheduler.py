"""The scheduler service: says what it would schedule, then exits."""
import argparse

from . import __version__


def main() -> None:
    parser = argparse.ArgumentParser(prog="flowcore-hello scheduler")
    parser.add_argument("--every", type=int, default=60, help="seconds between runs")
    args = parser.parse_args()
    print(f"scheduler: flowcore-hello {__version__} would run the worker every {args.every}s", flush=True)


if __name__ == "__main__":
    main()
