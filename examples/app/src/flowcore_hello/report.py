"""The ops report: writes report.txt into the media directory, where www serves it (/report)."""
import argparse
import os

from . import MEDIA, greeting


def main() -> None:
    parser = argparse.ArgumentParser(prog="ops report")
    parser.add_argument("title", nargs="?", default="daily")
    args = parser.parse_args()
    text = f"report '{args.title}' by {greeting(os.environ.get('FLOWCORE_ENV', 'unset'))}\n"
    with open(os.path.join(MEDIA, "report.txt"), "w", encoding="utf-8") as report:
        report.write(text)
    print(f"ops: wrote {os.path.join(MEDIA, 'report.txt')}: {text.strip()}", flush=True)


if __name__ == "__main__":
    main()
