package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.JsonFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every subcommand has: {@code -h/--help} (answered before any other option is checked, so it works without
 * the required ones), {@code --output-json} and {@code --verbose}, the environment (from the top command) and its own
 * spec (for the output).
 */
abstract class Subcommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--output-json", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path outputJson;

    @Option(names = {"-v", "--verbose"}, description = "Show the Docker output of builds and containers, and stack traces.")
    boolean verbose;

    @Spec
    CommandSpec commandSpec;

    /** The environment the command line was given (held by the top command, however deep this one is). */
    final Map<String, String> env() {
        return ((GrockerCommand) commandSpec.root().userObject()).env;
    }

    /** Writes the result to {@code --output-json} (atomically), when given. */
    final void writeResult(Object result) throws GrockerException {
        if (outputJson != null) {
            JsonFile.write(outputJson, result, "--output-json");
        }
    }

    /** Where the command prints. */
    final PrintWriter out() {
        return commandSpec.commandLine().getOut();
    }
}
