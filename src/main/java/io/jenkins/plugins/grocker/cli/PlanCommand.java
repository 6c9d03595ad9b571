package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.plan.BuildGraph;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code grocker plan}: prints the graph and what a build would do for each image and platform. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Prints the image graph and, for each image and platform, whether 'grocker base' would "
                + "build or reuse it, and why. Builds, pushes and tags nothing."})
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    GrockerCommand parent;

    @Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The hierarchy spec (YAML or JSON).")
    Path spec;

    @Mixin
    PushOption push;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() throws Exception {
        var out = commandSpec.commandLine().getOut();
        HierarchySpec hierarchy = new SpecLoader(parent.env).load(spec);
        options.platforms();
        BuildGraph graph = BuildGraph.of(hierarchy);
        out.println("graph:");
        graph.edges().forEach(line -> out.println("  " + line));
        List<List<String>> levels = graph.levels();
        for (int i = 0; i < levels.size(); i++) {
            out.println("  level " + i + ": " + String.join(", ", levels.get(i)));
        }
        BuildResult plan = Session.with(options, parent.env, out,
                s -> BaseCommand.base(hierarchy, push.push, options, s, true));
        out.println("plan:");
        for (BuildResult.ImageResult image : plan.images()) {
            for (BuildResult.PlatformResult p : image.platforms()) {
                out.println("  " + image.name() + " " + p.platform() + ": " + p.status() + " (" + p.reason() + ")");
            }
        }
        if (options.outputJson != null) {
            Session.writeJson(options.outputJson, plan);
        }
        return 0;
    }
}
