"""flowcore-hello: the example application of Grocker Pipeline."""

__version__ = "1.0.0"


def greeting(environment: str) -> str:
    return f"flowcore-hello {__version__} ({environment})"
