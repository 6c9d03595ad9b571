package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.RegistryException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a manifest points at, read from its raw bytes (which stay as they are): the children of an index, the
 * config and layers of an image or artifact manifest, its {@code subject} and {@code artifactType}, and its
 * annotations. The purge selection and the referrers code need exactly these links. Immutable.
 *
 * @param artifactType the manifest's {@code artifactType}, else (for an image manifest) its config's media type
 *     when that is not an image config, else null
 * @param children the entries of an index (empty for a manifest)
 * @param config the config descriptor of a manifest, or null for an index
 * @param layers the layers of a manifest (empty for an index)
 * @param subject the manifest this one refers to, or null
 */
public record ManifestParts(String mediaType, String digest, String artifactType, List<Child> children, Descriptor config,
        List<Descriptor> layers, Descriptor subject, Map<String, String> annotations) {
    public ManifestParts {
        children = List.copyOf(children);
        layers = List.copyOf(layers);
        annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    /**
     * One entry of an index: its descriptor, platform ({@code os/arch[/variant]}, or null), artifact type and
     * annotations.
     */
    public record Child(Descriptor descriptor, String platform, String artifactType, Map<String, String> annotations) {
        public Child {
            annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        }
    }

    /** True for an OCI image index or a Docker manifest list. */
    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /** Every digest this manifest references: children, config, layers (not its subject). */
    public List<String> referencedDigests() {
        List<String> digests = new ArrayList<>();
        children.forEach(c -> digests.add(c.descriptor().digest()));
        if (config != null) {
            digests.add(config.digest());
        }
        layers.forEach(l -> digests.add(l.digest()));
        return digests;
    }

    /** Reads the links of a manifest; {@code what} names it in errors. */
    public static ManifestParts of(Manifest manifest, String what) throws RegistryException {
        JsonNode json = Json.readObject(manifest.bytes(), what);
        List<Child> children = new ArrayList<>();
        for (JsonNode entry : json.path("manifests")) {
            JsonNode platform = entry.path("platform");
            String os = Json.text(platform, "os");
            String architecture = Json.text(platform, "architecture");
            String variant = Json.text(platform, "variant");
            String name = os == null || architecture == null ? null
                    : os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
            children.add(new Child(descriptor(entry, what + " (an entry of its manifests)"), name,
                    Json.text(entry, "artifactType"), annotations(entry)));
        }
        Descriptor config = json.has("config") ? descriptor(json.get("config"), what + " (its config)") : null;
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode layer : json.path("layers")) {
            layers.add(descriptor(layer, what + " (a layer)"));
        }
        Descriptor subject = json.has("subject") ? descriptor(json.get("subject"), what + " (its subject)") : null;
        String artifactType = Json.text(json, "artifactType");
        if (artifactType == null && config != null && !config.mediaType().equals(MediaTypes.OCI_CONFIG)
                && !config.mediaType().equals(MediaTypes.DOCKER_CONFIG)) {
            artifactType = config.mediaType();
        }
        return new ManifestParts(manifest.mediaType(), manifest.digest(), artifactType, children, config, layers, subject,
                annotations(json));
    }

    private static Descriptor descriptor(JsonNode node, String what) throws RegistryException {
        String mediaType = Json.text(node, "mediaType");
        String digest = Json.text(node, "digest");
        if (mediaType == null || !Digests.isSha256(digest) || !node.path("size").canConvertToLong() || node.path("size").asLong() < 0) {
            throw new RegistryException(what + " is not a descriptor with a mediaType, a sha256 digest and a size");
        }
        return new Descriptor(mediaType, digest, node.path("size").asLong());
    }

    private static Map<String, String> annotations(JsonNode node) {
        Map<String, String> annotations = new TreeMap<>();
        JsonNode field = node.path("annotations");
        for (Iterator<Map.Entry<String, JsonNode>> it = field.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().isTextual()) {
                annotations.put(entry.getKey(), entry.getValue().asText());
            }
        }
        return annotations;
    }
}
