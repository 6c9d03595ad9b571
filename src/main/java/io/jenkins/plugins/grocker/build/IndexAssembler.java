package io.jenkins.plugins.grocker.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code grocker index}: one multi-arch index per image from several per-platform results (the
 * {@code --output-json} of {@code grocker base} or {@code runner}, typically run with {@code --no-tag}, one agent per
 * platform). For every repository it gathers each platform's manifest digest from the results, checks that every
 * manifest is in the registry, pushes one OCI index over them by digest, and only when every index is pushed moves
 * the tags the results list, parents first, each write checked against the parent's tags ({@link TagImagesStep}, as
 * {@code grocker base} does, so concurrent builds leave one consistent set). Its result has the shape of the inputs,
 * with every platform in one image, and the tags that name its indexes when they were read back.
 * Thread-safe (no state but the client and listener).
 */
public final class IndexAssembler {
    private final RegistryClient registry;
    private final BuildListener listener;

    public IndexAssembler(RegistryClient registry, BuildListener listener) {
        this.registry = registry;
        this.listener = listener;
    }

    /** One image gathered from the results. */
    private static final class Gathered {
        final String name;
        final ImageReference repository;
        final String parent;
        final String from;
        final Set<String> tags = new LinkedHashSet<>();
        final Map<String, BuildResult.PlatformResult> platforms = new LinkedHashMap<>();
        final Map<String, Path> sources = new LinkedHashMap<>();

        Gathered(String name, ImageReference repository, String parent, String from) {
            this.name = name;
            this.repository = repository;
            this.parent = parent;
            this.from = from;
        }
    }

    /** Reads the results, pushes the indexes, moves the tags; returns the merged result. */
    public BuildResult assemble(List<Path> results) throws GrockerException {
        if (results.isEmpty()) {
            throw new InputException("--result: give at least one result file");
        }
        Map<String, Gathered> images = new LinkedHashMap<>();
        String spec = null;
        for (Path file : results) {
            JsonNode json = read(file);
            spec = spec != null ? spec : json.path("spec").asText(null);
            int i = 0;
            for (JsonNode image : json.path("images")) {
                gather(file, i++, image, images);
            }
        }
        Map<String, Manifest> indexes = new LinkedHashMap<>();
        for (Gathered image : images.values()) {
            List<Map.Entry<Platform, Descriptor>> children = new ArrayList<>();
            for (BuildResult.PlatformResult p : image.platforms.values()) {
                ImageReference child = image.repository.withDigest(p.digest());
                Optional<Descriptor> found = registry.head(child);
                if (found.isEmpty()) {
                    throw new InputException("--result " + image.sources.get(p.platform()) + ": " + child + " (" + p.platform()
                            + ") is not in the registry; nothing was indexed or tagged");
                }
                if (!MediaTypes.isImageManifest(found.get().mediaType())) {
                    throw new InputException("--result " + image.sources.get(p.platform()) + ": " + child + " is a "
                            + found.get().mediaType() + ", not one platform's image manifest");
                }
                children.add(Map.entry(Platform.parse(p.platform()), found.get()));
            }
            Manifest index = ImageIndex.create(children, Map.of());
            registry.putManifest(image.repository, index);
            indexes.put(image.repository.name(), index);
            listener.on(new BuildEvent.Info("pushed index " + image.repository.name() + "@" + index.digest() + " over "
                    + String.join(", ", image.platforms.keySet())));
        }
        Map<String, List<String>> tagged = new TagImagesStep(registry, tagOrder(images.values()), indexes, listener).call();
        List<BuildResult.ImageResult> merged = new ArrayList<>();
        for (Gathered image : images.values()) {
            Manifest index = indexes.get(image.repository.name());
            boolean built = image.platforms.values().stream().anyMatch(p -> p.status() == Status.BUILT);
            merged.add(new BuildResult.ImageResult(image.name, image.repository.name(), image.parent, image.from,
                    built ? Status.BUILT : Status.REUSED, new BuildResult.IndexResult(index.digest(), MediaTypes.OCI_INDEX, index.size()),
                    tagged.get(image.repository.name()), new ArrayList<>(image.platforms.values())));
        }
        return new BuildResult(spec, true, merged);
    }

