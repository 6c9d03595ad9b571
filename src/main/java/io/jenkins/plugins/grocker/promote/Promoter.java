package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.JsonFile;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Promotes an image or index, every platform, digest for digest, with what is attached to it, to one or more
 * targets, as steps: {@link ResolveSourceStep}, {@link ResolveAttachmentsStep} (referrers and cosign tags),
 * {@link PlanPromotionStep} (current digests, guard, blob actions), the scan gate ({@link ScanGate}; a dry run stops
 * here), then for each target repository {@link CopyBlobsStep} (mount inside a registry, stream across),
 * {@link PushManifestsStep} (children, then the index, by digest) and {@link PushAttachmentsStep}, and only when
 * every repository is complete, {@link MoveTagsStep}. Writes the audit record whatever the outcome (but for a dry run or bad input found before
 * the source was read). Emits {@link BuildEvent.Info} lines, never prints.
 *
 * <p>Thread-safe: an instance holds only the client, the listener (both thread-safe) and settings; each call
 * uses its own pool of {@code jobs} threads for blob work.
 */
public final class Promoter {
    private final RegistryClient registry;
    private final BuildListener listener;
    private final int jobs;
    private final Clock clock;

    public Promoter(RegistryClient registry, BuildListener listener, int jobs, Clock clock) {
        this.registry = registry;
        this.listener = listener;
        this.jobs = Math.max(1, jobs);
        this.clock = clock;
    }

