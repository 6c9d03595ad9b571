# Loom fastapi-base written by hand: kafka-python-base plus Debian's FastAPI, uvicorn and the service libraries.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends python3-fastapi python3-uvicorn python3-asyncpg python3-httpx \
      python3-prometheus-client python3-websockets \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV HEALTHCHECK_URL=http://127.0.0.1:8000/health
LABEL org.opencontainers.image.title="fastapi-base" org.opencontainers.image.version="3.11"
EXPOSE 8000
USER 1000:1000
