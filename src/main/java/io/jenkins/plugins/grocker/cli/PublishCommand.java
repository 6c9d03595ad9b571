package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.promote.Publisher;
import io.jenkins.plugins.grocker.promote.TagGuard;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grocker publish --result F --tag T}: tags what a result file describes, without building. */
@Command(name = "publish",
        description = {"Tags the images a result file describes (the --output-json of 'grocker base' or 'grocker runner'), "
                + "without building: checks that every index and all its children are in the registry, then writes the "
                + "tags, last. Release tags (see --protect) move only with --force."})
final class PublishCommand extends TaggingCommand {
    @Option(names = "--result", required = true, paramLabel = "FILE", description = "The result file (JSON).")
    Path result;

    @Option(names = "--dry-run", description = "Check and print what would be tagged; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        Map<String, String> env = env();
        List<String> tags = tagOptions.tags(env);
        if (tags.isEmpty()) {
            throw new InputException("--tag: give at least one tag");
        }
        List<ImageReference> images = Publisher.read(result);
        TagGuard guard = TagGuard.of(tagOptions.protect, tagOptions.force, false);
        List<Publisher.Tagged> tagged = new Publisher(registryOptions.client(env), new ConsoleReporter(out, verbose))
                .publish(images, tags, guard, dryRun);
        writeResult(Map.of("dryRun", dryRun, "tags", tagged));
        out.flush();
        return 0;
    }
}