    /**
     * The images to tag, known by repository, parents before children; an image's parent is the gathered image of
     * that name, when there is one.
     */
    private static List<TagImagesStep.Image> tagOrder(Collection<Gathered> images) {
        Map<String, Gathered> byName = new LinkedHashMap<>();
        images.forEach(g -> {
            if (g.name != null) {
                byName.putIfAbsent(g.name, g);
            }
        });
        List<TagImagesStep.Image> order = new ArrayList<>();
        Set<Gathered> placed = new LinkedHashSet<>();
        for (Gathered image : images) {
            place(image, byName, placed, order, new LinkedHashSet<>());
        }
        return order;
    }

    private static void place(Gathered image, Map<String, Gathered> byName, Set<Gathered> placed, List<TagImagesStep.Image> order,
            Set<Gathered> visiting) {
        if (placed.contains(image) || !visiting.add(image)) {
            return;
        }
        Gathered parent = image.parent == null ? null : byName.get(image.parent);
        if (parent != null && visiting.contains(parent)) {
            parent = null; // a cycle in hand-written results: tagged without the check
        }
        if (parent != null) {
            place(parent, byName, placed, order, visiting);
        }
        placed.add(image);
        order.add(new TagImagesStep.Image(image.repository.name(), parent == null ? null : parent.repository.name(),
                image.repository, List.copyOf(image.tags)));
    }

    private static JsonNode read(Path file) throws InputException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException("--result: cannot read " + file + ": " + e.getMessage().replaceAll("\\s+", " "));
        }
        if (json == null || !json.path("images").isArray() || json.path("images").isEmpty()) {
            throw new InputException("--result: " + file + " has no images[] (expected the --output-json of grocker base or runner)");
        }
        if (!json.path("pushed").asBoolean(false)) {
            throw new InputException("--result: " + file + " says nothing was pushed (run base or runner with --push --no-tag)");
        }
        return json;
    }

    private static void gather(Path file, int i, JsonNode image, Map<String, Gathered> images) throws InputException {
        String where = "--result " + file + ": images[" + i + "]";
        ImageReference repository;
        try {
            repository = ImageReference.parse(image.path("repository").asText(""));
        } catch (InputException e) {
            throw new InputException(where + ": field 'repository': " + e.getMessage());
        }
        Gathered g = images.computeIfAbsent(repository.name(), k -> new Gathered(image.path("name").asText(null), repository,
                image.path("parent").asText(null), image.path("from").asText(null)));
        for (JsonNode tag : image.path("tags")) {
            String ref = tag.asText("");
            String prefix = repository.name() + ":";
            if (!ref.startsWith(prefix)) {
                throw new InputException(where + ": field 'tags': " + ref + " is not a tag of " + repository.name());
            }
            g.tags.add(ref.substring(prefix.length()));
        }
        for (JsonNode p : image.path("platforms")) {
            String platform = p.path("platform").asText("");
            String text = p.path("digest").asText("");
            if (text.isEmpty()) {
                throw new InputException(where + ": platform " + platform + " has no digest (was it pushed?)");
            }
            Digest digest = Digest.parse(text, where + ": field 'digest'");
            try {
                Platform.parse(platform);
            } catch (InputException e) {
                throw new InputException(where + ": field 'platform': " + e.getMessage());
            }
            BuildResult.PlatformResult before = g.platforms.get(platform);
            if (before != null && !before.digest().equals(digest)) {
                throw new InputException(where + ": " + repository.name() + " " + platform + " is " + digest + " here but "
                        + before.digest() + " in " + g.sources.get(platform) + ": one result per platform");
            }
            if (before == null) {
                List<BuildResult.Attachment> attachments = new java.util.ArrayList<>();
                for (JsonNode a : p.path("attachments")) {
                    if (Digest.isValid(a.path("digest").asText(null))) {
                        attachments.add(new BuildResult.Attachment(a.path("kind").asText(null), a.path("artifactType").asText(null),
                                Digest.of(a.path("digest").asText()), a.path("via").asText(null)));
                    }
                }
                g.platforms.put(platform, new BuildResult.PlatformResult(platform, digest, p.path("imageId").asText(null),
                        p.path("key").asText(null), Status.parse(p.path("status").asText(null)),
                        Reason.recorded(p.path("reason").asText("")),
                        p.path("seconds").asDouble(0), p.path("engine").asText(null), attachments, null));
                g.sources.put(platform, file);
            }
        }
    }
}
