package io.jenkins.plugins.grocker.cli;

import picocli.CommandLine.Option;

/** {@code --push} / {@code --no-push}, and {@code --no-tag}. */
final class PushOption {
    @Option(names = "--push", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Push images, indexes and tags to the registry (default). With --no-push images stay "
                    + "in the local engine.")
    boolean push;

    @Option(names = "--no-tag",
            description = "With --push: push the images and the index by digest but move no tag. The result file lists "
                    + "the tags; 'grocker index' moves them once every platform's result is in (one agent per platform).")
    boolean noTag;
}
