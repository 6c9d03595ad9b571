# Rendered by Grocker Pipeline: the dependency image of {{app}} on {{platform}} (Python {{python}}, {{venvWhat}}).
# Change the spec, not this file. Nothing here depends on the application's version: every version of the
# application is built on this image, which is built and pushed once per set of dependency wheels.
# Stage 1 installs every wheel but the application's with Debian's python3-installer; only the installed tree
# reaches the image, as its last layer.
FROM {{from}} AS install
USER root
COPY grocker/install-wheels grocker/apt-install /usr/local/lib/grocker/
RUN ["/usr/local/lib/grocker/install-wheels", "--prepare"]
{{#wheels}}
COPY wheels/ /tmp/grocker/wheels/
{{/wheels}}
RUN ["/usr/local/lib/grocker/install-wheels", {{install}}]

FROM {{from}}
USER root
ARG DEBIAN_FRONTEND=noninteractive
COPY grocker/apt-install grocker/add-user grocker/make-dirs /usr/local/lib/grocker/
RUN ["/usr/local/lib/grocker/apt-install", {{packages}}]
{{#user}}
RUN ["/usr/local/lib/grocker/add-user", {{user}}]
{{/user}}
COPY entrypoint/ {{entrypointDir}}/
{{#templates}}
COPY templates/ /etc/grocker/templates/
{{/templates}}
{{#scripts}}
COPY scripts/ {{scripts}}/
{{/scripts}}
RUN ["/usr/local/lib/grocker/make-dirs", {{dirs}}]
{{#workdir}}
WORKDIR {{workdir}}
{{/workdir}}
COPY --from=install /tmp/grocker/root/ /
