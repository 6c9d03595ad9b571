package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildOptions;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.RunInfo;
import io.jenkins.plugins.grocker.scan.Scanner;
import io.jenkins.plugins.grocker.build.RunnerBuild;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.spec.AppSpec;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grocker runner}: the runner image from verified wheels. */
@Command(name = "runner",
        description = {"Builds the runner image of an app spec from a wheelhouse made by 'grocker compile': verifies "
                + "every wheel against wheelhouse.json; builds, or reuses when its wheels are unchanged, a dependency "
                + "image (the base, the run dependencies and every wheel but the application's, installed into a "
                + "virtual environment without pip), then the runner: that image plus one layer with the application. "
                + "Pushes one image per platform (with an SBOM and a provenance record attached), then the index, then "
                + "runs the scan gate (--scan-command), then moves the tags."})
final class RunnerCommand extends BuildingCommand.OnApp {
    @Option(names = "--wheels", paramLabel = "DIR", defaultValue = "wheels",
            description = "The wheelhouse made by 'grocker compile' (default: ${DEFAULT-VALUE}).")
    Path wheels;

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
        BuildOptions base = Session.buildOptions(options, options.platforms(), push.push, SourceInfo.ofApplication(app.source()))
                .withMoveTags(!push.noTag);
        // the image's labels name the application's source tree; the provenance names the build's definition, the spec
        BuildOptions buildOptions = base.withScanner(scanner)
                .withRun(push.push ? RunInfo.of(app.file(), SourceInfo.labels(app.file(), null), env) : null);
        BuildResult result = BaseCommand.run(this, report, () -> session(s -> RunnerBuild.of(app, wheels, buildOptions, s).run()));
        Summary.builds(out(), start, result);
        return 0;
    }
}
