package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI image index or Docker manifest list, read from the manifest's own bytes (which stay untouched: the
 * view never re-serialises them). Also makes the byte-stable indexes this project pushes ({@link #create}).
 * Immutable.
 */
public final class ImageIndex {
    /**
     * One child manifest.
     *
     * @param platform what the entry's {@code platform} object says, or null when it has none
     * @param artifactType the entry's {@code artifactType} (an entry of a referrers list), or null
     * @param annotations the entry's annotations; empty when it has none
     */
    public record Entry(Descriptor descriptor, Platform platform, String artifactType, Map<String, String> annotations) {
        public Entry {
            annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
        }

        public Entry(Descriptor descriptor, Platform platform) {
            this(descriptor, platform, null, Map.of());
        }

        /** An attestation or other artifact (platform {@code unknown/unknown}, or none): not a runnable image. */
        public boolean isImage() {
            return platform != null && !("unknown".equals(platform.os()) && "unknown".equals(platform.architecture()));
        }
    }

    private final Manifest manifest;
    private final List<Entry> entries;

    private ImageIndex(Manifest manifest, List<Entry> entries) {
        this.manifest = manifest;
        this.entries = Collections.unmodifiableList(entries);
    }

    /**
     * Reads an index.
     *
     * @param what names the manifest in messages ({@code manifest repo:tag from registry host})
     * @throws RegistryException when it is not an index, or an entry lacks a media type, sha256 digest or size
     */
    public static ImageIndex read(Manifest manifest, String what) throws RegistryException {
        if (!manifest.isIndex()) {
            throw new RegistryException(what + " is not an image index (" + manifest.mediaType() + ")");
        }
        JsonNode json = Json.readObject(manifest.bytes(), what);
        List<Entry> entries = new ArrayList<>();
        for (JsonNode child : json.path("manifests")) {
            JsonNode p = child.path("platform");
            String os = Json.text(p, "os");
            String architecture = Json.text(p, "architecture");
            Platform platform = os == null || architecture == null ? null : platform(os, architecture, Json.text(p, "variant"));
            entries.add(new Entry(Json.descriptor(child, what + ": an entry" + (platform == null ? "" : " for " + platform)),
                    platform, Json.text(child, "artifactType"), Json.stringMap(child.path("annotations"))));
        }
        return new ImageIndex(manifest, entries);
    }

    public Manifest manifest() {
        return manifest;
    }

    public Digest digest() {
        return manifest.digest();
    }

    /** Every entry, in the index's order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The image entries by platform, in order; attestations left out, the first entry wins for a repeated platform. */
    public Map<Platform, Descriptor> platforms() {
        Map<Platform, Descriptor> platforms = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.isImage()) {
                platforms.putIfAbsent(e.platform(), e.descriptor());
            }
        }
        return platforms;
    }

    /**
     * The platform {@code os}/{@code architecture}/{@code variant} names: {@code arm64/v8} is plain {@code arm64}, as
     * {@link Platform#parse} has it; a platform this project does not build is kept as it is (it may still be copied).
     */
    static Platform platform(String os, String architecture, String variant) {
        try {
            return Platform.parse(os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant));
        } catch (InputException e) {
            return Platform.of(os, architecture, variant);
        }
    }

    /**
     * An OCI image index over per-platform manifests. The bytes depend only on the arguments: children in the
     * given order, annotations sorted by key and left out when empty, compact JSON without whitespace.
     */
    public static Manifest create(List<Map.Entry<Platform, Descriptor>> children, Map<String, String> annotations) {
        StringBuilder json = new StringBuilder(256 + children.size() * 256);
        json.append("{\"schemaVersion\":2,\"mediaType\":").append(Json.quote(MediaTypes.OCI_INDEX)).append(",\"manifests\":[");
        for (int i = 0; i < children.size(); i++) {
            Platform platform = children.get(i).getKey();
            Descriptor descriptor = children.get(i).getValue();
            json.append(i == 0 ? "" : ",")
                    .append("{\"mediaType\":").append(Json.quote(descriptor.mediaType()))
                    .append(",\"digest\":").append(Json.quote(descriptor.digest().toString()))
                    .append(",\"size\":").append(descriptor.size())
                    .append(",\"platform\":{\"architecture\":").append(Json.quote(platform.architecture()))
                    .append(",\"os\":").append(Json.quote(platform.os()));
            if (platform.variant() != null) {
                json.append(",\"variant\":").append(Json.quote(platform.variant()));
            }
            json.append("}}");
        }
        json.append("]");
        if (annotations != null && !annotations.isEmpty()) {
            json.append(",\"annotations\":{");
            boolean first = true;
            for (Map.Entry<String, String> annotation : new TreeMap<>(annotations).entrySet()) {
                json.append(first ? "" : ",").append(Json.quote(annotation.getKey())).append(":").append(Json.quote(annotation.getValue()));
                first = false;
            }
            json.append("}");
        }
        json.append("}");
        return Manifest.of(MediaTypes.OCI_INDEX, json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
