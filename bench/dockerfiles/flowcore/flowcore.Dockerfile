# FlowCore runtime image written by hand: what image flowcore of examples/flowcore/flowcore.yaml builds.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends \
      python3 locales \
      postgresql-client libpq5 libmariadb3 sqlite3 libsqlite3-0 libsybdb5 \
      ca-certificates curl vim-tiny redis-tools chromium-driver \
      libblas3 liblapack3 libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libgdk-pixbuf-2.0-0 libjpeg62-turbo zlib1g \
      libffi8 libssl3 libxml2 libxslt1.1 libyaml-0-2 libgeos-c1v5 libmemcached11 libmagic1 exempi libexempi8 gunicorn \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN printf '%s UTF-8\n' en_US.UTF-8 es_ES.UTF-8 zh_CN.UTF-8 zh_TW.UTF-8 fr_FR.UTF-8 \
      de_DE.UTF-8 tr_TR.UTF-8 ja_JP.UTF-8 ko_KR.UTF-8 >/etc/locale.gen \
 && locale-gen
ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8
RUN groupadd --gid 1000 troc \
 && useradd --uid 1000 --gid troc --create-home --shell /bin/bash troc
RUN python3 -m venv --without-pip --system-site-packages /code/venv \
 && chown -R 1000:1000 /code/venv
ENV VIRTUAL_ENV=/code/venv
RUN mkdir -p /code /var/log/troc /home/troc/.ssh /home/ubuntu/symbits \
 && chown 1000:1000 /code /var/log/troc /home/troc/.ssh /home/ubuntu/symbits \
 && chmod 0700 /home/troc/.ssh
ENV SITE_ROOT=/code PATH=/code/venv/bin:/home/troc/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /code
LABEL maintainer="Navigator Team" org.opencontainers.image.title="flowcore" org.opencontainers.image.version="1.0" \
      org.opencontainers.image.description="FlowCore - Base Image for Navigator Applications" \
      org.opencontainers.image.vendor="Navigator Team"
EXPOSE 5000
USER 1000:1000
