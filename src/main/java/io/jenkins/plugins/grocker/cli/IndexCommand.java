package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.IndexAssembler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grocker index --result A --result B}: one multi-arch index per image from per-platform results. */
@Command(name = "index",
        description = {"Assembles one multi-arch image index per image from per-platform result files (the --output-json "
                + "of 'grocker base' or 'grocker runner' run with --push --no-tag, each platform on its own agent): checks "
                + "every platform's manifest is in the registry, pushes the indexes by digest, then moves the tags the "
                + "results list, last. Writes a result of the same shape, with every platform in one image."})
final class IndexCommand extends RegistryBackedCommand {
    @Option(names = "--result", required = true, paramLabel = "FILE",
            description = "A per-platform result file (repeatable; one per platform or agent).")
    List<Path> results = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        BuildResult result = new IndexAssembler(registryOptions.client(env()), new ConsoleReporter(out, verbose))
                .assemble(results);
        writeResult(result);
        for (BuildResult.ImageResult image : result.images()) {
            out.println(image.repository() + "@" + image.index().digest() + " " + image.platforms().size() + " platform(s)"
                    + (image.tags().isEmpty() ? "" : " tags: " + String.join(", ", image.tags())));
        }
        out.flush();
        return 0;
    }
}
