package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the commands that read a hierarchy spec. */
final class SpecOptions {
    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The hierarchy spec (YAML or JSON).")
    Path spec;

    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "Build only this platform (repeatable). Default: the platforms the spec declares, "
                    + "else the engine's own.")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--push", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Push images, indexes and tags to the registry (default). With --no-push images stay "
                    + "in the local engine.")
    boolean push;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "Docker engine endpoint. Default: DOCKER_HOST, else unix:///var/run/docker.sock.")
    String dockerHost;

    @Option(names = "--network", paramLabel = "MODE", defaultValue = "host",
            description = "Network mode of build steps (default: ${DEFAULT-VALUE}).")
    String network;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "2",
            description = "Image/platform builds run at the same time (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--output-json", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path outputJson;

    @Option(names = {"-v", "--verbose"}, description = "Show Docker build and push output, and stack traces.")
    boolean verbose;

    List<Platform> platforms() throws InputException {
        List<Platform> parsed = new ArrayList<>();
        for (String p : platforms) {
            try {
                parsed.add(Platform.parse(p));
            } catch (InputException e) {
                throw new InputException("--platform: " + e.getMessage());
            }
        }
        return parsed;
    }

    void check() throws InputException {
        if (jobs < 1 || jobs > 64) {
            throw new InputException("--jobs: must be from 1 to 64, got " + jobs);
        }
    }
}
