# FlowCore base written by hand: what examples/flowcore/flowcore.yaml builds.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends \
      python3 python3-venv locales sudo \
      ca-certificates curl git gettext gcc g++ make pkg-config libc6-dev python3-dev python3-wheel-whl \
      libffi-dev libssl-dev libpq-dev libxml2-dev libxslt1-dev libjpeg62-turbo-dev zlib1g-dev \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN printf '%s UTF-8\n' en_US.UTF-8 es_ES.UTF-8 zh_CN.UTF-8 zh_TW.UTF-8 fr_FR.UTF-8 \
      de_DE.UTF-8 tr_TR.UTF-8 ja_JP.UTF-8 ko_KR.UTF-8 >/etc/locale.gen \
 && locale-gen
ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8
RUN groupadd --gid 1000 troc \
 && useradd --uid 1000 --gid troc --create-home --shell /bin/bash troc \
 && echo 'troc ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/troc \
 && chmod 0440 /etc/sudoers.d/troc
RUN python3 -m venv /code/venv \
 && PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 /code/venv/bin/pip install --no-compile \
      --no-index --find-links /usr/share/python-wheels setuptools wheel \
 && find /code/venv -name __pycache__ -prune -exec rm -rf {} + \
 && chown -R 1000:1000 /code/venv
ENV VIRTUAL_ENV=/code/venv PATH=/code/venv/bin:$PATH
RUN mkdir -p /code /var/log/troc && chown 1000:1000 /code /var/log/troc
ENV SITE_ROOT=/code
WORKDIR /code
LABEL org.opencontainers.image.title="flowcore" org.opencontainers.image.version="3.11" \
      org.opencontainers.image.description="FlowCore Python 3.11 base (Debian bookworm)"
EXPOSE 5000
USER 1000:1000
