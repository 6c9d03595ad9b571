package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.JsonFile;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.promote.PromotionRequest;
import io.jenkins.plugins.grocker.purge.PurgePlan;
import io.jenkins.plugins.grocker.purge.PurgePolicy;
import io.jenkins.plugins.grocker.purge.PurgeRecord;
import io.jenkins.plugins.grocker.purge.PurgeSelection;
import io.jenkins.plugins.grocker.purge.Purger;
import io.jenkins.plugins.grocker.purge.RepositoryScanner;
import io.jenkins.plugins.grocker.purge.RepositoryState;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grocker purge REPOSITORY...}: removes superseded content-addressed images from repositories. */
@Command(name = "purge",
        description = {"Removes superseded content from repositories: the content-addressed gk-<key> tags and their "
                + "manifests beyond the newest N per platform (--keep-last) and/or older than an age (--older-than), "
                + "with what is attached to them (SBOM, provenance, cosign tags). Never a release tag, any other tag "
                + "that is not a cache tag, or anything a kept tag reaches (index children and attachments included). "
                + "Checks that no tag moved since it read them before deleting anything. Writes an audit record. The "
                + "registry must allow deletion (distribution: storage.delete.enabled); blobs are freed by its garbage "
                + "collection."})
final class PurgeCommand extends RegistryBackedCommand {
    @Parameters(index = "0..*", arity = "1..*", paramLabel = "REPOSITORY",
            description = "A repository: registry/repository (no tag or digest).")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--keep-last", paramLabel = "N",
            description = "Keep the N newest cache tags per platform of each repository (by the image's creation time).")
    Integer keepLast;

    @Option(names = "--older-than", paramLabel = "AGE",
            description = "Remove only cache tags of images older than AGE: 30d, 2w, 12h, 90m, or ISO-8601 (P30D). With "
                    + "--keep-last too, a tag goes only when both say so.")
    String olderThan;

    @Option(names = "--dry-run", description = "Print what would be deleted and what is kept, and why; delete nothing.")
    boolean dryRun;

    @Option(names = "--audit", paramLabel = "FILE",
            description = "Where the audit record goes (default: purge-<UTC timestamp>.json in the current directory; none "
                    + "for a dry run).")
    Path audit;

    @Option(names = "--candidates", paramLabel = "REGEX",
            description = "The tags that may be removed, as a regular expression a whole tag must match (default: "
                    + PurgePolicy.DEFAULT_CANDIDATES + ", the cache tags grocker writes).")
    String candidates;

    @Option(names = "--protect", paramLabel = "REGEX",
            description = "Release tags, never removed, nor what they reach (repeatable; replaces the default 'v[0-9].*' "
                    + "and 'X.Y.Z[-pre]'). Every tag that is not a candidate is kept anyway.")
    List<String> protect = new ArrayList<>();

    @Option(names = "--build-url", paramLabel = "URL", description = "The build that purges, for the audit record (default: BUILD_URL).")
    String buildUrl;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = env();
        PrintWriter out = out();
        Duration age = olderThan == null ? null : PurgePolicy.parseAge(olderThan, "--older-than");
        PurgePolicy policy = PurgePolicy.of(candidates, protect, keepLast, age);
        List<ImageReference> repos = new ArrayList<>();
        for (String r : repositories) {
            ImageReference repo = PromoteCommand.reference("REPOSITORY", r);
            if (repo.tag() != null || repo.digest() != null) {
                throw new InputException("REPOSITORY '" + r + "' has a tag or digest: give registry/repository");
            }
            repos.add(repo);
        }
        Clock clock = Clock.systemUTC();
        Path auditFile = dryRun ? null : audit != null ? audit : Path.of("purge-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant()) + ".json");
        if (auditFile != null) {
            JsonFile.checkWritable(auditFile, "--audit");
        }
        RegistryClient client = registryOptions.client(env);
        RepositoryScanner scanner = new RepositoryScanner(client);
        Purger purger = new Purger(client);
        PurgeRecord.Policy recordPolicy = new PurgeRecord.Policy(keepLast, olderThan, policy.candidates().pattern(),
                policy.releaseTags().stream().map(java.util.regex.Pattern::pattern).toList());
        String who = PromotionRequest.who(env);
        String build = buildUrl != null && !buildUrl.isBlank() ? buildUrl.trim() : PromotionRequest.build(env);
        List<PurgeRecord.Repository> done = new ArrayList<>();
        String outcome = dryRun ? "dry-run" : "purged";
        String error = null;
        for (ImageReference repo : repos) {
            RepositoryState state;
            try {
                state = scanner.scan(repo);
            } catch (RegistryException e) {
                outcome = "failed";
                error = e.getMessage();
                break;
            }
            Instant now = clock.instant();
            PurgePlan plan = PurgeSelection.select(state, policy, now);
            print(out, repo, plan);
            if (dryRun) {
                done.add(new PurgeRecord.Repository(repo.name(), plan.deletions().stream().map(d -> deletion(d, "planned")).toList(),
                        plan.kept(), "dry-run"));
                continue;
            }
            Purger.Result result = purger.execute(repo, state, plan);
            List<PurgeRecord.Deletion> deletions = new ArrayList<>();
            for (int i = 0; i < plan.deletions().size(); i++) {
                deletions.add(deletion(plan.deletions().get(i), result.steps().get(i).outcome()));
            }
            done.add(new PurgeRecord.Repository(repo.name(), deletions, plan.kept(), result.outcome()));
            out.println(repo.name() + ": " + result.outcome() + ", " + result.deleted() + " of " + plan.deletions().size()
                    + " manifests deleted");
            if (!result.outcome().equals("purged")) {
                outcome = result.outcome();
                error = result.error();
                break;
            }
        }
        PurgeRecord record = new PurgeRecord(clock.instant().toString(), who, build, dryRun, recordPolicy, done, outcome, error);
        if (auditFile != null) {
            JsonFile.write(auditFile, record, "--audit");
        }
        writeResult(record);
        if (auditFile != null) {
            out.println("audit: " + auditFile);
        }
        out.flush();
        if (error != null) {
            throw new RegistryException(error);
        }
        return 0;
    }

    private static PurgeRecord.Deletion deletion(PurgePlan.Deletion d, String outcome) {
        return new PurgeRecord.Deletion(d.digest(), d.tags(), d.reason(), d.attachmentOf(), outcome);
    }

    private void print(PrintWriter out, ImageReference repo, PurgePlan plan) {
        String verb = dryRun ? "would delete " : "delete ";
        for (PurgePlan.Deletion d : plan.deletions()) {
            out.println(repo.name() + ": " + verb + d.digest() + (d.tags().isEmpty() ? "" : " (" + String.join(", ", d.tags()) + ")")
                    + ": " + d.reason());
        }
        for (PurgePlan.Kept k : plan.kept()) {
            if (verbose || !k.reason().equals("not a cache tag")) {
                out.println(repo.name() + ": keep " + k.tag() + ": " + k.reason());
            }
        }
        out.println(repo.name() + ": " + plan.deletions().size() + " manifests to delete, " + plan.kept().size() + " tags kept"
                + (dryRun ? " (dry run: nothing deleted)" : ""));
        out.flush();
    }
}
