package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Moves the spec's tags onto a run's indexes so that they describe one consistent set — every child's tag names an
 * image built on what its parent's tag names — even while other builds tag the same hierarchy. A registry offers no
 * compare-and-swap, so the order of reads and writes does the work:
 * <ol>
 *   <li>images parents first, each image's tags in the spec's order ({@link TagImageStep}; a tag already on the index
 *       is left alone);</li>
 *   <li>right before each write, the parent's tags are read: when one of them names another index than this run's
 *       parent (another build moved it), the image and everything below it are left to that build, which tags them
 *       itself after that parent; one line says so;</li>
 *   <li>after the last write, every tag is read again: when a tag this run wrote names its image while the parent's
 *       tag names another build's (that build moved the parent between this run's check and its write), the run
 *       tags its whole set once more, at most {@link #ROUNDS} times in all, and fails after that.</li>
 * </ol>
 */
final class TagImagesStep {
    /** How many times a run tags its set before it gives up on other builds that keep moving the same tags. */
    static final int ROUNDS = 3;

    private final RegistryClient registry;
    private final List<BuildTarget> order;
    private final Map<String, BuildTarget> byName = new LinkedHashMap<>();
    private final Map<String, Manifest> indexes;
    private final BuildListener listener;

    /**
     * @param order the run's targets, parents before children
     * @param indexes each target's index, pushed
     */
    TagImagesStep(RegistryClient registry, List<BuildTarget> order, Map<String, Manifest> indexes, BuildListener listener) {
        this.registry = registry;
        this.order = List.copyOf(order);
        order.forEach(t -> byName.put(t.name(), t));
        this.indexes = indexes;
        this.listener = listener;
    }

    /** Tags; returns, per target, the tags that name its index at the end. */
    Map<String, List<String>> call() throws RegistryException, InputException {
        for (int round = 1; ; round++) {
            writeAll();
            Map<ImageReference, Digest> now = readAll();
            Optional<String> mixed = mixed(now);
            if (mixed.isEmpty()) {
                return named(now);
            }
            if (round == ROUNDS) {
                throw new RegistryException(mixed.get() + "; other builds keep moving these tags: run this build again");
            }
            listener.on(new BuildEvent.Info(mixed.get() + "; tagging again"));
        }
    }

    private void writeAll() throws RegistryException, InputException {
        Set<String> left = new HashSet<>();
        for (BuildTarget target : order) {
            String parent = target.parent();
            if (parent != null && left.contains(parent)) {
                left.add(target.name());
                continue;
            }
            for (String tag : target.tags()) {
                Optional<String> moved = parent == null ? Optional.empty() : movedTag(byName.get(parent));
                if (moved.isPresent()) {
                    left.add(target.name());
                    listener.on(new BuildEvent.Info("tags of " + target.name() + " and of the images built on it left to another build: "
                            + moved.get()));
                    break;
                }
                ImageReference ref = target.repository().withTag(tag);
                boolean changed = new TagImageStep(registry, ref, indexes.get(target.name())).call();
                listener.on(new BuildEvent.Info((changed ? "tagged " : "unchanged ") + ref));
            }
        }
    }

    /** The first tag of {@code target} that does not name this run's index, said in words; empty when all do. */
    private Optional<String> movedTag(BuildTarget target) throws RegistryException, InputException {
        Digest ours = indexes.get(target.name()).digest();
        for (String tag : target.tags()) {
            ImageReference ref = target.repository().withTag(tag);
            Optional<Digest> now = registry.head(ref).map(Descriptor::digest);
            if (!now.equals(Optional.of(ours))) {
                return Optional.of(ref + " names " + now.map(Digest::toString).orElse("nothing") + ", not this build's " + ours);
            }
        }
        return Optional.empty();
    }

    private Map<ImageReference, Digest> readAll() throws RegistryException, InputException {
        Map<ImageReference, Digest> now = new LinkedHashMap<>();
        for (BuildTarget target : order) {
            for (String tag : target.tags()) {
                ImageReference ref = target.repository().withTag(tag);
                registry.head(ref).ifPresent(d -> now.put(ref, d.digest()));
            }
        }
        return now;
    }

    /** A tag naming this run's image on a parent whose tag names another build's, said in words. */
    private Optional<String> mixed(Map<ImageReference, Digest> now) throws InputException {
        for (BuildTarget target : order) {
            if (target.parent() == null) {
                continue;
            }
            BuildTarget parent = byName.get(target.parent());
            ImageReference ours = null;
            for (String tag : target.tags()) {
                ImageReference ref = target.repository().withTag(tag);
                if (indexes.get(target.name()).digest().equals(now.get(ref))) {
                    ours = ref;
                    break;
                }
            }
            if (ours == null) {
                continue;
            }
            Digest parentIndex = indexes.get(parent.name()).digest();
            for (String tag : parent.tags()) {
                ImageReference ref = parent.repository().withTag(tag);
                Digest held = now.get(ref);
                if (!parentIndex.equals(held)) {
                    return Optional.of(ours + " names this build's image, built on " + parent.repository().name() + "@"
                            + parentIndex + ", but " + ref + " names " + (held == null ? "nothing" : held)
                            + " (another build moved it at the same moment)");
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, List<String>> named(Map<ImageReference, Digest> now) throws InputException {
        Map<String, List<String>> named = new LinkedHashMap<>();
        for (BuildTarget target : order) {
            List<String> tags = new ArrayList<>();
            for (String tag : target.tags()) {
                ImageReference ref = target.repository().withTag(tag);
                if (indexes.get(target.name()).digest().equals(now.get(ref))) {
                    tags.add(ref.toString());
                }
            }
            named.put(target.name(), tags);
        }
        return named;
    }
}
