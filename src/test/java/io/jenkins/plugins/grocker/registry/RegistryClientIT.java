package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.testing.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** {@link RegistryClient} against a real registry (distribution 2.8, {@link LocalRegistry}). */
class RegistryClientIT {
    private static final String USER = "grocker";
    private static final String PASSWORD = "Secret-Pass-123";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void pushesAnIndexOverTwoPlatformsAndReadsItBack() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            RegistryClient client = RegistryClient.create(Map.of());
            ImageReference repo = ImageReference.parse(registry.host() + "/grocker/it-app");
            client.ping(registry.host());

            Manifest amd64 = pushImage(client, repo, "linux", "amd64", null, null);
            Manifest arm64 = pushImage(client, repo, "linux", "arm64", null, null);
            Manifest index = ImageIndex.create(
                    List.of(Map.entry(Platform.LINUX_AMD64, amd64.descriptor()), Map.entry(Platform.LINUX_ARM64, arm64.descriptor())),
                    Map.of("org.opencontainers.image.version", "1.0"));

            assertThat(client.putManifest(repo, index)).isEqualTo(index.digest());
            assertThat(client.putManifest(repo, "1.0", index)).isEqualTo(index.digest());

            Manifest byTag = client.getManifest(repo.withTag("1.0"));
            assertThat(byTag.bytes()).isEqualTo(index.bytes());
            assertThat(byTag.digest()).isEqualTo(index.digest());
            assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
            assertThat(client.getManifest(repo.withDigest(index.digest()))).isEqualTo(index);
            assertThat(client.head(repo.withTag("1.0"))).contains(index.descriptor());

            assertThat(client.platforms(repo.withTag("1.0"))).containsExactly(
                    Map.entry(Platform.LINUX_AMD64, amd64.descriptor()), Map.entry(Platform.LINUX_ARM64, arm64.descriptor()));
            assertThat(client.platforms(repo.withDigest(arm64.digest())))
                    .containsExactly(Map.entry(Platform.LINUX_ARM64, arm64.descriptor()));

            assertThat(client.head(repo.withTag("missing"))).isEmpty();
            RegistryException missing = catchThrowableOfType(RegistryException.class, () -> client.getManifest(repo.withTag("missing")));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.getMessage()).isEqualTo("grocker/it-app:missing not found in registry " + registry.host());
        }
    }

    @Test
    void htpasswdRegistryLetsTheRightCredentialsInOnly() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithUser(USER, PASSWORD)) {
            ImageReference repo = ImageReference.parse(registry.host() + "/grocker/private");
            RegistryClient client = RegistryClient.create(Map.of(
                    "GROCKER_REGISTRY_USERNAME", USER, "GROCKER_REGISTRY_PASSWORD", PASSWORD,
                    "GROCKER_REGISTRY_HOST", registry.host()));
            client.ping(registry.host());
            Manifest image = pushImage(client, repo, "linux", "amd64", USER, PASSWORD);
            assertThat(client.getManifest(repo.withTag("linux-amd64"))).isEqualTo(image);

            RegistryClient wrong = RegistryClient.create(Map.of(
                    "GROCKER_REGISTRY_USERNAME", USER, "GROCKER_REGISTRY_PASSWORD", "not-" + PASSWORD));
            RegistryException refused = catchThrowableOfType(RegistryException.class, () -> wrong.getManifest(repo.withTag("linux-amd64")));
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.getMessage()).isEqualTo("registry " + registry.host() + " rejected the credentials for grocker/private:linux-amd64")
                    .doesNotContain(PASSWORD);

            RegistryException anonymous = catchThrowableOfType(RegistryException.class,
                    () -> RegistryClient.create(Map.of()).getManifest(repo.withTag("linux-amd64")));
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.getMessage()).contains("no credentials (set GROCKER_REGISTRY_USERNAME/GROCKER_REGISTRY_PASSWORD)");
        }
    }

    /** Uploads a config and a one-file layer, puts their manifest under tag {@code os-arch}; returns it. */
    private Manifest pushImage(RegistryClient client, ImageReference repo, String os, String architecture, String user,
            String password) throws Exception {
        byte[] tar = tar("hello-" + architecture + ".txt", ("hello from " + architecture + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] layer = gzip(tar);
        String config = "{\"architecture\":\"" + architecture + "\",\"os\":\"" + os + "\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + sha256(tar) + "\"]}}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        uploadBlob(repo, configBytes, user, password);
        uploadBlob(repo, layer, user, password);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + sha256(configBytes) + "\",\"size\":" + configBytes.length + "},"
                + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + sha256(layer) + "\",\"size\":" + layer.length + "}]}";
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
        assertThat(client.putManifest(repo, os + "-" + architecture, manifest)).isEqualTo(manifest.digest());
        assertThat(client.getBlob(repo, Digest.of(sha256(configBytes)))).isEqualTo(configBytes);
        return manifest;
    }

    /** Monolithic upload: POST a session, then PUT the whole blob with its digest. */
    private void uploadBlob(ImageReference repo, byte[] blob, String user, String password) throws Exception {
        String base = "http://" + repo.registry();
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/v2/" + repo.repository() + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> session = http.send(authorized(post, user, password).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as("POST upload: %s", session.body()).isEqualTo(202);
        String location = session.headers().firstValue("Location").orElseThrow();
        URI uri = URI.create(base).resolve(location);
        String put = uri + (uri.getRawQuery() == null ? "?" : "&") + "digest=" + sha256(blob);
        HttpRequest.Builder upload = HttpRequest.newBuilder(URI.create(put))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob));
        HttpResponse<String> done = http.send(authorized(upload, user, password).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as("PUT upload: %s", done.body()).isEqualTo(201);
        assertThat(done.headers().firstValue("Docker-Content-Digest")).contains(sha256(blob));
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String user, String password) {
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setModTime(0);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(content);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
