package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every building command has: platforms, the engine, parallelism, the result file, verbosity. */
final class CommonOptions {
    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "Build only this platform (repeatable). Default: the platforms the spec declares, "
                    + "else the engine's own.")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "Docker engine endpoint. Default: DOCKER_HOST, else unix:///var/run/docker.sock.")
    String dockerHost;

    @Option(names = "--network", paramLabel = "MODE", defaultValue = "host",
            description = "Network mode of build steps and containers (default: ${DEFAULT-VALUE}).")
    String network;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "2",
            description = "Image/platform builds run at the same time (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--output-json", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path outputJson;

    @Option(names = {"-v", "--verbose"}, description = "Show Docker build and container output, and stack traces.")
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
