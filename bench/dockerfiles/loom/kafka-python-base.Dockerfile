# Loom kafka-python-base written by hand: python-base plus Debian's Kafka, logging and settings packages, and
# aiokafka and orjson from the package index python-base set (PIP_INDEX_URL), into its venv.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends python3-kafka python3-structlog python3-pydantic \
      python3-dotenv python3-dateutil \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
USER 1000:1000
RUN pip install --no-cache-dir --disable-pip-version-check aiokafka orjson
ENV LOOM_KAFKA_BOOTSTRAP_SERVERS=localhost:9092 LOOM_KAFKA_TOPIC_PREFIX="" LOOM_LOG_LEVEL=INFO
LABEL org.opencontainers.image.title="kafka-python-base" org.opencontainers.image.version="3.11"
