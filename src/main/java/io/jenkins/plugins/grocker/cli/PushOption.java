package io.jenkins.plugins.grocker.cli;

import picocli.CommandLine.Option;

/** {@code --push} / {@code --no-push}. */
final class PushOption {
    @Option(names = "--push", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Push images, indexes and tags to the registry (default). With --no-push images stay "
                    + "in the local engine.")
    boolean push;
}
