"""Pure-Python helper of the Grocker Pipeline sample application."""

__version__ = "1.0.0"


def describe(value):
    """Formats an integer with thousands separators and says who formatted it."""
    return "{:,} described by grocker-sample-helper {}".format(value, __version__)
