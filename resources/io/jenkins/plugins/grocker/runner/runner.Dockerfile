# Rendered by Grocker Pipeline for {{app}} {{version}} on {{platform}}. Change the spec, not this file.
# Stage 1 installs the wheels into a virtual environment; only that environment reaches the runner.
FROM {{from}} AS install
USER root
COPY grocker/install-wheels grocker/apt-install /usr/local/lib/grocker/
RUN ["/usr/local/lib/grocker/install-wheels", "--prepare"]
COPY wheels/ /tmp/grocker/wheels/
RUN ["/usr/local/lib/grocker/install-wheels", {{install}}]

FROM {{from}}
USER root
ARG DEBIAN_FRONTEND=noninteractive
COPY grocker/ /usr/local/lib/grocker/
RUN ["/usr/local/lib/grocker/apt-install", {{packages}}]
{{#user}}
RUN ["/usr/local/lib/grocker/add-user", {{user}}]
{{/user}}
COPY --from=install {{venv}} {{venv}}
COPY entrypoint/ {{entrypointDir}}/
COPY entrypoint.conf {{fragment}}
{{#templates}}
COPY templates/ /etc/grocker/templates/
{{/templates}}
{{#dirs}}
RUN ["/usr/local/lib/grocker/make-dirs", {{dirs}}]
{{/dirs}}
ENV VIRTUAL_ENV={{venv}} PATH={{venv}}/bin:$PATH
{{#env}}
ENV {{env}}
{{/env}}
{{#workdir}}
WORKDIR {{workdir}}
{{/workdir}}
LABEL {{labels}}
{{#ports}}
EXPOSE {{ports}}
{{/ports}}
{{#volumes}}
VOLUME [{{volumes}}]
{{/volumes}}
{{#healthcheck}}
HEALTHCHECK {{healthcheck}}
{{/healthcheck}}
USER {{finalUser}}
ENTRYPOINT [{{entrypoint}}]
CMD []
