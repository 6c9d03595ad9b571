# Loom python-base written by hand: what examples/loom/loom.yaml (image python-base) builds.
# Build context: a directory holding healthcheck.py (mode 0755) from examples/loom/.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends python3 python3-venv ca-certificates tzdata \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN groupadd --gid 1000 appuser \
 && useradd --uid 1000 --gid appuser --create-home --shell /bin/bash appuser
RUN python3 -m venv --system-site-packages /opt/venv \
 && chown -R 1000:1000 /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
COPY healthcheck.py /usr/local/bin/healthcheck
RUN mkdir -p /app && chown 1000:1000 /app
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 TZ=UTC
WORKDIR /app
LABEL org.opencontainers.image.title="python-base" org.opencontainers.image.version="3.11"
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/healthcheck"]
USER 1000:1000
