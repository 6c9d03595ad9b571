package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.build.BaseBuild;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.BuildServices;
import io.jenkins.plugins.grocker.build.ImageBuild;
import io.jenkins.plugins.grocker.build.SourceInfo;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import picocli.CommandLine.Command;

/** {@code grocker base}: builds a hierarchy of base images, reusing every image whose inputs did not change. */
@Command(name = "base",
        description = {"Builds the base images of a spec: parents first, independent images at the same time, "
                + "nothing rebuilt whose inputs did not change. Pushes one image per platform, then an OCI "
                + "image index per image, then the tags (last, and only when every image succeeded)."})
final class BaseCommand extends BuildingCommand.OnHierarchy {
    /** The build of a hierarchy spec with these options. */
    static ImageBuild build(HierarchySpec hierarchy, PushOption push, CommonOptions options, BuildServices services)
            throws GrockerException {
        return BaseBuild.of(hierarchy, Session.buildOptions(options, options.platforms(), push.push,
                SourceInfo.labels(hierarchy.file(), hierarchy.source())).withMoveTags(!push.noTag), services);
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        HierarchySpec hierarchy = load();
        BuildResult result = session(s -> build(hierarchy, push, options, s).run());
        writeResult(result);
        Summary.builds(out(), start, result);
        return 0;
    }
}
