package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.Parallel;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Looks at the targets without changing anything: the digest each target tag points to now (and whether the
 * guard lets it move), and for each target repository which blobs it has already (skip), which the registry can
 * mount from the source repository (same registry) and which must be copied (another registry).
 */
final class PlanPromotionStep {
    private final RegistryClient registry;
    private final SourceImage source;
    private final List<ImageReference> targets;
    private final TagGuard guard;
    private final ExecutorService pool;
    private final List<SourceAttachment> attachments;

    PlanPromotionStep(RegistryClient registry, SourceImage source, List<ImageReference> targets, TagGuard guard,
            ExecutorService pool, List<SourceAttachment> attachments) {
        this.registry = registry;
        this.source = source;
        this.targets = List.copyOf(targets);
        this.guard = guard;
        this.pool = pool;
        this.attachments = List.copyOf(attachments);
    }

    PromotionPlan call() throws GrockerException {
        List<Parallel.Task<PromotionPlan.Target>> heads = new ArrayList<>();
        for (ImageReference target : targets) {
            heads.add(() -> target(target));
        }
        List<PromotionPlan.Target> planned = Parallel.all(pool, "reading the targets", heads);
        Map<String, ImageReference> repositories = new LinkedHashMap<>();
        for (ImageReference target : targets) {
            repositories.putIfAbsent(target.name(), ImageReference.of(target.registry(), target.repository()));
        }
        List<PromotionPlan.Repository> repoPlans = new ArrayList<>();
        for (ImageReference repo : repositories.values()) {
            repoPlans.add(repository(repo));
        }
        return new PromotionPlan(source, planned, repoPlans, attachments);
    }

    private PromotionPlan.Target target(ImageReference target) throws GrockerException {
        if (target.tag() == null) {
            return new PromotionPlan.Target(target, null, null);
        }
        Digest previous = registry.head(target).map(Descriptor::digest).orElse(null);
        String refusal = guard.refusal(target.toString(), target.tag(), previous, source.digest()).orElse(null);
        return new PromotionPlan.Target(target, previous, refusal);
    }

    private PromotionPlan.Repository repository(ImageReference repo) throws GrockerException {
        boolean sameRegistry = repo.registry().equalsIgnoreCase(source.ref().registry());
        boolean sameRepository = sameRegistry && repo.repository().equals(source.ref().repository());
        List<Parallel.Task<Map.Entry<Descriptor, PromotionPlan.BlobAction>>> checks = new ArrayList<>();
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        source.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
        attachments.forEach(a -> a.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b)));
        for (Descriptor blob : blobs.values()) {
            checks.add(() -> {
                if (sameRepository || registry.blobSize(repo, blob.digest()).isPresent()) {
                    return Map.entry(blob, PromotionPlan.BlobAction.SKIP);
                }
                return Map.entry(blob, sameRegistry ? PromotionPlan.BlobAction.MOUNT : PromotionPlan.BlobAction.COPY);
            });
        }
        Map<Descriptor, PromotionPlan.BlobAction> actions = new LinkedHashMap<>();
        for (Map.Entry<Descriptor, PromotionPlan.BlobAction> e : Parallel.all(pool, "looking for blobs in " + repo, checks)) {
            actions.put(e.getKey(), e.getValue());
        }
        return new PromotionPlan.Repository(repo, actions);
    }
}
