# Loom kafka-python-base written by hand: python-base plus Debian's python3-kafka.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends python3-kafka \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
LABEL org.opencontainers.image.title="kafka-python-base" org.opencontainers.image.version="3.11"
USER 1000:1000
