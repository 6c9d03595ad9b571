package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.registry.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Registry connection options: shared by promote and publish. */
final class RegistryOptions {
    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "PEM CA certificates to trust for https registries (default: GROCKER_REGISTRY_CA_FILE; "
                    + "/etc/docker/certs.d/<host:port>/*.crt are always trusted).")
    Path caFile;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4",
            description = "Blob transfers at the same time (default: ${DEFAULT-VALUE}).")
    int jobs;



    RegistryClient client(Map<String, String> env) throws GrockerException {
        if (jobs < 1 || jobs > 64) {
            throw new InputException("--jobs: must be from 1 to 64, got " + jobs);
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new InputException("--ca-file: cannot read " + caFile);
        }
        return RegistryClient.create(env, caFile, RetryPolicy.DEFAULT);
    }
}
