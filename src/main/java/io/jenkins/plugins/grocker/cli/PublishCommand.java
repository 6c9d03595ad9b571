package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.scan.ScanResult;
import java.util.ArrayList;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.scan.Scanner;
import picocli.CommandLine.Mixin;
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

    @Mixin
    ScanOptions scan;

    @Mixin
    ReportOption report;

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
        Scanner scanner = scan.scanner(env);
        report.check();
        RegistryClient client = registryOptions.client(env);
        Publisher.Published published;
        try {
            published = new Publisher(client, new ConsoleReporter(out, verbose)).publish(images, tags, guard, dryRun, scanner);
        } catch (ScanException e) {
            if (e.result() instanceof Publisher.Published refused) {
                writeResult(refused);
                report.build(asBuild(refused), client);
            }
            throw e;
        }
        writeResult(published);
        report.build(asBuild(published), client);
        out.flush();
        return 0;
    }

    /** The result file as the report shows a publication: its images, with the tags published and the scans. */
    private BuildResult asBuild(Publisher.Published published) throws InputException {
        if (report.report == null) {
            return null;
        }
        BuildResult built = BuildResult.read(result, "--result");
        List<BuildResult.ImageResult> images = new ArrayList<>();
        for (BuildResult.ImageResult image : built.images()) {
            Digest index = image.index() == null ? null : image.index().digest();
            List<String> tags = published.tags().stream().filter(t -> t.image().equals(image.repository()) && t.digest().equals(index))
                    .map(t -> image.repository() + ":" + t.tag()).toList();
            List<BuildResult.PlatformResult> platforms = new ArrayList<>();
            for (BuildResult.PlatformResult p : image.platforms()) {
                String ref = image.repository() + "@" + p.digest();
                ScanResult scan = published.scans().stream().filter(r -> r.image().equals(ref)).findFirst().orElse(p.scan());
                platforms.add(p.withScan(scan));
            }
            images.add(image.with(published.dryRun() ? image.tags() : tags, platforms));
        }
        return built.withImages(images);
    }
}
