# Rendered by Grocker Pipeline for {{app}} {{version}} on {{platform}}. Change the spec, not this file.
# On the application's dependency image, one layer: the application's installed files and console scripts, and the
# entrypoint's configuration of this version. Stage 1 installs the application's wheel with Debian's
# python3-installer into a tree of its own; only that tree reaches the runner.
FROM {{base}} AS install
USER root
COPY grocker/install-wheels grocker/apt-install /usr/local/lib/grocker/
RUN ["/usr/local/lib/grocker/install-wheels", "--prepare"]
COPY wheels/ /tmp/grocker/wheels/
COPY entrypoint.conf /tmp/grocker/root{{fragment}}
RUN ["/usr/local/lib/grocker/install-wheels", {{install}}]

FROM {{from}}
COPY --from=install /tmp/grocker/root/ /
{{#ownVenv}}
ENV VIRTUAL_ENV={{venv}} PATH={{venv}}/bin:$PATH
{{/ownVenv}}
{{#env}}
ENV {{env}}
{{/env}}
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
