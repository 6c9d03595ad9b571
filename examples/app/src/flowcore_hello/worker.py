"""The worker service: processes a batch of jobs and exits."""
import os

from . import greeting


def main() -> None:
    jobs = [n * n for n in range(1, 4)]
    print(f"worker: {greeting(os.environ.get('FLOWCORE_ENV', 'unset'))} processed {len(jobs)} jobs: {jobs}", flush=True)


if __name__ == "__main__":
    main()
