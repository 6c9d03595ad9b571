package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What travels with an image: OCI artifacts whose {@code subject} is an image manifest (an SBOM, a provenance
 * statement), attached and listed the OCI distribution 1.1 way, and the signatures and attestations other tools
 * keep under tags.
 *
 * <ul>
 *   <li><b>Attach</b> ({@link #attach}): uploads the empty config ({@code application/vnd.oci.empty.v1+json},
 *       {@code {}}) and the one layer, then puts the artifact manifest by digest. A registry with the referrers API
 *       says so in the {@code OCI-Subject} answer header; for any other registry (distribution 2.8 among them) the
 *       manifest is also added to the image index under the <i>referrers tag</i> {@code sha256-<hex>} of the
 *       subject, read, extended and written back.</li>
 *   <li><b>List</b> ({@link #list}): {@code GET /v2/<repo>/referrers/<digest>} (every page); on 404, the index
 *       under the referrers tag; nothing when neither exists.</li>
 *   <li><b>Tag schemes</b> ({@link #tagAttachments}): cosign's {@code sha256-<hex>.sig}, {@code .att} and
 *       {@code .sbom} tags, which are not referrers but travel with the image all the same.</li>
 * </ul>
 *
 * <p>Two writers that add to the same referrers tag at the same moment can lose one entry (distribution has no
 * conditional PUT); the artifact itself stays in the repository and can be registered again with
 * {@link #register}. Thread-safe as {@link RegistryClient} is.
 */
public final class Referrers {
    /** The media type of the empty config of an artifact manifest. */
    public static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
    /** The empty JSON object ({@code {}}), content of the empty config. */
    public static final Digest EMPTY_DIGEST = Digest.of("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);
    /** The annotation saying when an artifact was made (RFC 3339). */
    public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
    /** Cosign's tag suffixes: signatures, attestations, SBOMs. */
    public static final List<String> TAG_SUFFIXES = List.of(".sig", ".att", ".sbom");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How referrers of a repository are found. */
    public enum Source {
        /** The registry's referrers API. */
        REFERRERS_API,
        /** The image index under the referrers tag {@code sha256-<hex>}. */
        REFERRERS_TAG,
        /** Neither an API nor a tag: no referrers. */
        NONE
    }

    /**
     * An artifact to attach: its type (e.g. {@code application/vnd.cyclonedx+json}), the media type and content of
     * its one layer, and the annotations of its manifest.
     */
    public record Artifact(String artifactType, String mediaType, byte[] content, Map<String, String> annotations) {
        public Artifact {
            Objects.requireNonNull(artifactType, "artifactType");
            Objects.requireNonNull(mediaType, "mediaType");
            content = content.clone();
            annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    /** One referrer: the descriptor of its manifest, its artifact type and annotations. */
    public record Referrer(Descriptor descriptor, String artifactType, Map<String, String> annotations) {
        public Referrer {
            annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        }
    }

    /** The referrers of one manifest and where they were found. */
    public record Listing(Source source, List<Referrer> referrers) {
        public Listing {
            referrers = List.copyOf(referrers);
        }

        /** The referrers of this artifact type. */
        public List<Referrer> ofType(String artifactType) {
            return referrers.stream().filter(r -> artifactType.equals(r.artifactType())).toList();
        }
    }

    /** A manifest kept under one of cosign's tags ({@code sha256-<hex>.sig} …). */
    public record TagAttachment(String tag, Descriptor descriptor) {}

    /** An attached artifact: its manifest, and whether the registry indexed it itself or the referrers tag does. */
    public record Attached(Manifest manifest, Source source) {}

    private final RegistryClient client;

    public Referrers(RegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** {@code sha256-<hex>}: the referrers tag of a digest. */
    public static String referrersTag(Digest digest) {
        return "sha256-" + digest.hex();
    }

    /**
     * The manifest of an artifact about {@code subject}: empty config, one layer, {@code artifactType},
     * {@code subject}, annotations sorted. The bytes depend only on the arguments.
     */
    public static Manifest artifactManifest(Descriptor subject, Artifact artifact) {
        Descriptor layer = new Descriptor(artifact.mediaType(), Digest.sha256(artifact.content), artifact.content.length);
        StringBuilder json = new StringBuilder(512);
        json.append("{\"schemaVersion\":2,\"mediaType\":").append(Json.quote(MediaTypes.OCI_MANIFEST))
                .append(",\"artifactType\":").append(Json.quote(artifact.artifactType()))
                .append(",\"config\":").append(descriptorJson(new Descriptor(EMPTY_MEDIA_TYPE, EMPTY_DIGEST, EMPTY.length)))
                .append(",\"layers\":[").append(descriptorJson(layer)).append("]")
                .append(",\"subject\":").append(descriptorJson(subject));
        if (!artifact.annotations().isEmpty()) {
            json.append(",\"annotations\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : artifact.annotations().entrySet()) {
                json.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                first = false;
            }
            json.append('}');
        }
        json.append('}');
        return Manifest.of(MediaTypes.OCI_MANIFEST, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String descriptorJson(Descriptor d) {
        return "{\"mediaType\":" + Json.quote(d.mediaType()) + ",\"digest\":" + Json.quote(d.digest().toString()) + ",\"size\":" + d.size() + "}";
    }

    /**
     * Attaches an artifact to the manifest {@code subject} of {@code repo}'s repository: uploads the blobs the
     * repository lacks, puts the artifact manifest and makes it findable ({@link #register}).
     */
    public Attached attach(ImageReference repo, Descriptor subject, Artifact artifact) throws RegistryException {
        uploadIfMissing(repo, EMPTY_DIGEST, EMPTY);
        uploadIfMissing(repo, Digest.sha256(artifact.content), artifact.content);
        Manifest manifest = artifactManifest(subject, artifact);
        return new Attached(manifest, register(repo, manifest));
    }

    /**
     * Puts an artifact manifest whose blobs are already in {@code repo}'s repository (one attached here, or one
     * copied from another repository, digest unchanged) and, unless the registry indexes it itself, adds it to
     * the referrers tag of its subject.
     *
     * @return how it will be found
     * @throws IllegalArgumentException when the manifest has no subject
     */
    public Source register(ImageReference repo, Manifest manifest) throws RegistryException {
        ImageManifest parts = ImageManifest.read(manifest, "artifact manifest " + manifest.digest());
        if (parts.subject() == null) {
            throw new IllegalArgumentException("manifest " + manifest.digest() + " has no subject");
        }
        return register(repo, manifest, parts.subject().digest(), parts.effectiveArtifactType(), parts.annotations());
    }

    /**
     * Puts a manifest whose blobs (and children) are already in {@code repo}'s repository and makes it a referrer of
     * {@code subject}: a registry with the referrers API indexes it itself when the manifest names that subject;
     * otherwise it is added to the referrers tag of {@code subject} with this artifact type and these annotations.
     *
     * @return how it will be found
     */
    public Source register(ImageReference repo, Manifest manifest, Digest subject, String artifactType,
            Map<String, String> annotations) throws RegistryException {
        boolean indexedByRegistry = client.transport().call(
                new SubjectManifestPutEndpoint(repo.registry(), repo.repository(), manifest, subject));
        if (indexedByRegistry) {
            return Source.REFERRERS_API;
        }
        ImageReference tag = withTag(repo, referrersTag(subject));
        Optional<Manifest> current = manifest(tag);
        Manifest updated = withEntry(current.orElse(null), manifest.descriptor(), artifactType, annotations, tag);
        if (current.isEmpty() || !current.get().digest().equals(updated.digest())) {
            client.putManifest(repo, tag.tag(), updated);
        }
        return Source.REFERRERS_TAG;
    }

    /**
     * The referrers of {@code digest} in {@code repo}'s repository: from the referrers API when the registry has
     * one, else from the referrers tag.
     */
    public Listing list(ImageReference repo, Digest digest) throws RegistryException {
        List<Referrer> referrers = new ArrayList<>();
        String page = null;
        boolean first = true;
        do {
            Optional<ReferrersGetEndpoint.Page> answer = client.transport().call(
                    new ReferrersGetEndpoint(repo.registry(), repo.repository(), digest, page));
            if (answer.isEmpty()) {
                if (first) {
                    return fromTag(repo, digest);
                }
                break;
            }
            referrers.addAll(entries(answer.get().index(), "the referrers of " + repo.repository() + "@" + digest));
            page = answer.get().next().orElse(null);
            first = false;
        } while (page != null);
        return new Listing(Source.REFERRERS_API, referrers);
    }

    private Listing fromTag(ImageReference repo, Digest digest) throws RegistryException {
        ImageReference tag = withTag(repo, referrersTag(digest));
        Optional<Manifest> index = manifest(tag);
        if (index.isEmpty()) {
            return new Listing(Source.NONE, List.of());
        }
        if (!index.get().isIndex()) {
            throw new RegistryException("referrers tag " + tag + " holds a " + index.get().mediaType() + ", not an image index");
        }
        return new Listing(Source.REFERRERS_TAG, entries(index.get(), "referrers tag " + tag));
    }

    /** The manifests under cosign's tags for {@code digest} ({@code .sig}, {@code .att}, {@code .sbom}), those that exist. */
    public List<TagAttachment> tagAttachments(ImageReference repo, Digest digest) throws RegistryException {
        List<TagAttachment> found = new ArrayList<>();
        for (String suffix : TAG_SUFFIXES) {
            String tag = referrersTag(digest) + suffix;
            Optional<Descriptor> head = client.head(withTag(repo, tag));
            head.ifPresent(d -> found.add(new TagAttachment(tag, d)));
        }
        return found;
    }

    /**
     * The content (the one layer) of the newest artifact of {@code artifactType} attached to {@code subject}: the one
     * with the latest {@code org.opencontainers.image.created} annotation, else the last listed; empty when there is none.
     */
    public Optional<byte[]> content(ImageReference repo, Digest subject, String artifactType) throws RegistryException {
        List<Referrer> found = list(repo, subject).ofType(artifactType);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Referrer newest = found.get(found.size() - 1);
        for (Referrer r : found) {
            String created = r.annotations().get(CREATED_ANNOTATION);
            String best = newest.annotations().get(CREATED_ANNOTATION);
            if (created != null && (best == null || created.compareTo(best) > 0)) {
                newest = r;
            }
        }
        Manifest manifest = client.getManifest(repo.withDigest(newest.descriptor().digest()));
        ImageManifest artifact = ImageManifest.read(manifest, "artifact " + repo.repository() + "@" + manifest.digest());
        if (artifact.layers().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(client.getBlob(repo, artifact.layers().get(0).digest()));
    }

    private static List<Referrer> entries(Manifest index, String what) throws RegistryException {
        List<Referrer> referrers = new ArrayList<>();
        for (ImageIndex.Entry entry : ImageIndex.read(index, what).entries()) {
            referrers.add(new Referrer(entry.descriptor(), entry.artifactType(), entry.annotations()));
        }
        return referrers;
    }

    /**
     * {@code index} (or a new, empty image index) with an entry for {@code descriptor} appended; the same bytes when
     * an entry with that digest is already there. Other entries and fields are kept as they are.
     */
    static Manifest withEntry(Manifest index, Descriptor descriptor, String artifactType, Map<String, String> annotations,
            ImageReference where) throws RegistryException {
        ObjectNode root;
        if (index == null) {
            root = MAPPER.createObjectNode();
            root.put("schemaVersion", 2);
            root.put("mediaType", MediaTypes.OCI_INDEX);
            root.putArray("manifests");
        } else {
            root = (ObjectNode) Json.readObject(index.bytes(), "referrers tag " + where);
            if (!root.path("manifests").isArray()) {
                root.putArray("manifests");
            }
            for (JsonNode entry : root.path("manifests")) {
                if (descriptor.digest().toString().equals(Json.text(entry, "digest"))) {
                    return index;
                }
            }
        }
        ObjectNode entry = ((ArrayNode) root.get("manifests")).addObject();
        entry.put("mediaType", descriptor.mediaType());
        entry.put("digest", descriptor.digest().toString());
        entry.put("size", descriptor.size());
        if (artifactType != null) {
            entry.put("artifactType", artifactType);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = entry.putObject("annotations");
            new TreeMap<>(annotations).forEach(a::put);
        }
        try {
            return Manifest.of(MediaTypes.OCI_INDEX, MAPPER.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an image index", e);
        }
    }

    private Optional<Manifest> manifest(ImageReference ref) throws RegistryException {
        try {
            return Optional.of(client.getManifest(ref));
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void uploadIfMissing(ImageReference repo, Digest digest, byte[] content) throws RegistryException {
        if (client.blobSize(repo, digest).isEmpty()) {
            client.uploadBlob(repo, digest, content.length, new ByteArrayInputStream(content));
        }
    }

    private static ImageReference withTag(ImageReference repo, String tag) {
        try {
            return repo.withTag(tag);
        } catch (InputException e) {
            throw new IllegalStateException("'" + tag + "' should be a valid tag", e);
        }
    }
}
