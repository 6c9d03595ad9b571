# FlowCore development image written by hand: what image flowcore-dev of examples/flowcore/flowcore.yaml builds.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends \
      sudo git gettext gcc g++ make pkg-config libc6-dev python3-dev python3-venv python3-wheel-whl \
      libffi-dev libssl-dev libpq-dev libxml2-dev libxslt1-dev libjpeg62-turbo-dev zlib1g-dev \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN echo 'troc ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/troc \
 && chmod 0440 /etc/sudoers.d/troc
RUN /code/venv/bin/python -m ensurepip --default-pip >/dev/null \
 && PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 /code/venv/bin/pip install --no-compile \
      --no-index --find-links /usr/share/python-wheels setuptools wheel \
 && find /code/venv -name __pycache__ -prune -exec rm -rf {} + \
 && chown -R 1000:1000 /code/venv
LABEL org.opencontainers.image.title="flowcore-dev" org.opencontainers.image.version="3.11" \
      org.opencontainers.image.description="FlowCore Python 3.11 development and build image (Debian bookworm)"
USER 1000:1000
