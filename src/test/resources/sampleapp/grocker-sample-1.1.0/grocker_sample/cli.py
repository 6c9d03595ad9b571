"""The ``grocker-sample`` console script (also ``python -m grocker_sample``)."""

from grocker_sample_helper import describe

from grocker_sample import __version__
from grocker_sample._fastmath import sum_of_squares


def line():
    total = sum_of_squares(1000)
    return "grocker-sample {}: sum_of_squares(1000)={} ({})".format(__version__, total, describe(total))


def main():
    print(line(), flush=True)
    return 0
