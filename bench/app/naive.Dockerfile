# The naive peer of bench/app/app.yaml, written by hand as a team would without Grocker: one stage,
# FROM the same Python base, with the build dependencies installed and left in the image, and
# `pip install` from the same index. bench/grocker.sh builds it with the classic builder.
#   BASE       the Python base image (bench/app/base.yaml)
#   INDEX_URL  the PEP 503 index serving the sample sdists
#   PROJECT    the application's requirement without its version (grocker-sample[web], grocker-heavy)
#   VERSION    its version
#   COMMAND    its console script, the entrypoint
# The sdists build with setuptools and wheel, which the index does not have: pip's isolated build
# environments take them from Debian's wheels in /usr/share/python-wheels (--find-links).
# INDEX_URL and VERSION are declared right before the pip step, so that a new version (or a new
# index port) rebuilds that step only and the apt layer stays cached.
ARG BASE
FROM ${BASE}
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends gcc libc6-dev python3-dev python3-venv \
      python3-pip-whl python3-setuptools-whl python3-wheel-whl \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN groupadd --gid 1001 app \
 && useradd --uid 1001 --gid app --create-home --shell /bin/bash app
# the console script the image runs (the target comes with the venv below)
ARG COMMAND=grocker-sample
RUN mkdir -p /opt/app && ln -s "/opt/app/venv/bin/$COMMAND" /opt/app/entrypoint
RUN python3 -m venv /opt/app/venv
ARG INDEX_URL
ARG PROJECT="grocker-sample[web]"
ARG VERSION=1.0.0
RUN PIP_DISABLE_PIP_VERSION_CHECK=1 /opt/app/venv/bin/pip install --no-cache-dir \
      --index-url "$INDEX_URL" --find-links /usr/share/python-wheels "$PROJECT==$VERSION"
ENV VIRTUAL_ENV=/opt/app/venv PATH=/opt/app/venv/bin:$PATH
USER 1001:1001
ENTRYPOINT ["/opt/app/entrypoint"]
