package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.Parallel;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Reads the source: its manifest, every child manifest by digest, and the blobs they name. Checks a
 * {@code --platform} filter: every platform named must be in the source, and an index is only promoted whole
 * (a subset would be a new index with another digest). A source that does not exist is an input error.
 */
final class ResolveSourceStep {
    private static final int MAX_DEPTH = 4;

    private final RegistryClient registry;
    private final ImageReference source;
    private final List<Platform> wanted;
    private final ExecutorService pool;

    /** @param pool reads the children of an index at the same time */
    ResolveSourceStep(RegistryClient registry, ImageReference source, List<Platform> wanted, ExecutorService pool) {
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
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        collect(root, children, blobs, 0);
        List<Platform> platforms = root.isIndex() ? new ArrayList<>(ImageIndex.read(root, what(root)).platforms().keySet())
                : new ArrayList<>(registry.platforms(source.withDigest(root.digest())).keySet());
        checkPlatforms(root, platforms);
        return new SourceImage(source, root, children, new ArrayList<>(blobs.values()), platforms);
    }

    private void collect(Manifest manifest, List<Manifest> children, Map<Digest, Descriptor> blobs, int depth)
            throws GrockerException {
        if (manifest.isIndex()) {
            if (depth >= MAX_DEPTH) {
                throw new RegistryException("source " + source + " nests indexes more than " + MAX_DEPTH + " deep");
            }
            List<Parallel.Task<Manifest>> reads = new ArrayList<>();
            for (ImageIndex.Entry entry : ImageIndex.read(manifest, what(manifest)).entries()) {
                reads.add(() -> registry.getManifest(source.withDigest(entry.descriptor().digest())));
            }
            for (Manifest childManifest : Parallel.all(pool, "reading " + source, reads)) {
                collect(childManifest, children, blobs, depth + 1);
                if (children.stream().noneMatch(m -> m.digest().equals(childManifest.digest()))) {
                    children.add(childManifest);
                }
            }
            return;
        }
        ImageManifest image = ImageManifest.read(manifest, what(manifest));
        blobs.putIfAbsent(image.config().digest(), image.config());
        for (Descriptor layer : image.layers()) {
            blobs.putIfAbsent(layer.digest(), layer);
        }
    }

    private String what(Manifest manifest) {
        return "source " + source + ": manifest " + manifest.digest();
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
        if (root.isIndex() && !new HashSet<>(wanted).containsAll(platforms)) {
            throw new InputException("--platform: promoting only " + join(wanted) + " of " + source
                    + " would make a new index with another digest; promote all its platforms (" + join(platforms) + ")");
        }
    }

    private static String join(List<Platform> platforms) {
        return String.join(", ", platforms.stream().map(Platform::toString).toList());
    }
}
