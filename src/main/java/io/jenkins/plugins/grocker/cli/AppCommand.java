package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.JsonFile;
import io.jenkins.plugins.grocker.build.BuildOptions;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.CompileBuild;
import io.jenkins.plugins.grocker.build.RunInfo;
import io.jenkins.plugins.grocker.build.RunnerBuild;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.scan.Scanner;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.wheels.WheelCache;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grocker app}: {@code grocker compile} then {@code grocker runner} in one process (one start-up, one Docker
 * connection, one registry client), for one agent that does both.
 */
@Command(name = "app",
        description = {"Compiles the application of an app spec to wheels and builds its runner from them, in one "
                + "process: what 'grocker compile --output DIR' then 'grocker runner --wheels DIR' do, with the same "
                + "spec and platforms. --output-json gets the runner's result; --compile-json the compilation's."})
final class AppCommand extends BuildingCommand.OnApp {
    @Option(names = "--wheels", paramLabel = "DIR", defaultValue = "wheels",
            description = "Where the wheelhouse goes and where the runner takes it from (default: ${DEFAULT-VALUE}).")
    Path wheels;

    @Option(names = "--compile-json", paramLabel = "FILE",
            description = "Write the compilation's result (as 'grocker compile --output-json' does) to FILE.")
    Path compileJson;

    @Mixin
    PushOption push;

    @Mixin
    ScanOptions scan;

    @Mixin
    ReportOption report;

    @Override
    int build(AppSpec app, Map<String, String> env, long start) throws Exception {
        Scanner scanner = scan.scanner(env);
        report.check();
        // the runner's options, as grocker runner makes them
        BuildOptions runnerOptions = Session.buildOptions(options, options.platforms(), push.push, SourceInfo.ofApplication(app.source()))
                .withMoveTags(!push.noTag).withScanner(scanner)
                .withRun(push.push ? RunInfo.of(app.file(), SourceInfo.labels(app.file(), null), env) : null);
        BuildResult result = BaseCommand.run(this, report, () -> session(s -> {
            CompileBuild.Result compiled = new CompileBuild(app, wheels,
                    Session.buildOptions(options, options.platforms(), false, Map.of()), s, env, WheelCache.fromEnvironment(env)).run();
            if (compileJson != null) {
                JsonFile.write(compileJson, compiled, "--compile-json");
            }
            out().printf("compiled in %.1fs: %s%n", Summary.seconds(start), compiled.manifest().requirement());
            return RunnerBuild.of(app, wheels, runnerOptions, s).run();
        }));
        Summary.builds(out(), start, result);
        return 0;
    }
}