    public PromotionRecord promote(PromotionRequest request) throws GrockerException {
        if (request.audit() != null && !request.dryRun()) {
            JsonFile.checkWritable(request.audit(), "--audit");
        }
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "grocker-promote");
            t.setDaemon(true);
            return t;
        });
        try {
            return run(request, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private PromotionRecord run(PromotionRequest request, ExecutorService pool) throws GrockerException {
        long start = System.nanoTime();
        SourceImage source;
        PromotionPlan plan;
        List<ScanResult> scans;
        try {
            source = new ResolveSourceStep(registry, request.source(), request.platforms(), pool).call();
            listener.on(new BuildEvent.Info("source " + request.source() + " " + source.digest() + " (" + kind(source) + ", "
                    + String.join(", ", source.platforms().stream().map(Platform::toString).toList()) + "; "
                    + (source.children().size() + 1) + " manifests, " + source.blobs().size() + " blobs, " + size(source.blobBytes()) + ")"));
            List<SourceAttachment> attachments = new ResolveAttachmentsStep(registry, source).call();
            for (SourceAttachment a : attachments) {
                listener.on(new BuildEvent.Info("carries " + describe(a)));
            }
            plan = new PlanPromotionStep(registry, source, request.targets(), request.guard(), pool, attachments).call();
            scans = scan(request, source, attachments);
        } catch (GrockerException e) {
            if (!request.dryRun()) {
                writeEarlyFailure(request, e);
            }
            throw e;
        }
        if (request.dryRun()) {
            return dryRun(request, plan).with(attachmentsPlanned(plan, "planned"), scans);
        }
        if (!plan.refusals().isEmpty()) {
            InputException refused = new InputException(String.join("; ", plan.refusals()));
            write(request, record(request, plan, targetsRefused(plan), CopyBlobsStep.Counts.NONE, PromotionRecord.Outcome.REFUSED,
                    refused.getMessage()).with(attachmentsPlanned(plan, "not-copied"), scans));
            throw refused;
        }
        if (scans.stream().anyMatch(r -> !r.passed())) {
            String message = "the scan gate refused " + Scanner.failures(scans) + ": nothing was copied and no tag was moved";
            PromotionRecord refused = record(request, plan, targetsRefused(plan), CopyBlobsStep.Counts.NONE,
                    PromotionRecord.Outcome.REFUSED, message).with(attachmentsPlanned(plan, "not-copied"), scans);
            write(request, refused);
            throw new ScanException(message, refused);
        }
        CopyBlobsStep.Counts counts = CopyBlobsStep.Counts.NONE;
        MoveTagsStep tags = new MoveTagsStep(registry, source.root(), plan.targets(), listener);
        List<PromotionRecord.Attachment> carried = new ArrayList<>();
        try {
            for (PromotionPlan.Repository repo : plan.repositories()) {
                CopyBlobsStep.Counts c = new CopyBlobsStep(registry, source.ref(), repo, pool).call();
                counts = counts.plus(c);
                listener.on(new BuildEvent.Info(repo.repository() + ": mounted " + c.mounted() + " blobs, copied " + c.copied()
                        + " (" + size(c.bytesCopied()) + "), skipped " + c.skipped()));
                new PushManifestsStep(registry, source, repo.repository()).call();
                listener.on(new BuildEvent.Info("pushed " + (source.root().isIndex() ? "index " : "manifest ")
                        + repo.repository() + "@" + source.digest()));
                for (PromotionRecord.Attachment a : new PushAttachmentsStep(registry, plan.attachments(), repo.repository()).call()) {
                    carried.add(a);
                    listener.on(new BuildEvent.Info(repo.repository() + ": " + a.outcome() + " " + (a.tag() != null ? "tag " + a.tag()
                            : (a.artifactType() == null ? "artifact" : a.artifactType())) + " " + a.digest()));
                }
            }
            tags.call();
        } catch (GrockerException | RuntimeException e) {
            try {
                write(request, record(request, plan, outcomes(plan, tags), counts, PromotionRecord.Outcome.FAILED, e.getMessage())
                        .with(withRest(carried, plan), scans));
            } catch (InputException notWritten) {
                e.addSuppressed(notWritten);
            }
            throw e;
        }
        PromotionRecord done = record(request, plan, outcomes(plan, tags), counts, PromotionRecord.Outcome.PROMOTED, null)
                .with(carried, scans);
        write(request, done);
        listener.on(new BuildEvent.Info(String.format(Locale.ROOT, "promoted %s to %d target(s) in %.1fs: mounted %d blobs, copied %d (%s), skipped %d",
                TagGuard.short12(source.digest()), plan.targets().size(), (System.nanoTime() - start) / 1e9,
                counts.mounted(), counts.copied(), size(counts.bytesCopied()), counts.skipped())));
        return done;
    }

    /** Every attachment for every target repository, with this outcome. */
    private List<PromotionRecord.Attachment> attachmentsPlanned(PromotionPlan plan, String outcome) {
        List<PromotionRecord.Attachment> all = new ArrayList<>();
        for (PromotionPlan.Repository repo : plan.repositories()) {
            all.addAll(new PushAttachmentsStep(registry, plan.attachments(), repo.repository()).planned(outcome));
        }
        return all;
    }

    /** What was carried, then the rest as not copied. */
    private List<PromotionRecord.Attachment> withRest(List<PromotionRecord.Attachment> carried, PromotionPlan plan) {
        List<PromotionRecord.Attachment> all = new ArrayList<>(carried);
        for (PromotionRecord.Attachment a : attachmentsPlanned(plan, "not-copied")) {
            if (all.stream().noneMatch(c -> c.repository().equals(a.repository()) && c.digest().equals(a.digest()))) {
                all.add(a);
            }
        }
        return all;
    }

    /**
     * The scan gate on every platform image of the source (each child of an index, or the one manifest), told the
     * image by digest in the source repository and given its SBOM when one travels with it. Empty without a scanner.
     */
    private List<ScanResult> scan(PromotionRequest request, SourceImage source, List<SourceAttachment> attachments)
            throws GrockerException {
        Scanner scanner = request.scanner();
        if (scanner == null) {
            return List.of();
        }
        Map<Digest, byte[]> sboms = new java.util.HashMap<>();
        for (SourceAttachment a : attachments) {
            if (CycloneDx.MEDIA_TYPE.equals(a.artifactType()) && a.children().isEmpty() && !sboms.containsKey(a.subject())) {
                ImageManifest artifact = ImageManifest.read(a.manifest(), "SBOM " + a.digest());
                sboms.put(a.subject(), artifact.layers().isEmpty() ? null : registry.getBlob(source.ref(), artifact.layers().get(0).digest()));
            }
        }
        source.children().forEach(c -> sboms.putIfAbsent(c.digest(), null));
        sboms.putIfAbsent(source.digest(), null);
        return new ScanGate(registry, scanner, listener).scan(source.ref(), source.root(),
                source.platforms().isEmpty() ? null : source.platforms().get(0), sboms);
    }

    private static String describe(SourceAttachment a) {
        String what = a.tag() != null ? "tag " + a.tag() : a.artifactType() == null ? "an artifact" : a.artifactType();
        return what + " " + a.digest() + " (about " + TagGuard.short12(a.subject()) + ")";
    }

    private PromotionRecord dryRun(PromotionRequest request, PromotionPlan plan) {
        Digest digest = plan.source().digest();
        for (PromotionPlan.Target t : plan.targets()) {
            String change = t.ref().tag() == null ? "by digest only"
                    : t.previousDigest() == null ? "new tag"
                    : t.previousDigest().equals(digest) ? "unchanged"
                    : t.refusal() != null ? "refused: " + t.refusal() : "moves";
            listener.on(new BuildEvent.Info("plan " + t.ref() + ": " + (t.previousDigest() == null ? "none" : t.previousDigest())
                    + " -> " + digest + " (" + change + ")"));
        }
        long mount = 0, copy = 0, skip = 0, bytes = 0;
        for (PromotionPlan.Repository repo : plan.repositories()) {
            listener.on(new BuildEvent.Info("plan " + repo.repository() + ": mount " + repo.count(PromotionPlan.BlobAction.MOUNT)
                    + " blobs, copy " + repo.count(PromotionPlan.BlobAction.COPY) + " (" + size(repo.bytes(PromotionPlan.BlobAction.COPY))
                    + "), skip " + repo.count(PromotionPlan.BlobAction.SKIP) + "; put " + (plan.source().children().size() + 1) + " manifests"));
            mount += repo.count(PromotionPlan.BlobAction.MOUNT);
            copy += repo.count(PromotionPlan.BlobAction.COPY);
            skip += repo.count(PromotionPlan.BlobAction.SKIP);
            bytes += repo.bytes(PromotionPlan.BlobAction.COPY);
            for (SourceAttachment a : plan.attachments()) {
                listener.on(new BuildEvent.Info("plan " + repo.repository() + ": carry " + describe(a)));
            }
        }
        listener.on(new BuildEvent.Info("dry run: nothing changed"));
        List<PromotionRecord.Target> targets = new ArrayList<>();
        for (PromotionPlan.Target t : plan.targets()) {
            targets.add(new PromotionRecord.Target(t.ref().toString(), t.previousDigest(), digest,
                    t.refusal() != null ? PromotionRecord.TargetOutcome.REFUSED : PromotionRecord.TargetOutcome.PLANNED, t.refusal()));
        }
        return new PromotionRecord(clock.instant().toString(), request.who(), request.build(), true, source(plan.source()),
                targets, new PromotionRecord.Blobs(mount, copy, skip, bytes), PromotionRecord.Outcome.DRY_RUN,
                plan.refusals().isEmpty() ? null : String.join("; ", plan.refusals()));
    }

    private static Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> targetsRefused(PromotionPlan plan) {
        Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> outcomes = new java.util.LinkedHashMap<>();
        plan.targets().forEach(t -> outcomes.put(t, t.refusal() != null ? PromotionRecord.TargetOutcome.REFUSED : PromotionRecord.TargetOutcome.NOT_TAGGED));
        return outcomes;
    }

    private static Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> outcomes(PromotionPlan plan, MoveTagsStep tags) {
        Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> outcomes = new java.util.LinkedHashMap<>();
        plan.targets().forEach(t -> outcomes.put(t, tags.outcomes().getOrDefault(t, PromotionRecord.TargetOutcome.NOT_TAGGED)));
        return outcomes;
    }

    private PromotionRecord record(PromotionRequest request, PromotionPlan plan, Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> outcomes,
            CopyBlobsStep.Counts counts, PromotionRecord.Outcome outcome, String error) {
        List<PromotionRecord.Target> targets = new ArrayList<>();
        for (PromotionPlan.Target t : plan.targets()) {
            targets.add(new PromotionRecord.Target(t.ref().toString(), t.previousDigest(), plan.source().digest(),
                    outcomes.get(t), t.refusal()));
        }
        return new PromotionRecord(clock.instant().toString(), request.who(), request.build(), false, source(plan.source()),
                targets, new PromotionRecord.Blobs(counts.mounted(), counts.copied(), counts.skipped(), counts.bytesCopied()),
                outcome, error);
    }

    /** The record of a promotion that failed before its source and targets were read: nothing was changed. */
    private void writeEarlyFailure(PromotionRequest request, GrockerException e) {
        List<PromotionRecord.Target> targets = new ArrayList<>();
        for (ImageReference t : request.targets()) {
            targets.add(new PromotionRecord.Target(t.toString(), null, null, PromotionRecord.TargetOutcome.NOT_TAGGED,
                    "failed before the target was read"));
        }
        PromotionRecord record = new PromotionRecord(clock.instant().toString(), request.who(), request.build(), false,
                new PromotionRecord.Source(request.source().toString(), null, null, List.of(), 0, 0, 0), targets,
                new PromotionRecord.Blobs(0, 0, 0, 0), PromotionRecord.Outcome.FAILED, e.getMessage());
        try {
            write(request, record);
        } catch (InputException notWritten) {
            e.addSuppressed(notWritten);
        }
    }

    private static PromotionRecord.Source source(SourceImage s) {
        return new PromotionRecord.Source(s.ref().toString(), s.digest(), s.root().mediaType(),
                s.platforms().stream().map(Platform::toString).toList(), s.children().size() + 1, s.blobs().size(), s.blobBytes());
    }

    private static void write(PromotionRequest request, PromotionRecord record) throws InputException {
        if (request.audit() != null) {
            JsonFile.write(request.audit(), record, "--audit");
        }
    }

    private static String kind(SourceImage s) {
        return s.root().isIndex() ? "index" : "single image";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** Targets without repeats, keeping the first. */
    public static List<ImageReference> distinct(List<ImageReference> targets) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(targets));
    }
}
