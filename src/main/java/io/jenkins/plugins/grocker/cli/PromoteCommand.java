package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.scan.Scanner;
import picocli.CommandLine.Mixin;
import io.jenkins.plugins.grocker.promote.PromotionRecord;
import io.jenkins.plugins.grocker.promote.PromotionRequest;
import io.jenkins.plugins.grocker.promote.Promoter;
import io.jenkins.plugins.grocker.promote.TagGuard;
import io.jenkins.plugins.grocker.promote.TagTemplates;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.registry.RetryPolicy;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grocker promote SRC DST...}: copies an image or index, every platform, same digest; tags last. */
@Command(name = "promote",
        description = {"Copies an image or image index with every platform to one or more targets without changing "
                + "its digest: blobs are mounted inside a registry and streamed across registries, child manifests "
                + "and the index are put by digest, the tags last. An existing tag that points elsewhere, and any "
                + "release tag, moves only with --force. What is attached to the image travels with it, digest for digest: "
                + "referrers (SBOM, provenance, signatures; the referrers API or the referrers tag) and cosign's "
                + "sha256-<hex>.sig/.att/.sbom tags. The scan gate (--scan-command) runs on every platform image before "
                + "anything is copied. Writes an audit record."})
final class PromoteCommand extends TaggingCommand {
    @Parameters(index = "0", paramLabel = "SRC", description = "The source: registry/repository:tag or @sha256:digest.")
    String source;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DST",
            description = "A target: registry/repository[:tag]. Without a tag: the --tag tags, else the source's tag, "
                    + "else by digest only.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "Check that the source has this platform (repeatable). An index is only promoted whole.")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the plan (per target: current and new digest, blobs to mount, copy, "
            + "skip) and change nothing.")
    boolean dryRun;

    @Option(names = "--audit", paramLabel = "FILE",
            description = "Where the audit record goes (default: promotion-<UTC timestamp>.json in the current directory).")
    Path audit;

    @Option(names = "--approved-by", paramLabel = "USER",
            description = "Who approved the promotion, for the audit record's 'who' (default: GROCKER_APPROVED_BY, else "
                    + "BUILD_USER_ID, BUILD_USER, USER).")
    String approvedBy;

    @Mixin
    ScanOptions scan;

    @Mixin
    ReportOption report;

    @Option(names = "--build-url", paramLabel = "URL",
            description = "The build that promotes, for the audit record's 'build' (default: BUILD_URL).")
    String buildUrl;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        Map<String, String> env = env();
        ImageReference src = reference("SRC", source);
        if (src.tag() == null && src.digest() == null) {
            src = src.withTag("latest");
        }
        List<String> tags = tagOptions.tags(env);
        List<ImageReference> dsts = new ArrayList<>();
        for (String target : targets) {
            ImageReference dst = reference("DST", target);
            if (dst.digest() != null) {
                throw new InputException("DST '" + target + "' has a digest: a target is registry/repository[:tag]");
            }
            if (dst.tag() != null) {
                dsts.add(dst);
            } else if (!tags.isEmpty()) {
                for (String tag : tags) {
                    dsts.add(dst.withTag(tag));
                }
            } else {
                dsts.add(src.tag() != null ? dst.withTag(src.tag()) : dst);
            }
        }
        List<Platform> wanted = new ArrayList<>();
        for (String p : platforms) {
            try {
                wanted.add(Platform.parse(p));
            } catch (InputException e) {
                throw new InputException("--platform: " + e.getMessage());
            }
        }
        Clock clock = Clock.systemUTC();
        Path auditFile = audit != null ? audit : Path.of("promotion-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant()) + ".json");
        TagGuard guard = TagGuard.of(tagOptions.protect, tagOptions.force, true);
        Scanner scanner = scan.scanner(env);
        report.check();
        PromotionRequest request = new PromotionRequest(src, Promoter.distinct(dsts), wanted, guard, dryRun,
                dryRun ? null : auditFile, who(env), buildUrl != null && !buildUrl.isBlank() ? buildUrl.trim() : PromotionRequest.build(env),
                scanner);
        RegistryClient client = registryOptions.client(env);
        long start = System.nanoTime();
        java.time.Instant startedAt = clock.instant().minusSeconds(1);
        PromotionRecord record;
        try {
            record = new Promoter(client, new ConsoleReporter(out, verbose), registryOptions.jobs, clock).promote(request);
        } catch (GrockerException e) {
            PromotionRecord failed = e instanceof ScanException s && s.result() instanceof PromotionRecord r ? r
                    : dryRun ? null : readAudit(auditFile, startedAt);
            if (failed != null) {
                writeResult(failed);
                report.promotion(failed, guard.describe(), approver(env));
            }
            throw e;
        }
        writeResult(record);
        report.promotion(record, guard.describe(), approver(env));
        if (!dryRun) {
            out.printf("done in %.1fs: %s, %d bytes through the client (%d in, %d out); audit: %s%n",
                    (System.nanoTime() - start) / 1e9, record.source().digest(), client.bytesRead() + client.bytesWritten(),
                    client.bytesRead(), client.bytesWritten(), auditFile);
        }
        out.flush();
        return 0;
    }

    /** The explicit approver (--approved-by, else GROCKER_APPROVED_BY), or null when the promotion had no approval step. */
    private String approver(Map<String, String> env) {
        for (String value : new String[] {approvedBy, env.get("GROCKER_APPROVED_BY")}) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    /** The audit record this run wrote (after {@code start}), for the report of a refused or failed promotion. */
    private static PromotionRecord readAudit(Path auditFile, java.time.Instant start) {
        try {
            if (!java.nio.file.Files.isRegularFile(auditFile)
                    || java.nio.file.Files.getLastModifiedTime(auditFile).toInstant().isBefore(start)) {
                return null;
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(auditFile.toFile(), PromotionRecord.class);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The approver: --approved-by, else GROCKER_APPROVED_BY (set by the Jenkins steps), else who runs the command. */
    private String who(Map<String, String> env) {
        for (String value : new String[] {approvedBy, env.get("GROCKER_APPROVED_BY")}) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return PromotionRequest.who(env);
    }

    static ImageReference reference(String what, String text) throws InputException {
        try {
            return ImageReference.parse(text);
        } catch (InputException e) {
            throw new InputException(what + ": " + e.getMessage());
        }
    }
}
