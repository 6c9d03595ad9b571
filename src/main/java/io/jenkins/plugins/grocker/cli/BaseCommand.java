package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.build.BaseBuild;
import io.jenkins.plugins.grocker.build.BuildOptions;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.BuildServices;
import io.jenkins.plugins.grocker.build.ImageBuild;
import io.jenkins.plugins.grocker.build.RunInfo;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.scan.Scanner;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code grocker base}: builds a hierarchy of base images, reusing every image whose inputs did not change. */
@Command(name = "base",
        description = {"Builds the base images of a spec: parents first, independent images at the same time, "
                + "nothing rebuilt whose inputs did not change. Pushes one image per platform (each built one with an "
                + "SBOM and a provenance record attached), then an OCI image index per image, then runs the scan gate "
                + "(--scan-command), then moves the tags (last, and only when every image succeeded and passed)."})
final class BaseCommand extends BuildingCommand.OnHierarchy {
    @Mixin
    ScanOptions scan;

    @Mixin
    ReportOption report;

    /** The options of a build of a hierarchy spec. */
    static BuildOptions options(HierarchySpec hierarchy, PushOption push, CommonOptions options) throws GrockerException {
        return Session.buildOptions(options, options.platforms(), push.push,
                SourceInfo.labels(hierarchy.file(), hierarchy.source())).withMoveTags(!push.noTag);
    }

    /** The build of a hierarchy spec with these options. */
    static ImageBuild build(HierarchySpec hierarchy, BuildOptions options, BuildServices services) throws GrockerException {
        return BaseBuild.of(hierarchy, options, services);
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        HierarchySpec hierarchy = load();
        Map<String, String> env = env();
        Scanner scanner = scan.scanner(env);
        report.check();
        BuildOptions base = options(hierarchy, push, options);
        BuildOptions buildOptions = base.withScanner(scanner)
                .withRun(push.push ? RunInfo.of(hierarchy.file(), base.labels(), env) : null);
        BuildResult result = run(this, report, () -> session(s -> build(hierarchy, buildOptions, s).run()));
        Summary.builds(out(), start, result);
        return 0;
    }

    /** What a building command does with its result: the result file and the report, also when the scan gate refused. */
    interface Run {
        BuildResult run() throws GrockerException;
    }

    static BuildResult run(Subcommand command, ReportOption report, Run work) throws GrockerException {
        BuildResult result;
        try {
            result = work.run();
        } catch (ScanException e) {
            if (e.result() instanceof BuildResult refused) {
                command.writeResult(refused);
                report.build(refused, RegistryClient.create(command.env()));
                Summary.scans(command.out(), refused.scans());
            }
            throw e;
        }
        command.writeResult(result);
        report.build(result, RegistryClient.create(command.env()));
        return result;
    }
}
