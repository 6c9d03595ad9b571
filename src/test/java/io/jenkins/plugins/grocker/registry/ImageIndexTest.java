package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.Platform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImageIndexTest {
    private static final Descriptor AMD64 = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of("sha256:" + "a".repeat(64)), 1234);
    private static final Descriptor ARM_V7 = new Descriptor(MediaTypes.DOCKER_MANIFEST_V2, Digest.of("sha256:" + "b".repeat(64)), 987);
    private static final List<Map.Entry<Platform, Descriptor>> CHILDREN =
            List.of(Map.entry(Platform.LINUX_AMD64, AMD64), Map.entry(Platform.of("linux", "arm", "v7"), ARM_V7));

    @Test
    void isAWellFormedOciIndex() throws Exception {
        Manifest index = ImageIndex.create(CHILDREN, Map.of("org.opencontainers.image.version", "1.0"));

        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(index.isIndex()).isTrue();
        JsonNode json = new ObjectMapper().readTree(index.bytes());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(json.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        JsonNode manifests = json.get("manifests");
        assertThat(manifests).hasSize(2);
        assertThat(manifests.get(0).get("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(manifests.get(0).get("digest").asText()).isEqualTo(AMD64.digest().toString());
        assertThat(manifests.get(0).get("size").asLong()).isEqualTo(1234);
        assertThat(manifests.get(0).get("platform").get("os").asText()).isEqualTo("linux");
        assertThat(manifests.get(0).get("platform").get("architecture").asText()).isEqualTo("amd64");
        assertThat(manifests.get(0).get("platform").has("variant")).isFalse();
        assertThat(manifests.get(1).get("mediaType").asText()).isEqualTo(MediaTypes.DOCKER_MANIFEST_V2);
        assertThat(manifests.get(1).get("platform").get("variant").asText()).isEqualTo("v7");
        assertThat(json.get("annotations").get("org.opencontainers.image.version").asText()).isEqualTo("1.0");
    }

    @Test
    void sameInputGivesSameBytes() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("b", "2");
        annotations.put("a", "1");

        Manifest first = ImageIndex.create(CHILDREN, annotations);
        Manifest second = ImageIndex.create(List.copyOf(CHILDREN), new TreeMap<>(annotations));

        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(new String(first.bytes(), StandardCharsets.UTF_8)).contains("\"annotations\":{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void leavesOutEmptyAnnotations() throws Exception {
        Manifest index = ImageIndex.create(CHILDREN, Map.of());

        assertThat(new ObjectMapper().readTree(index.bytes()).has("annotations")).isFalse();
        assertThat(ImageIndex.create(CHILDREN, null).bytes()).isEqualTo(index.bytes());
    }

    @Test
    void escapesAnnotationText() throws Exception {
        String awkward = "quote \" backslash \\ newline \n tab \t control \u0001 unicode é";

        Manifest index = ImageIndex.create(List.of(), Map.of("note", awkward));

        JsonNode json = new ObjectMapper().readTree(index.bytes());
        assertThat(json.get("annotations").get("note").asText()).isEqualTo(awkward);
        assertThat(json.get("manifests")).isEmpty();
    }

    @Test
    void readsItsOwnIndexBackWithoutTouchingTheBytes() throws Exception {
        Manifest index = ImageIndex.create(CHILDREN, Map.of());
        ImageIndex view = ImageIndex.read(index, "index");
        assertThat(view.manifest().bytes()).isEqualTo(index.bytes());
        assertThat(view.entries()).extracting(ImageIndex.Entry::descriptor).containsExactly(AMD64, ARM_V7);
        assertThat(view.platforms()).containsExactly(Map.entry(Platform.LINUX_AMD64, AMD64),
                Map.entry(Platform.of("linux", "arm", "v7"), ARM_V7));
    }

    @Test
    void leavesAttestationsOutOfThePlatformsAndRefusesBadEntries() throws Exception {
        String attestation = "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"sha256:" + "c".repeat(64)
                + "\",\"size\":10,\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}}";
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + attestation + "]}";
        ImageIndex view = ImageIndex.read(Manifest.of(MediaTypes.OCI_INDEX, json.getBytes(StandardCharsets.UTF_8)), "index");
        assertThat(view.entries()).hasSize(1);
        assertThat(view.platforms()).isEmpty();

        String bad = json.replace("sha256:" + "c".repeat(64), "sha256:short");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageIndex.read(
                Manifest.of(MediaTypes.OCI_INDEX, bad.getBytes(StandardCharsets.UTF_8)), "index r/app:1"))
                .hasMessage("index r/app:1: an entry for unknown/unknown has no valid mediaType, sha256 digest and size");
    }

    @Test
    void readsAnImageManifestAndItsConfig() throws Exception {
        String layer = "{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + AMD64.digest() + "\",\"size\":5}";
        String foreign = "{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + ARM_V7.digest()
                + "\",\"size\":7,\"urls\":[\"https://example.invalid/l\"]}";
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"sha256:" + "d".repeat(64) + "\",\"size\":3},\"layers\":[" + layer + ","
                + foreign + "]}";
        ImageManifest image = ImageManifest.read(Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8)), "m");
        assertThat(image.layers()).extracting(Descriptor::size).containsExactly(5L);
        assertThat(image.foreignLayers()).extracting(Descriptor::size).containsExactly(7L);
        assertThat(image.size()).isEqualTo(8);

        ImageConfig config = ImageConfig.read(("{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\","
                + "\"config\":{\"User\":\"1000:1000\",\"Labels\":{\"a\":\"b\"}}}").getBytes(StandardCharsets.UTF_8), "config");
        assertThat(config.platform()).isEqualTo(Platform.LINUX_ARM64);
        assertThat(config.user()).isEqualTo("1000:1000");
        assertThat(config.labels()).containsExactly(Map.entry("a", "b"));
    }
}
