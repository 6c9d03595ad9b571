# FlowCore runtime image written by hand: what image flowcore of examples/flowcore/flowcore.yaml builds.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends \
      python3 locales \
      ca-certificates curl libffi8 libssl3 libpq5 libxml2 libxslt1.1 libjpeg62-turbo zlib1g \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN printf '%s UTF-8\n' en_US.UTF-8 es_ES.UTF-8 zh_CN.UTF-8 zh_TW.UTF-8 fr_FR.UTF-8 \
      de_DE.UTF-8 tr_TR.UTF-8 ja_JP.UTF-8 ko_KR.UTF-8 >/etc/locale.gen \
 && locale-gen
ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8
RUN groupadd --gid 1000 troc \
 && useradd --uid 1000 --gid troc --create-home --shell /bin/bash troc
RUN python3 -m venv --without-pip /code/venv \
 && chown -R 1000:1000 /code/venv
ENV VIRTUAL_ENV=/code/venv PATH=/code/venv/bin:$PATH
RUN mkdir -p /code /var/log/troc && chown 1000:1000 /code /var/log/troc
ENV SITE_ROOT=/code
WORKDIR /code
LABEL org.opencontainers.image.title="flowcore" org.opencontainers.image.version="3.11" \
      org.opencontainers.image.description="FlowCore Python 3.11 runtime base (Debian bookworm)"
EXPOSE 5000
USER 1000:1000
