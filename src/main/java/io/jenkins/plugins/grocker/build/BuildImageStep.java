package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.docker.BuildRequest;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** Builds one image for one platform from its context and tags it with its key tag. Returns the image id. */
final class BuildImageStep {
    private final ContainerEngine engine;
    private final BuildContext context;
    private final Platform platform;
    private final ImageReference keyTag;
    private final Map<String, String> labels;
    private final String networkMode;
    private final Consumer<String> output;

    BuildImageStep(ContainerEngine engine, BuildContext context, Platform platform, ImageReference keyTag,
            Map<String, String> labels, String networkMode, Consumer<String> output) {
        this.engine = engine;
        this.context = context;
        this.platform = platform;
        this.keyTag = keyTag;
        this.labels = labels;
        this.networkMode = networkMode;
        this.output = output;
    }

    String call() throws EngineException, IOException {
        Path tar = Files.createTempFile("grocker-context-", ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                context.writeTar(out);
            }
            BuildRequest request = BuildRequest.builder(tar)
                    .platform(platform)
                    .tag(keyTag.toString())
                    .labels(labels)
                    .networkMode(networkMode)
                    .build();
            return engine.build(request, output);
        } finally {
            Files.deleteIfExists(tar);
        }
    }
}
