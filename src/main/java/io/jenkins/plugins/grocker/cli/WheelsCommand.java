package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.wheels.WheelhouseArtifact;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grocker wheels push|pull}: a wheelhouse through the registry, as a content-addressed OCI artifact. */
@Command(name = "wheels",
        description = {"Moves a wheelhouse (made by 'grocker compile') between agents through the registry: 'push' "
                + "uploads it as an OCI artifact by digest; 'pull' downloads one by digest and verifies every wheel."},
        subcommands = {WheelsCommand.Push.class, WheelsCommand.Pull.class})
final class WheelsCommand extends Subcommand {
    @Override
    public Integer call() {
        commandSpec.commandLine().usage(out());
        return 0;
    }

    @Command(name = "push",
            description = "Verifies the wheelhouse, then pushes it to REPOSITORY as an OCI artifact (by digest, no tag) and "
                    + "prints REPOSITORY@sha256:... for 'grocker wheels pull'.")
    static final class Push extends RegistryBackedCommand {
        @Parameters(index = "0", paramLabel = "REPOSITORY", description = "registry/repository for the artifact.")
        String repository;

        @Option(names = "--wheels", paramLabel = "DIR", defaultValue = "wheels",
                description = "The wheelhouse directory (default: ${DEFAULT-VALUE}).")
        Path wheels;

        @Option(names = "--platform", paramLabel = "OS/ARCH",
                description = "Push only this platform's wheels (repeatable; default: every platform of the wheelhouse).")
        List<String> platforms = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = out();
            var repo = PromoteCommand.reference("REPOSITORY", repository);
            if (repo.tag() != null || repo.digest() != null) {
                throw new InputException("REPOSITORY '" + repository + "': give registry/repository only (the artifact is pushed by digest)");
            }
            WheelhouseArtifact.Result result = new WheelhouseArtifact(registryOptions.client(env()))
                    .push(wheels, repo, platforms);
            writeResult(result);
            out.printf("pushed %d wheels (%d bytes) for %s: %s%n", result.wheels(), result.bytes(),
                    String.join(", ", result.platforms()), result.reference());
            out.flush();
            return 0;
        }
    }

    @Command(name = "pull",
            description = "Pulls a wheelhouse artifact by digest into DIR (merging platforms with a wheelhouse already there) "
                    + "and verifies every wheel against its manifest.")
    static final class Pull extends RegistryBackedCommand {
        @Parameters(index = "0", paramLabel = "REF", description = "registry/repository@sha256:... as 'push' printed it.")
        String ref;

        @Option(names = "--wheels", paramLabel = "DIR", defaultValue = "wheels",
                description = "The wheelhouse directory (default: ${DEFAULT-VALUE}).")
        Path wheels;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = out();
            WheelhouseArtifact.Result result = new WheelhouseArtifact(registryOptions.client(env()))
                    .pull(PromoteCommand.reference("REF", ref), wheels);
            writeResult(result);
            out.printf("pulled %d wheels (%d bytes) for %s from %s, verified%n", result.wheels(), result.bytes(),
                    String.join(", ", result.platforms()), result.reference());
            out.flush();
            return 0;
        }
    }
}
