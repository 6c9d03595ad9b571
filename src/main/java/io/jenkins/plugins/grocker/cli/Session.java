package io.jenkins.plugins.grocker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.build.BaseBuild;
import io.jenkins.plugins.grocker.build.BuildOptions;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.docker.DockerEngine;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Turns shared options into engine objects: loads the spec, connects to Docker, makes the build. */
final class Session {
    private Session() {}

    interface Work<T> {
        T run(BaseBuild build) throws GrockerException;
    }

    static <T> T withBuild(SpecOptions options, Map<String, String> env, PrintWriter out, Work<T> work)
            throws GrockerException {
        options.check();
        HierarchySpec spec = new SpecLoader(env).load(options.spec);
        BuildOptions buildOptions = new BuildOptions(options.platforms(), options.push, options.network, options.jobs,
                SourceInfo.labels(spec.file(), spec.source()));
        String host = options.dockerHost != null ? options.dockerHost : env.get("DOCKER_HOST");
        try (DockerEngine engine = DockerEngine.connect(host)) {
            Credentials credentials = Credentials.fromEnvironment(env);
            RegistryClient registry = RegistryClient.create(env);
            BaseBuild build = new BaseBuild(spec, buildOptions, engine, registry, credentials,
                    new ConsoleReporter(out, options.verbose));
            return work.run(build);
        }
    }

    /** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
    static void writeJson(Path file, Object value) throws GrockerException {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path tmp = Files.createTempFile(absolute.getParent(), ".grocker-", ".json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), value);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InputException("--output-json: cannot write " + file + ": " + e.getMessage());
        }
    }

}
