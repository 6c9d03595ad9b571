package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds what travels with the source: for the root manifest and every child, its referrers (the referrers API, else
 * the referrers tag) and the manifests under cosign's tags; then, the same for each of those (a signature of an
 * SBOM), {@link #MAX_DEPTH} levels deep. Reads every attachment's manifests and names their blobs. Changes nothing.
 */
final class ResolveAttachmentsStep {
    static final int MAX_DEPTH = 3;

    private final RegistryClient registry;
    private final SourceImage source;

    ResolveAttachmentsStep(RegistryClient registry, SourceImage source) {
        this.registry = registry;
        this.source = source;
    }

    List<SourceAttachment> call() throws GrockerException {
        ImageReference repo = source.ref();
        Referrers referrers = new Referrers(registry);
        List<SourceAttachment> found = new ArrayList<>();
        Set<Digest> seen = new HashSet<>();
        seen.add(source.digest());
        source.children().forEach(c -> seen.add(c.digest()));
        Deque<Map.Entry<Digest, Integer>> subjects = new ArrayDeque<>();
        subjects.add(Map.entry(source.digest(), 0));
        source.children().forEach(c -> subjects.add(Map.entry(c.digest(), 0)));
        while (!subjects.isEmpty()) {
            Map.Entry<Digest, Integer> next = subjects.poll();
            Digest subject = next.getKey();
            if (next.getValue() >= MAX_DEPTH) {
                continue;
            }
            for (Referrers.Referrer r : referrers.list(repo, subject).referrers()) {
                if (seen.add(r.descriptor().digest())) {
                    found.add(read(repo, subject, r.descriptor().digest(), r.artifactType(), null));
                    subjects.add(Map.entry(r.descriptor().digest(), next.getValue() + 1));
                }
            }
            for (Referrers.TagAttachment t : referrers.tagAttachments(repo, subject)) {
                if (seen.add(t.descriptor().digest())) {
                    found.add(read(repo, subject, t.descriptor().digest(), null, t.tag()));
                    subjects.add(Map.entry(t.descriptor().digest(), next.getValue() + 1));
                }
            }
        }
        return found;
    }

    private SourceAttachment read(ImageReference repo, Digest subject, Digest digest, String listedType, String tag)
            throws RegistryException {
        Manifest manifest = registry.getManifest(repo.withDigest(digest));
        String what = "attachment " + repo.repository() + "@" + digest + " of " + subject;
        List<Manifest> children = new ArrayList<>();
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        String artifactType = listedType;
        if (manifest.isIndex()) {
            for (ImageIndex.Entry entry : ImageIndex.read(manifest, what).entries()) {
                Manifest child = registry.getManifest(repo.withDigest(entry.descriptor().digest()));
                blobsOf(ImageManifest.read(child, what + ": child " + child.digest()), blobs);
                children.add(child);
            }
        } else if (MediaTypes.isImageManifest(manifest.mediaType())) {
            ImageManifest image = ImageManifest.read(manifest, what);
            blobsOf(image, blobs);
            if (artifactType == null) {
                artifactType = image.effectiveArtifactType();
            }
        } else {
            throw new RegistryException(what + " has unsupported media type " + manifest.mediaType());
        }
        return new SourceAttachment(subject, manifest, children, new ArrayList<>(blobs.values()), artifactType, tag);
    }

    private static void blobsOf(ImageManifest image, Map<Digest, Descriptor> blobs) {
        blobs.putIfAbsent(image.config().digest(), image.config());
        image.layers().forEach(l -> blobs.putIfAbsent(l.digest(), l));
    }
}
