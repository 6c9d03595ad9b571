package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the tags, last, one after the other: tags that exist first, new tags after them. Before the first, it
 * reads the manifest each moving tag points to now; when a tag fails (after the client's retries), the tags this
 * step already moved are put back on those manifests, so a failed promotion leaves existing tags where they
 * were. A new tag cannot be taken back (OCI registries do not delete tags), which is why new tags go last: with
 * at most one new tag a failure changes no tag at all; with several, a new tag written before the failure stays,
 * on the complete new image, and the record says {@code not-rolled-back}. Returns each target's
 * outcome: {@code tagged}, {@code unchanged}, {@code digest-only}, or after a failure {@code failed},
 * {@code rolled-back}, {@code not-rolled-back}, {@code not-tagged}.
 */
final class MoveTagsStep {
    private final RegistryClient registry;
    private final Manifest root;
    private final List<PromotionPlan.Target> targets;
    private final BuildListener listener;
    private final Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> outcomes = new LinkedHashMap<>();

    MoveTagsStep(RegistryClient registry, Manifest root, List<PromotionPlan.Target> targets, BuildListener listener) {
        this.registry = registry;
        this.root = root;
        this.targets = List.copyOf(targets);
        this.listener = listener;
    }

    /** Outcomes so far, also after {@link #call()} threw. */
    Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> outcomes() {
        return outcomes;
    }

    Map<PromotionPlan.Target, PromotionRecord.TargetOutcome> call() throws GrockerException {
        Map<PromotionPlan.Target, Manifest> previous = new LinkedHashMap<>();
        for (PromotionPlan.Target t : targets) {
            outcomes.put(t, t.ref().tag() == null ? PromotionRecord.TargetOutcome.DIGEST_ONLY : t.moves(root.digest()) ? PromotionRecord.TargetOutcome.NOT_TAGGED : PromotionRecord.TargetOutcome.UNCHANGED);
            if (t.moves(root.digest()) && t.previousDigest() != null) {
                previous.put(t, registry.getManifest(t.ref().withDigest(t.previousDigest())));
            }
        }
        List<PromotionPlan.Target> ordered = new ArrayList<>(targets);
        ordered.sort(java.util.Comparator.comparing(t -> t.previousDigest() == null));
        List<PromotionPlan.Target> moved = new ArrayList<>();
        for (PromotionPlan.Target t : ordered) {
            if (!t.moves(root.digest())) {
                if (t.ref().tag() != null) {
                    listener.on(new BuildEvent.Info(t.ref() + " already at " + TagGuard.short12(root.digest())));
                }
                continue;
            }
            try {
                registry.putManifest(t.ref(), t.ref().tag(), root);
            } catch (RegistryException e) {
                outcomes.put(t, PromotionRecord.TargetOutcome.FAILED);
                rollBack(moved, previous);
                throw e;
            }
            moved.add(t);
            outcomes.put(t, PromotionRecord.TargetOutcome.TAGGED);
            listener.on(new BuildEvent.Info("tagged " + t.ref() + (t.previousDigest() == null ? ""
                    : " (was " + TagGuard.short12(t.previousDigest()) + ")")));
        }
        return outcomes;
    }

    private void rollBack(List<PromotionPlan.Target> moved, Map<PromotionPlan.Target, Manifest> previous) {
        for (PromotionPlan.Target t : moved) {
            Manifest before = previous.get(t);
            if (before == null) {
                outcomes.put(t, PromotionRecord.TargetOutcome.NOT_ROLLED_BACK);
                continue;
            }
            try {
                registry.putManifest(t.ref(), t.ref().tag(), before);
                outcomes.put(t, PromotionRecord.TargetOutcome.ROLLED_BACK);
                listener.on(new BuildEvent.Info("put " + t.ref() + " back on " + TagGuard.short12(before.digest())));
            } catch (RegistryException e) {
                outcomes.put(t, PromotionRecord.TargetOutcome.NOT_ROLLED_BACK);
            }
        }
    }
}
