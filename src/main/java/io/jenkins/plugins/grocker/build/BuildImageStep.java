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
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds one image for one platform from its context and tags it with its key tag. Returns the image id. When the
 * build fails, the exception carries the last {@link #TAIL_LINES} lines the failed step printed, so that the reason
 * shows without {@code --verbose}. Terminal colour escapes are removed from the lines it hands on.
 */
final class BuildImageStep {
    static final int TAIL_LINES = 20;
    private static final java.util.regex.Pattern ANSI = java.util.regex.Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

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
            java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
            Consumer<String> keeping = raw -> {
                // the classic builder colours a RUN step's stderr (ESC[91m ... ESC[0m): drop the escapes, so that a
                // script's "grocker: ..." line is seen as one and the lines read well in a Jenkins log
                String line = ANSI.matcher(raw).replaceAll("");
                synchronized (tail) {
                    if (line.startsWith("Step ")) {
                        tail.clear();
                    }
                    if (!line.startsWith(" ---> ") && !line.isBlank()) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
                output.accept(line);
            };
            try {
                return engine.build(request, keeping);
            } catch (EngineException e) {
                List<String> lines;
                synchronized (tail) {
                    lines = List.copyOf(tail);
                }
                throw lines.isEmpty() ? e : new EngineException(e.getMessage(), e, lines);
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }
}
