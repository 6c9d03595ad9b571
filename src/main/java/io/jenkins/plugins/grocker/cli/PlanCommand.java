package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildPlan;
import io.jenkins.plugins.grocker.build.Decision;
import io.jenkins.plugins.grocker.plan.BuildGraph;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code grocker plan}: prints the graph and the decision for each image and platform. */
@Command(name = "plan",
        description = {"Prints the image graph and, for each image and platform, whether 'grocker base' would "
                + "build or reuse it, and why. Builds, pushes and tags nothing."})
final class PlanCommand extends BuildingCommand.OnHierarchy {
    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        HierarchySpec hierarchy = load();
        BuildGraph graph = BuildGraph.of(hierarchy);
        out.println("graph:");
        graph.edges().forEach(line -> out.println("  " + line));
        List<List<String>> levels = graph.levels();
        for (int i = 0; i < levels.size(); i++) {
            out.println("  level " + i + ": " + String.join(", ", levels.get(i)));
        }
        BuildPlan plan = session(s -> BaseCommand.build(hierarchy, BaseCommand.options(hierarchy, push, options), s).plan());
        out.println("plan:");
        for (Decision d : plan.all()) {
            out.println("  " + d.target().name() + " " + d.platform() + ": " + d.status() + " (" + d.reason() + ")");
        }
        writeResult(plan.toResult());
        return 0;
    }
}
