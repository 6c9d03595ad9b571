package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A single-platform image manifest (OCI or Docker v2 schema 2), read from its own bytes: the config and the
 * layers. Foreign layers (with {@code urls}: they live outside the registry) are kept apart. Immutable.
 */
public final class ImageManifest {
    private final Manifest manifest;
    private final Descriptor config;
    private final List<Descriptor> layers;
    private final List<Descriptor> foreignLayers;
    private final List<Map<String, String>> layerAnnotations;
    private final Map<String, String> annotations;
    private final String artifactType;
    private final Descriptor subject;

    private ImageManifest(Manifest manifest, Descriptor config, List<Descriptor> layers, List<Descriptor> foreignLayers,
            List<Map<String, String>> layerAnnotations, Map<String, String> annotations, String artifactType,
            Descriptor subject) {
        this.manifest = manifest;
        this.config = config;
        this.layers = Collections.unmodifiableList(layers);
        this.foreignLayers = Collections.unmodifiableList(foreignLayers);
        this.layerAnnotations = Collections.unmodifiableList(layerAnnotations);
        this.annotations = annotations;
        this.artifactType = artifactType;
        this.subject = subject;
    }

    /**
     * Reads an image manifest.
     *
     * @param what names the manifest in messages
     * @throws RegistryException when it is of another type, or its config or a layer is not a valid descriptor
     */
    public static ImageManifest read(Manifest manifest, String what) throws RegistryException {
        if (!MediaTypes.isImageManifest(manifest.mediaType())) {
            throw new RegistryException(what + " has unsupported media type " + manifest.mediaType());
        }
        JsonNode json = Json.readObject(manifest.bytes(), what);
        Descriptor config = Json.descriptor(json.path("config"), what + ": the config");
        List<Descriptor> layers = new ArrayList<>();
        List<Map<String, String>> layerAnnotations = new ArrayList<>();
        List<Descriptor> foreign = new ArrayList<>();
        for (JsonNode layer : json.path("layers")) {
            Descriptor d = Json.descriptor(layer, what + ": a layer");
            if (layer.has("urls")) {
                foreign.add(d);
            } else {
                layers.add(d);
                layerAnnotations.add(Json.stringMap(layer.path("annotations")));
            }
        }
        Descriptor subject = json.has("subject") ? Json.descriptor(json.get("subject"), what + ": the subject") : null;
        return new ImageManifest(manifest, config, layers, foreign, layerAnnotations,
                Json.stringMap(json.path("annotations")), Json.text(json, "artifactType"), subject);
    }

    public Manifest manifest() {
        return manifest;
    }

    public Digest digest() {
        return manifest.digest();
    }

    public Descriptor config() {
        return config;
    }

    /** The layers the registry holds, bottom first. */
    public List<Descriptor> layers() {
        return layers;
    }

    /** Layers that live elsewhere (their descriptors have {@code urls}); registries do not hold them. */
    public List<Descriptor> foreignLayers() {
        return foreignLayers;
    }

    /** The annotations of {@code layers().get(i)}; empty when it has none. */
    public Map<String, String> layerAnnotations(int i) {
        return layerAnnotations.get(i);
    }

    /** The manifest's own annotations; empty when it has none. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /** The {@code artifactType} of an artifact manifest, or null for an image. */
    public String artifactType() {
        return artifactType;
    }

    /**
     * What the manifest is about: its {@code artifactType}, else (an artifact made the OCI 1.0 way) its config's
     * media type when that is not an image config, else null for an image.
     */
    public String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return MediaTypes.OCI_CONFIG.equals(config.mediaType()) || MediaTypes.DOCKER_CONFIG.equals(config.mediaType())
                ? null : config.mediaType();
    }

    /** The manifest this one is attached to (OCI 1.1 {@code subject}), or null. */
    public Descriptor subject() {
        return subject;
    }

    /** The compressed size of the image: config plus every layer the registry holds. */
    public long size() {
        return config.size() + layers.stream().mapToLong(Descriptor::size).sum();
    }
}
