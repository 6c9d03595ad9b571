package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BaseBuild;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code grocker base}: builds a hierarchy of base images, reusing every image whose inputs did not change. */
@Command(name = "base",
        description = {"Builds the base images of a spec: parents first, independent images at the same time, "
                + "nothing rebuilt whose inputs did not change. Pushes one image per platform, then an OCI "
                + "image index per image, then the tags (last, and only when every image succeeded)."})
final class BaseCommand extends Subcommand {
    @Mixin
    SpecOptions.Hierarchy spec;

    @Mixin
    PushOption push;

    @Mixin
    CommonOptions options;

    /** The build of a hierarchy spec with these options. */
    static BaseBuild build(HierarchySpec hierarchy, boolean push, CommonOptions options, Session s)
            throws io.jenkins.plugins.grocker.GrockerException {
        return new BaseBuild(hierarchy, Session.buildOptions(options, options.platforms(), push,
                SourceInfo.labels(hierarchy.file(), hierarchy.source())), s.engines, s.registry, s.credentials, s.listener);
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        HierarchySpec hierarchy = spec.load(env());
        options.platforms();
        BuildResult result = Session.with(options, env(), out(), s -> build(hierarchy, push.push, options, s).run());
        if (options.outputJson != null) {
            Session.writeJson(options.outputJson, result);
        }
        Summary.builds(out(), start, result);
        return 0;
    }
}
