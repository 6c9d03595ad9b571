package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every building command has: platforms, the engine, the network of build steps, parallelism. */
final class CommonOptions {
    @Option(names = "--platform", paramLabel = "OS/ARCH[=ENGINE]",
            description = "Build only this platform (repeatable). Default: the platforms the spec declares, "
                    + "else the engine's own. With =ENGINE (unix:///path.sock or tcp://host:2376; TLS from "
                    + "DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) that platform is built on that engine instead of the "
                    + "default one with emulation.")
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



    List<Platform> platforms() throws InputException {
        return new ArrayList<>(platformEngines().keySet());
    }

    /** Each platform given, with the engine endpoint named for it (null for the default engine). */
    Map<Platform, String> platformEngines() throws InputException {
        Map<Platform, String> parsed = new LinkedHashMap<>();
        for (String p : platforms) {
            int eq = p.indexOf('=');
            String endpoint = eq < 0 ? null : p.substring(eq + 1).strip();
            Platform platform;
            try {
                platform = Platform.parse(eq < 0 ? p : p.substring(0, eq));
            } catch (InputException e) {
                throw new InputException("--platform: " + e.getMessage());
            }
            if (endpoint != null && !endpoint.matches("(unix://|tcp://|npipe://)\\S+")) {
                throw new InputException("--platform " + p + ": '" + endpoint
                        + "' is not an engine endpoint (unix:///path.sock or tcp://host:port)");
            }
            if (parsed.containsKey(platform)) {
                throw new InputException("--platform: " + platform + " is given twice");
            }
            parsed.put(platform, endpoint);
        }
        return parsed;
    }

    void check() throws InputException {
        if (jobs < 1 || jobs > 64) {
            throw new InputException("--jobs: must be from 1 to 64, got " + jobs);
        }
    }
}
