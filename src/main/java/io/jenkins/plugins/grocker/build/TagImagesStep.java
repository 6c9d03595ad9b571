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
 *   <li>right before each write, the parent's tags are read (for a parent without tags, those of the nearest image
 *       above it that has some): when one of them names another index than this run's (another build moved it),
 *       the image and everything below it are left to that build, which tags them itself after that parent; one
 *       line says so;</li>
 *   <li>after the last write, every tag is read again: when a tag naming this run's image sits below a parent tag
 *       (same rule) naming another build's (that build moved the parent between this run's check and its write),
 *       the run says so in one line and tags its whole set once more, at most {@link #ROUNDS} times in all, and
 *       fails after that. The tags that name the run's indexes in the last read are its result.</li>
 * </ol>
 */
final class TagImagesStep {
    /** How many times a run tags its set before it gives up on other builds that keep moving the same tags. */
    static final int ROUNDS = 3;

    /**
     * One image to tag.
     *
     * @param name unique in the set; names the image in log lines and in the indexes map
     * @param parent the name of the image it is built on, when that image is in the set too; else null
     */
    record Image(String name, String parent, ImageReference repository, List<String> tags) {
        Image {
            tags = List.copyOf(tags);
        }

        static Image of(BuildTarget target) {
            return new Image(target.name(), target.parent(), target.repository(), target.tags());
        }
    }

    private final RegistryClient registry;
    private final List<Image> order;
    private final Map<String, Image> byName = new LinkedHashMap<>();
    private final Map<String, Manifest> indexes;
    private final BuildListener listener;

    /**
     * @param order the images, parents before children
     * @param indexes each image's index by name, pushed
     */
    TagImagesStep(RegistryClient registry, List<Image> order, Map<String, Manifest> indexes, BuildListener listener) {
        this.registry = registry;
        this.order = List.copyOf(order);
        for (Image image : order) {
            if (image.parent() != null && !byName.containsKey(image.parent())) {
                throw new IllegalArgumentException(image.name() + " comes before its parent " + image.parent());
            }
            byName.put(image.name(), image);
        }
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
        for (Image target : order) {
            String parent = target.parent();
            if (parent != null && left.contains(parent)) {
                left.add(target.name());
                continue;
            }
            Image above = taggedAncestor(target);
            for (String tag : target.tags()) {
                Optional<String> moved = above == null ? Optional.empty() : movedTag(above);
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

    /**
     * The image whose tags a write of {@code target}'s tags is checked against: its parent, or, when the parent has no
     * tags, the nearest image above it that has some; null for a root (or nothing tagged above).
     */
    private Image taggedAncestor(Image target) {
        Image above = target.parent() == null ? null : byName.get(target.parent());
        while (above != null && above.tags().isEmpty()) {
            above = above.parent() == null ? null : byName.get(above.parent());
        }
        return above;
    }

    /** The first tag of {@code target} that does not name this run's index, said in words; empty when all do. */
    private Optional<String> movedTag(Image target) throws RegistryException, InputException {
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
        for (Image target : order) {
            for (String tag : target.tags()) {
                ImageReference ref = target.repository().withTag(tag);
                registry.head(ref).ifPresent(d -> now.put(ref, d.digest()));
            }
        }
        return now;
    }

    /** A tag naming this run's image on a parent whose tag names another build's, said in words. */
    private Optional<String> mixed(Map<ImageReference, Digest> now) throws InputException {
        for (Image target : order) {
            Image parent = taggedAncestor(target);
            if (parent == null) {
                continue;
            }
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
                            + parentIndex + (parent.name().equals(target.parent()) ? "" : " (through untagged images)") + ", but " + ref + " names " + (held == null ? "nothing" : held)
                            + " (another build moved it at the same moment)");
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, List<String>> named(Map<ImageReference, Digest> now) throws InputException {
        Map<String, List<String>> named = new LinkedHashMap<>();
        for (Image target : order) {
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
