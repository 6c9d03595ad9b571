# FlowCore development image written by hand: what image flowcore-dev of examples/flowcore/flowcore.yaml builds.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends \
      sudo gcc g++ make automake pkg-config libc6-dev python3-dev nim rustc cargo git gettext \
      libpq-dev default-libmysqlclient-dev libsqlite3-dev freetds-dev libblas-dev liblapack-dev gfortran \
      libcairo2-dev libpango1.0-dev libgdk-pixbuf-2.0-dev libjpeg62-turbo-dev zlib1g-dev \
      libffi-dev libssl-dev libxml2-dev libxslt1-dev libyaml-dev libgeos-dev libmemcached-dev libmagic-dev libexempi-dev \
      python3-venv python3-setuptools-whl python3-wheel-whl \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN echo 'troc ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/troc \
 && chmod 0440 /etc/sudoers.d/troc
RUN /code/venv/bin/python -m ensurepip --default-pip >/dev/null \
 && PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 /code/venv/bin/pip install --no-compile \
      --no-index --find-links /usr/share/python-wheels pip setuptools wheel \
 && find /code/venv -name __pycache__ -prune -exec rm -rf {} + \
 && chown -R 1000:1000 /code/venv
LABEL org.opencontainers.image.title="flowcore-dev" \
      org.opencontainers.image.description="FlowCore - Base Image for Navigator Applications (development and build image)"
USER 1000:1000
