# Loom fastapi-base written by hand: kafka-python-base plus Debian's FastAPI and uvicorn.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends python3-fastapi python3-uvicorn \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV HEALTHCHECK_URL=http://127.0.0.1:8000/health
LABEL org.opencontainers.image.title="fastapi-base" org.opencontainers.image.version="3.11"
EXPOSE 8000
USER 1000:1000
