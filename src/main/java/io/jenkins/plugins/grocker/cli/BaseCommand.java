package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BaseBuild;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code grocker base}: builds a hierarchy of base images, reusing every image whose inputs did not change. */
@Command(name = "base", mixinStandardHelpOptions = true,
        description = {"Builds the base images of a spec: parents first, independent images at the same time, "
                + "nothing rebuilt whose inputs did not change. Pushes one image per platform, then an OCI "
                + "image index per image, then the tags (last, and only when every image succeeded)."})
final class BaseCommand implements Callable<Integer> {
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

    /** Builds, or with {@code plan} only plans, a hierarchy spec. */
    static BuildResult base(HierarchySpec hierarchy, boolean push, CommonOptions options, Session s, boolean plan)
            throws io.jenkins.plugins.grocker.GrockerException {
        return base(hierarchy, push, true, options, s, plan);
    }

    /** As above; {@code moveTags} false pushes by digest only ({@code --no-tag}). */
    static BuildResult base(HierarchySpec hierarchy, boolean push, boolean moveTags, CommonOptions options, Session s,
            boolean plan) throws io.jenkins.plugins.grocker.GrockerException {
        BaseBuild build = new BaseBuild(hierarchy, Session.buildOptions(options, options.platforms(), push,
                SourceInfo.labels(hierarchy.file(), hierarchy.source())).withMoveTags(moveTags), s.engines, s.registry,
                s.credentials, s.listener);
        return plan ? build.plan() : build.run();
    }

    @Override
    public Integer call() throws Exception {
        var out = commandSpec.commandLine().getOut();
        long start = System.nanoTime();
        HierarchySpec hierarchy = new SpecLoader(parent.env).load(spec);
        options.platforms();
        BuildResult result = Session.with(options, parent.env, out, s -> base(hierarchy, push.push, !push.noTag, options, s, false));
        if (options.outputJson != null) {
            Session.writeJson(options.outputJson, result);
        }
        long built = result.images().stream().flatMap(i -> i.platforms().stream())
                .filter(p -> p.status().equals("built")).count();
        long total = result.images().stream().mapToLong(i -> i.platforms().size()).sum();
        out.printf("done in %.1fs: %d of %d image/platform builds ran, %d reused%n",
                (System.nanoTime() - start) / 1e9, built, total, total - built);
        for (BuildResult.ImageResult image : result.images()) {
            out.println(image.repository() + (image.index() == null ? "" : "@" + image.index().digest())
                    + " " + image.status() + (image.tags().isEmpty() ? "" : " tags: " + String.join(", ", image.tags())));
        }
        return 0;
    }
}
