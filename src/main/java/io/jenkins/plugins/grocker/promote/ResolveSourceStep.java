package io.jenkins.plugins.grocker.promote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the source: its manifest, every child manifest by digest, and the blobs they name. Checks a
 * {@code --platform} filter: every platform named must be in the source, and an index is only promoted whole
 * (a subset would be a new index with another digest). A source that does not exist is an input error.
 */
final class ResolveSourceStep {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DEPTH = 4;

    private final RegistryClient registry;
    private final ImageReference source;
    private final List<Platform> wanted;
    private final java.util.concurrent.ExecutorService pool;

    /** @param pool reads the children of an index at the same time; null to read them one by one */
    ResolveSourceStep(RegistryClient registry, ImageReference source, List<Platform> wanted,
            java.util.concurrent.ExecutorService pool) {
        this.registry = registry;
        this.source = source;
        this.wanted = List.copyOf(wanted);
        this.pool = pool;
    }

    SourceImage call() throws GrockerException {
        Manifest root;
        try {
            root = registry.getManifest(source);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new InputException("source " + source + " does not exist (" + e.getMessage() + ")");
            }
            throw e;
        }
        List<Manifest> children = new ArrayList<>();
        Map<String, Descriptor> blobs = new LinkedHashMap<>();
        collect(root, children, blobs, 0);
        List<Platform> platforms = root.isIndex() ? indexPlatforms(read(root))
                : new ArrayList<>(registry.platforms(source.withDigest(root.digest())).keySet());
        checkPlatforms(root, platforms);
        return new SourceImage(source, root, children, new ArrayList<>(blobs.values()), platforms);
    }

    private void collect(Manifest manifest, List<Manifest> children, Map<String, Descriptor> blobs, int depth)
            throws GrockerException {
        JsonNode json = read(manifest);
        if (manifest.isIndex()) {
            if (depth >= MAX_DEPTH) {
                throw new RegistryException("source " + source + " nests indexes more than " + MAX_DEPTH + " deep");
            }
            List<Parallel.Task<Manifest>> reads = new ArrayList<>();
            for (JsonNode entry : json.path("manifests")) {
                Descriptor child = descriptor(entry, "a child of " + manifest.digest());
                reads.add(() -> registry.getManifest(source.withDigest(child.digest())));
            }
            for (Manifest childManifest : pool == null ? sequential(reads) : Parallel.all(pool, reads)) {
                collect(childManifest, children, blobs, depth + 1);
                if (children.stream().noneMatch(m -> m.digest().equals(childManifest.digest()))) {
                    children.add(childManifest);
                }
            }
            return;
        }
        if (!MediaTypes.isImageManifest(manifest.mediaType())) {
            throw new RegistryException("source " + source + " has a manifest " + manifest.digest() + " of unsupported type "
                    + manifest.mediaType());
        }
        Descriptor config = descriptor(json.path("config"), "the config of " + manifest.digest());
        blobs.putIfAbsent(config.digest(), config);
        for (JsonNode layer : json.path("layers")) {
            if (layer.has("urls")) {
                continue; // a foreign layer: it lives elsewhere, registries do not hold it
            }
            Descriptor d = descriptor(layer, "a layer of " + manifest.digest());
            blobs.putIfAbsent(d.digest(), d);
        }
    }

    private static List<Manifest> sequential(List<Parallel.Task<Manifest>> reads) throws GrockerException {
        List<Manifest> out = new ArrayList<>();
        for (Parallel.Task<Manifest> read : reads) {
            out.add(read.call());
        }
        return out;
    }

    /** The platforms an index names, in order, without attestations ({@code unknown/unknown}) or repeats. */
    private static List<Platform> indexPlatforms(JsonNode index) {
        List<Platform> platforms = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            JsonNode p = entry.path("platform");
            String os = p.path("os").asText("");
            String arch = p.path("architecture").asText("");
            if (os.isEmpty() || arch.isEmpty() || (os.equals("unknown") && arch.equals("unknown"))) {
                continue;
            }
            String variant = p.path("variant").asText("");
            Platform platform;
            try {
                platform = Platform.parse(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
            } catch (InputException e) {
                platform = Platform.of(os, arch, variant);
            }
            if (!platforms.contains(platform)) {
                platforms.add(platform);
            }
        }
        return platforms;
    }

    private void checkPlatforms(Manifest root, List<Platform> platforms) throws InputException {
        if (wanted.isEmpty()) {
            return;
        }
        for (Platform p : wanted) {
            if (!platforms.contains(p)) {
                throw new InputException("--platform: source " + source + " has no " + p + " image (it has "
                        + join(platforms) + ")");
            }
        }
        if (root.isIndex() && !new java.util.HashSet<>(wanted).containsAll(platforms)) {
            throw new InputException("--platform: promoting only " + join(wanted) + " of " + source
                    + " would make a new index with another digest; promote all its platforms (" + join(platforms) + ")");
        }
    }

    private static String join(List<Platform> platforms) {
        return String.join(", ", platforms.stream().map(Platform::toString).toList());
    }

    private JsonNode read(Manifest manifest) throws RegistryException {
        try {
            JsonNode node = JSON.readTree(manifest.bytes());
            if (node == null || !node.isObject()) {
                throw new RegistryException("manifest " + manifest.digest() + " of " + source + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RegistryException("manifest " + manifest.digest() + " of " + source + " is not valid JSON");
        }
    }

    private Descriptor descriptor(JsonNode node, String what) throws RegistryException {
        String mediaType = node.path("mediaType").asText("");
        String digest = node.path("digest").asText("");
        if (mediaType.isEmpty() || !digest.matches("sha256:[a-f0-9]{64}") || !node.path("size").canConvertToLong()) {
            throw new RegistryException("source " + source + ": " + what + " has no valid mediaType, sha256 digest and size");
        }
        return new Descriptor(mediaType, digest, node.path("size").asLong());
    }
}
