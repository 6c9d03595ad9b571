# Rendered by Grocker Pipeline for image {{image}} on {{platform}}. Change the spec, not this file.
FROM {{from}}
{{#rootfs}}
ADD rootfs.tar /
{{/rootfs}}
{{#setup}}
USER root
ARG DEBIAN_FRONTEND=noninteractive
COPY grocker/ /usr/local/lib/grocker/
{{/setup}}
{{#packages}}
RUN ["/usr/local/lib/grocker/apt-install", {{packages}}]
{{/packages}}
{{#locales}}
RUN ["/usr/local/lib/grocker/gen-locales", {{locales}}]
ENV LANG={{lang}} LANGUAGE={{language}} LC_ALL={{lang}}
{{/locales}}
{{#user}}
RUN ["/usr/local/lib/grocker/add-user", {{user}}]
{{/user}}
{{#venv}}
RUN ["/usr/local/lib/grocker/make-venv", {{venv}}]
ENV VIRTUAL_ENV={{venvPath}} PATH={{venvPath}}/bin:$PATH
{{/venv}}
{{#requirements}}
{{requirements}}
{{/requirements}}
{{#pip}}
RUN ["/usr/local/lib/grocker/pip-install", {{pip}}]
{{/pip}}
{{#files}}
{{files}}
{{/files}}
{{#dirs}}
RUN ["/usr/local/lib/grocker/make-dirs", {{dirs}}]
{{/dirs}}
{{#entrypointFiles}}
{{entrypointFiles}}
{{/entrypointFiles}}
{{#env}}
ENV {{env}}
{{/env}}
{{#workdir}}
WORKDIR {{workdir}}
{{/workdir}}
{{#labels}}
LABEL {{labels}}
{{/labels}}
{{#ports}}
EXPOSE {{ports}}
{{/ports}}
{{#healthcheck}}
HEALTHCHECK {{healthcheck}}
{{/healthcheck}}
{{#volumes}}
VOLUME {{volumes}}
{{/volumes}}
{{#entrypoint}}
ENTRYPOINT {{entrypoint}}
{{/entrypoint}}
{{#cmd}}
CMD {{cmd}}
{{/cmd}}
{{#finalUser}}
USER {{finalUser}}
{{/finalUser}}
