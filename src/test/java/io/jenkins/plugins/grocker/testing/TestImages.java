package io.jenkins.plugins.grocker.testing;

import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic images uploaded straight to a registry with the client: per platform a config and a few layers of
 * seeded random bytes (registries do not look inside layers), an image manifest, and an OCI index over the
 * platforms. Fast and deterministic: the same seed gives the same digests.
 */
public final class TestImages {
    private TestImages() {}

    /** What was pushed: the index, its children, and every blob with its size. */
    public record Image(ImageReference ref, Manifest index, List<Manifest> children, List<Descriptor> blobs) {
        public Digest digest() {
            return index.digest();
        }

        public long layerBytes() {
            return blobs.stream().mapToLong(Descriptor::size).sum();
        }
    }

    /**
     * Pushes a two-platform (linux/amd64, linux/arm64) index to {@code ref} (its tag, or by digest only when it has
     * none), with {@code layers} layers of {@code layerSize} bytes per platform, plus one layer both platforms share.
     */
    public static Image pushIndex(RegistryClient client, ImageReference ref, long seed, int layers, int layerSize) throws Exception {
        Random random = new Random(seed);
        byte[] shared = new byte[layerSize];
        random.nextBytes(shared);
        List<Manifest> children = new ArrayList<>();
        List<Descriptor> blobs = new ArrayList<>();
        List<Map.Entry<Platform, Descriptor>> entries = new ArrayList<>();
        for (Platform platform : List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64)) {
            List<Descriptor> layerDescriptors = new ArrayList<>();
            layerDescriptors.add(upload(client, ref, shared, MediaTypes.OCI_LAYER_GZIP, blobs));
            for (int i = 0; i < layers; i++) {
                byte[] layer = new byte[layerSize];
                random.nextBytes(layer);
                layerDescriptors.add(upload(client, ref, layer, MediaTypes.OCI_LAYER_GZIP, blobs));
            }
            StringBuilder diffIds = new StringBuilder();
            for (Descriptor d : layerDescriptors) {
                diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(d.digest()).append('"');
            }
            byte[] config = ("{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os()
                    + "\",\"config\":{\"Env\":[\"SEED=" + seed + "\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
                    .getBytes(StandardCharsets.UTF_8);
            Descriptor configDescriptor = upload(client, ref, config, MediaTypes.OCI_CONFIG, blobs);
            StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                    + descriptor(configDescriptor) + ",\"layers\":[");
            for (int i = 0; i < layerDescriptors.size(); i++) {
                json.append(i == 0 ? "" : ",").append(descriptor(layerDescriptors.get(i)));
            }
            json.append("]}");
            Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.toString().getBytes(StandardCharsets.UTF_8));
            client.putManifest(ref, manifest);
            children.add(manifest);
            entries.add(Map.entry(platform, manifest.descriptor()));
        }
        Manifest index = ImageIndex.create(entries, Map.of("org.opencontainers.image.version", "seed-" + seed));
        client.putManifest(ref, index);
        if (ref.tag() != null) {
            client.putManifest(ref, ref.tag(), index);
        }
        return new Image(ref, index, children, blobs);
    }

    private static Descriptor upload(RegistryClient client, ImageReference ref, byte[] bytes, String mediaType,
            List<Descriptor> blobs) throws Exception {
        Descriptor d = new Descriptor(mediaType, Digest.sha256(bytes), bytes.length);
        if (blobs.stream().noneMatch(b -> b.digest().equals(d.digest()))) {
            if (client.blobSize(ref, d.digest()).isEmpty()) {
                client.uploadBlob(ref, d.digest(), bytes.length, new ByteArrayInputStream(bytes));
            }
            blobs.add(d);
        }
        return d;
    }

    private static String descriptor(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    public static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
