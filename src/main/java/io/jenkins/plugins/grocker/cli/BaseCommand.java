package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    SpecOptions options;

    @Override
    public Integer call() throws Exception {
        var out = commandSpec.commandLine().getOut();
        long start = System.nanoTime();
        BuildResult result = Session.withBuild(options, parent.env, out, build -> build.run());
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
