# Loom python-base written by hand: what examples/loom/loom.yaml (image python-base) builds: Debian's Python
# with a venv in /app/.venv that sees the system's packages, the build tools and utilities the spec lists, the
# package index for pip (INDEX_URL, as the spec's python.indexUrl), the environment, a non-root user and a
# health check.
# Build context: a directory holding healthcheck.py (mode 0755) from examples/loom/.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends python3 python3-venv ca-certificates gcc libc6-dev curl \
      netcat-openbsd tzdata \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN groupadd --gid 1000 appuser \
 && useradd --uid 1000 --gid appuser --create-home --shell /bin/bash appuser
RUN mkdir -p /app && python3 -m venv --system-site-packages /app/.venv \
 && chown -R 1000:1000 /app
ARG INDEX_URL
ENV VIRTUAL_ENV=/app/.venv PATH=/app/.venv/bin:$PATH PIP_INDEX_URL=${INDEX_URL} PIP_TRUSTED_HOST=127.0.0.1
COPY healthcheck.py /usr/local/bin/healthcheck
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 TZ=UTC
WORKDIR /app
LABEL org.opencontainers.image.title="python-base" org.opencontainers.image.version="3.11"
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/healthcheck"]
USER 1000:1000
