# The strongest peer of bench/app/app.yaml a team could write by hand without Grocker: multi-stage, FROM
# the same Python base, with a dependency layer of its own. The build stage has the compilers; the
# dependencies (pinned, as a lock file would pin them) are installed into the venv in a step that comes
# before the application's version, so a version bump reuses it from the layer cache; the application
# is installed with --no-deps into a prefix of its own, and the runtime stage copies the venv (the
# dependency layer) and then that prefix (the application layer) onto the base. No compiler reaches the
# runtime stage; pip does (the venv's own). bench/grocker.sh builds it with the classic builder.
#   BASE       the Python base image (bench/app/base.yaml)
#   INDEX_URL  the PEP 503 index serving the sample sdists
#   DEPS       the dependencies, pinned (space-separated requirements)
#   NAME       the application's project name (grocker-sample, grocker-heavy)
#   VERSION    its version
#   COMMAND    its console script, the entrypoint
ARG BASE
FROM ${BASE} AS build
USER root
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -q --no-install-recommends gcc libc6-dev python3-dev python3-venv \
      python3-pip-whl python3-setuptools-whl python3-wheel-whl \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
RUN python3 -m venv /opt/app/venv
ARG INDEX_URL
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
ARG DEPS="grocker-sample-helper==1.0.0 grocker-sample-web==1.0.0"
RUN /opt/app/venv/bin/pip install --index-url "$INDEX_URL" --find-links /usr/share/python-wheels $DEPS
ARG NAME=grocker-sample
ARG VERSION=1.0.0
RUN /opt/app/venv/bin/pip install --no-deps --prefix /opt/app/prefix --index-url "$INDEX_URL" \
      --find-links /usr/share/python-wheels "$NAME==$VERSION"

FROM ${BASE}
USER root
RUN groupadd --gid 1001 app \
 && useradd --uid 1001 --gid app --create-home --shell /bin/bash app
# the console script the image runs (the target comes with the venv below)
ARG COMMAND=grocker-sample
RUN mkdir -p /opt/app && ln -s "/opt/app/venv/bin/$COMMAND" /opt/app/entrypoint
COPY --from=build /opt/app/venv /opt/app/venv
COPY --from=build /opt/app/prefix/ /opt/app/venv/
ENV VIRTUAL_ENV=/opt/app/venv PATH=/opt/app/venv/bin:$PATH
USER 1001:1001
ENTRYPOINT ["/opt/app/entrypoint"]
