package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import io.jenkins.plugins.grocker.ScanException;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * {@code grocker publish}: (re)tags what a result file ({@code --output-json} of {@code grocker base} or
 * {@code runner}) describes, without building. For every image ({@code images[].repository},
 * {@code images[].index.digest}) it first checks that the index and all its children are in the registry and that
 * the guard lets each tag move (release tags stay unless forced); only then does it write the tags, all images'
 * tags last. Thread-safe (no state but the client and listener).
 */
public final class Publisher {
    /** One tag written (or left, when {@code moved} is false). */
    public record Tagged(String image, Digest digest, String tag, Digest previousDigest, boolean moved) {}

    private final RegistryClient registry;
    private final BuildListener listener;

    public Publisher(RegistryClient registry, BuildListener listener) {
        this.registry = registry;
        this.listener = listener;
    }

    /** The {@code (repository, index digest)} pairs of a result file. */
    public static List<ImageReference> read(Path resultFile) throws InputException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(resultFile.toFile());
        } catch (IOException e) {
            throw new InputException("--result: cannot read " + resultFile + ": " + e.getMessage().replaceAll("\\s+", " "));
        }
        if (json == null || !json.path("images").isArray() || json.path("images").isEmpty()) {
            throw new InputException("--result: " + resultFile + " has no images[] (expected the --output-json of grocker base or runner)");
        }
        List<ImageReference> images = new ArrayList<>();
        int i = 0;
        for (JsonNode image : json.path("images")) {
            String repository = image.path("repository").asText("");
            String digest = image.path("index").path("digest").asText("");
            if (repository.isEmpty() || digest.isEmpty()) {
                throw new InputException("--result: " + resultFile + ": images[" + i + "] ("
                        + image.path("name").asText("?") + ") has no repository or index.digest (was it pushed?)");
            }
            try {
                images.add(ImageReference.parse(repository).withDigest(Digest.parse(digest, "index.digest")));
            } catch (InputException e) {
                throw new InputException("--result: " + resultFile + ": images[" + i + "]: " + e.getMessage());
            }
            i++;
        }
        return images;
    }

    /** Verifies every image, then writes every tag. */
    public List<Tagged> publish(List<ImageReference> images, List<String> tags, TagGuard guard, boolean dryRun)
            throws GrockerException {
        return publish(images, tags, guard, dryRun, null).tags();
    }

    /** What a publication did: the tags, and the scan gate's results (empty without a scanner). */
    public record Published(boolean dryRun, List<Tagged> tags, List<ScanResult> scans) {
        public Published {
            tags = List.copyOf(tags);
            scans = List.copyOf(scans);
        }
    }

    /**
     * Verifies every image, runs the scan gate on every platform image (when {@code scanner} is not null; a dry run
     * scans too, and reports), then writes every tag.
     *
     * @throws ScanException when a scan failed: no tag was written; its result is the {@link Published} with the scans
     */
    public Published publish(List<ImageReference> images, List<String> tags, TagGuard guard, boolean dryRun, Scanner scanner)
            throws GrockerException {
        List<Manifest> indexes = new ArrayList<>();
        List<Tagged> plan = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (ImageReference image : images) {
            Manifest index = verify(image);
            indexes.add(index);
            for (String tag : tags) {
                ImageReference target = image.withTag(tag);
                Digest previous = registry.head(target).map(Descriptor::digest).orElse(null);
                guard.refusal(target.toString(), tag, previous, index.digest()).ifPresent(refusals::add);
                plan.add(new Tagged(image.name(), index.digest(), tag, previous, !index.digest().equals(previous)));
            }
        }
        if (!refusals.isEmpty()) {
            throw new InputException(String.join("; ", refusals));
        }
        List<ScanResult> scans = new ArrayList<>();
        if (scanner != null) {
            for (int i = 0; i < images.size(); i++) {
                Platform single = indexes.get(i).isIndex() ? null
                        : registry.platforms(images.get(i)).keySet().iterator().next();
                scans.addAll(new ScanGate(registry, scanner, listener).scan(images.get(i), indexes.get(i), single, Map.of()));
            }
            if (!dryRun && scans.stream().anyMatch(r -> !r.passed())) {
                throw new ScanException("the scan gate refused " + Scanner.failures(scans) + ": no tag was moved",
                        new Published(false, List.of(), scans));
            }
        }
        if (dryRun) {
            plan.forEach(t -> listener.on(new BuildEvent.Info("plan " + t.image() + ":" + t.tag() + ": "
                    + (t.previousDigest() == null ? "none" : t.previousDigest()) + " -> " + t.digest())));
            listener.on(new BuildEvent.Info("dry run: nothing changed"));
            return new Published(true, plan, scans);
        }
        int n = 0;
        for (int i = 0; i < images.size(); i++) {
            for (String tag : tags) {
                Tagged t = plan.get(n++);
                ImageReference target = images.get(i).withTag(tag);
                if (t.moved()) {
                    registry.putManifest(target, tag, indexes.get(i));
                    listener.on(new BuildEvent.Info("tagged " + target));
                } else {
                    listener.on(new BuildEvent.Info(target + " already at " + TagGuard.short12(t.digest())));
                }
            }
        }
        return new Published(false, plan, scans);
    }

    /** The index (or single manifest) by digest, and each child by digest: all must be there. */
    private Manifest verify(ImageReference image) throws GrockerException {
        Manifest index;
        try {
            index = registry.getManifest(image);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new InputException(image + " is not in the registry: " + e.getMessage());
            }
            throw e;
        }
        if (index.isIndex()) {
            for (ImageIndex.Entry child : ImageIndex.read(index, "index " + image).entries()) {
                Optional<Descriptor> found = registry.head(image.withDigest(child.descriptor().digest()));
                if (found.isEmpty()) {
                    throw new InputException("index " + image + " names " + child.descriptor().digest() + " ("
                            + (child.platform() == null ? "?" : child.platform()) + "), which is not in the registry; nothing tagged");
                }
            }
        }
        listener.on(new BuildEvent.Info("verified " + image));
        return index;
    }
}
