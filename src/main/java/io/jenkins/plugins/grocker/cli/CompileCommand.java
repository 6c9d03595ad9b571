package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.CompileBuild;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.wheels.WheelCache;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grocker compile}: the application and its dependencies as checksummed wheels. */
@Command(name = "compile",
        description = {"Compiles the application of an app spec and all its dependencies to wheels, per platform, in a "
                + "compiler image (the base plus the build dependencies). Writes DIR/<os>-<arch>/*.whl and "
                + "DIR/wheelhouse.json with the sha256 of every wheel. Index credentials come from the environment "
                + "or a file and reach only the compiler container."})
final class CompileCommand extends BuildingCommand.OnApp {
    @Option(names = "--output", paramLabel = "DIR", defaultValue = "wheels",
            description = "Where the wheelhouse goes (default: ${DEFAULT-VALUE}).")
    Path output;

    @Override
    int build(AppSpec app, Map<String, String> env, long start) throws Exception {
        CompileBuild.Result result = session(s -> new CompileBuild(app, output,
                Session.buildOptions(options, options.platforms(), false, Map.of()), s, env, WheelCache.fromEnvironment(env)).run());
        writeResult(result);
        out().printf("done in %.1fs: %s%n", Summary.seconds(start), result.manifest().requirement());
        result.manifest().platforms().forEach((platform, wheels) -> {
            long built = wheels.wheels().stream().filter(w -> w.source() == Wheelhouse.Source.BUILT).count();
            Status status = result.status().get(platform);
            out().println(platform + ": " + (status == null ? "kept" : status) + ", " + wheels.wheels().size()
                    + " wheels (" + built + " built, " + (wheels.wheels().size() - built) + " from cache) in "
                    + output.resolve(wheels.directory()));
        });
        return 0;
    }
}
