"""Sample application of the Grocker Pipeline tests."""

__version__ = "1.1.0"
