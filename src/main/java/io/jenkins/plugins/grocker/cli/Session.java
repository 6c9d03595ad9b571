package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.JsonFile;
import io.jenkins.plugins.grocker.build.BuildOptions;
import io.jenkins.plugins.grocker.build.BuildServices;
import io.jenkins.plugins.grocker.build.Engines;
import io.jenkins.plugins.grocker.build.KeyLocks;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns options into engine objects: connects to Docker and the registries, and renders events. */
final class Session {
    private Session() {}

    interface Work<T> {
        T run(BuildServices services) throws GrockerException;
    }

    static <T> T with(CommonOptions options, boolean verbose, Map<String, String> env, PrintWriter out, Work<T> work) throws GrockerException {
        options.check();
        String host = options.dockerHost != null ? options.dockerHost : env.get("DOCKER_HOST");
        List<DockerEngine> opened = new ArrayList<>();
        try {
            DockerEngine main = DockerEngine.connect(host, env);
            opened.add(main);
            Map<String, DockerEngine> byEndpoint = new HashMap<>();
            Map<Platform, ContainerEngine> perPlatform = new LinkedHashMap<>();
            for (Map.Entry<Platform, String> e : options.platformEngines().entrySet()) {
                if (e.getValue() != null) {
                    DockerEngine engine = byEndpoint.get(e.getValue());
                    if (engine == null) {
                        engine = DockerEngine.connect(e.getValue(), env);
                        opened.add(engine);
                        byEndpoint.put(e.getValue(), engine);
                    }
                    perPlatform.put(e.getKey(), engine);
                }
            }
            return work.run(new BuildServices(new Engines(main, perPlatform), RegistryClient.create(env),
                    Credentials.fromEnvironment(env), new ConsoleReporter(out, verbose), KeyLocks.fromEnvironment(env)));
        } finally {
            opened.forEach(DockerEngine::close);
        }
    }

    static BuildOptions buildOptions(CommonOptions options, List<Platform> platforms, boolean push, Map<String, String> labels) {
        return new BuildOptions(platforms, push, options.network, options.jobs, labels);
    }

}
