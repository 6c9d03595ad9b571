package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.RunnerBuild;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.AppSpecLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code grocker runner}: the runner image from verified wheels. */
@Command(name = "runner", mixinStandardHelpOptions = true,
        description = {"Builds the runner image of an app spec from a wheelhouse made by 'grocker compile': verifies "
                + "every wheel against wheelhouse.json, installs them into a virtual environment in a throwaway "
                + "stage and copies only that environment onto the base plus the run dependencies. Pushes one image "
                + "per platform, then the index, then the tags."})
final class RunnerCommand implements Callable<Integer> {
    @ParentCommand
    GrockerCommand parent;

    @Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The application spec (YAML or JSON).")
    Path spec;

    @Option(names = "--wheels", paramLabel = "DIR", defaultValue = "wheels",
            description = "The wheelhouse made by 'grocker compile' (default: ${DEFAULT-VALUE}).")
    Path wheels;

    @Mixin
    PushOption push;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() throws Exception {
        var out = commandSpec.commandLine().getOut();
        Map<String, String> env = parent.env;
        AppSpec app = new AppSpecLoader(env).load(spec);
        options.platforms();
        long start = System.nanoTime();
        BuildResult result = Session.with(options, env, out, s -> new RunnerBuild(app, wheels,
                Session.buildOptions(options, options.platforms(), push.push, SourceInfo.labels(app.file(), null)).withMoveTags(!push.noTag),
                s.engines, s.registry, s.credentials, s.listener).run());
        if (options.outputJson != null) {
            Session.writeJson(options.outputJson, result);
        }
        out.printf("done in %.1fs%n", (System.nanoTime() - start) / 1e9);
        for (BuildResult.ImageResult image : result.images()) {
            out.println(image.repository() + (image.index() == null ? "" : "@" + image.index().digest()) + " " + image.status()
                    + (image.tags().isEmpty() ? "" : " tags: " + String.join(", ", image.tags())));
        }
        return 0;
    }
}
