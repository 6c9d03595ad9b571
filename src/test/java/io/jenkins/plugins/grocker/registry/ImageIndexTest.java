package io.jenkins.plugins.grocker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.Platform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImageIndexTest {
    private static final Descriptor AMD64 = new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 1234);
    private static final Descriptor ARM_V7 = new Descriptor(MediaTypes.DOCKER_MANIFEST_V2, "sha256:" + "b".repeat(64), 987);
    private static final List<Map.Entry<Platform, Descriptor>> CHILDREN =
            List.of(Map.entry(Platform.LINUX_AMD64, AMD64), Map.entry(Platform.of("linux", "arm", "v7"), ARM_V7));

    @Test
    void isAWellFormedOciIndex() throws Exception {
        Manifest index = RegistryClient.imageIndex(CHILDREN, Map.of("org.opencontainers.image.version", "1.0"));

        assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(index.isIndex()).isTrue();
        JsonNode json = new ObjectMapper().readTree(index.bytes());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(json.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        JsonNode manifests = json.get("manifests");
        assertThat(manifests).hasSize(2);
        assertThat(manifests.get(0).get("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(manifests.get(0).get("digest").asText()).isEqualTo(AMD64.digest());
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

        Manifest first = RegistryClient.imageIndex(CHILDREN, annotations);
        Manifest second = RegistryClient.imageIndex(List.copyOf(CHILDREN), new TreeMap<>(annotations));

        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(new String(first.bytes(), StandardCharsets.UTF_8)).contains("\"annotations\":{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void leavesOutEmptyAnnotations() throws Exception {
        Manifest index = RegistryClient.imageIndex(CHILDREN, Map.of());

        assertThat(new ObjectMapper().readTree(index.bytes()).has("annotations")).isFalse();
        assertThat(RegistryClient.imageIndex(CHILDREN, null).bytes()).isEqualTo(index.bytes());
    }

    @Test
    void escapesAnnotationText() throws Exception {
        String awkward = "quote \" backslash \\ newline \n tab \t control \u0001 unicode é";

        Manifest index = RegistryClient.imageIndex(List.of(), Map.of("note", awkward));

        JsonNode json = new ObjectMapper().readTree(index.bytes());
        assertThat(json.get("annotations").get("note").asText()).isEqualTo(awkward);
        assertThat(json.get("manifests")).isEmpty();
    }
}
