"""flowcore-hello: the example application of Grocker Pipeline."""
import os

__version__ = "1.0.0"

#: where the container keeps its media (a volume shared by www, cron and ops)
MEDIA = os.environ.get("FLOWCORE_MEDIA", "/media")


def greeting(environment: str) -> str:
    return f"flowcore-hello {__version__} ({environment})"
