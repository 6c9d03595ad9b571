"""The cron job: one line per run, on stdout and in the media directory's ticks.log."""
import os
import time

from . import MEDIA, greeting


def main() -> None:
    line = f"tick: {greeting(os.environ.get('FLOWCORE_ENV', 'unset'))} at {int(time.time())} as uid {os.getuid()}"
    print(line, flush=True)
    with open(os.path.join(MEDIA, "ticks.log"), "a", encoding="utf-8") as log:
        log.write(line + "\n")


if __name__ == "__main__":
    main()
