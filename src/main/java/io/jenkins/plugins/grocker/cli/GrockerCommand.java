package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code grocker}: the top command; the work is in its subcommands. */
@Command(name = "grocker",
        mixinStandardHelpOptions = true,
        versionProvider = GrockerCommand.Version.class,
        description = "Builds layered, multi-arch container images for Python applications.",
        subcommands = {BaseCommand.class, PlanCommand.class, CompileCommand.class, RunnerCommand.class, AppCommand.class,
                PromoteCommand.class, PublishCommand.class, IndexCommand.class, WheelsCommand.class,
                AttachedDocumentCommand.Sbom.class, AttachedDocumentCommand.Provenance.class, PurgeCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "2:bad input (spec, option, reference); nothing was built or pushed",
                "3:base, plan, compile, runner, app: the Docker engine, a registry or a build step failed or could not be "
                        + "reached; no tag was moved",
                "4:promote, publish, purge, sbom, provenance: a registry failed, refused (credentials, deletion) or could not "
                        + "be reached; promote and publish moved no tag",
                "5:base, runner, app, promote, publish: the scan gate refused (--scan-command failed on a platform image); no "
                        + "tag was moved"})
public final class GrockerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** The environment the command sees (spec interpolation, DOCKER_HOST, registry credentials). */
    final Map<String, String> env;

    GrockerCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(commandSpec.commandLine(), "a command is required (base, plan, compile, runner, app, promote, publish, index, wheels, sbom, provenance, purge)");
    }

    /**
     * Commands whose whole job is the registry (promote, publish) report its failures with 4; for the
     * building commands a registry failure is one more way the build failed: 3, like the engine's.
     */
    static int exitCode(GrockerException e, Object command) {
        if (e instanceof io.jenkins.plugins.grocker.RegistryException && !(command instanceof RegistryCommand)) {
            return 3;
        }
        return e.exitCode();
    }

    /** Marks the commands whose registry failures exit with 4. */
    interface RegistryCommand {}

    /** Runs the command line without exiting; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new GrockerCommand(env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommand() != null
                    && parseResult.subcommand().hasMatchedOption("--verbose");
            if (e instanceof GrockerException g) {
                err.println("grocker: " + g.getMessage());
                if (!verbose && !g.details().isEmpty()) {
                    for (String line : g.details()) {
                        err.println("grocker: | " + line);
                    }
                }
                if (verbose && g.getCause() != null) {
                    g.printStackTrace(err);
                }
                return exitCode(g, commandLine.getCommand());
            }
            err.println("grocker: internal error: " + e);
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("grocker: run again with --verbose for details");
            }
            return 1;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            err.println("grocker: " + e.getMessage());
            CommandLine command = e.getCommandLine();
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        return cli.execute(args);
    }

    /** Reads the version Maven wrote into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"grocker " + version()};
        }
    }

    static String version() {
        return io.jenkins.plugins.grocker.GrockerVersion.get();
    }
}
