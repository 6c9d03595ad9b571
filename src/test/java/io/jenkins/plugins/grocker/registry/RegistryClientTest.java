package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.image.Digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryClientTest {
    private static final String CONFIG_AMD64 = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

    private FakeRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RegistryClient client(Credentials credentials) {
        return new RegistryClient(credentials, Set.of(), RegistryClient.newHttpClient());
    }

    private RegistryClient anonymous() {
        return client(Credentials.none());
    }

    private RegistryClient withCredentials(String password) {
        return client(Credentials.fromEnvironment(Map.of(
                Credentials.USERNAME_VARIABLE, FakeRegistry.USER, Credentials.PASSWORD_VARIABLE, password)));
    }

    private ImageReference ref(String text) throws Exception {
        return ImageReference.parse(registry.host() + "/" + text);
    }

    /** An image manifest with a config in the fake registry; returns its digest. */
    private Digest singleImage(String repository, String tag, String config) {
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.putBlob(configBytes);
        return Digest.of(registry.putManifest(repository, tag, MediaTypes.OCI_MANIFEST, imageManifest(configDigest, configBytes.length)));
    }

    private static String imageManifest(String configDigest, int configSize) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + configSize + "},\"layers\":[]}";
    }

    @Test
    void pingsAnOpenRegistry() throws Exception {
        anonymous().ping(registry.host());
        assertThat(registry.requests).containsExactly("GET /v2/");
    }

    @Test
    void getsAManifestWithItsMediaTypeAndDigest() throws Exception {
        Digest digest = singleImage("app", "1.0", CONFIG_AMD64);

        Manifest manifest = anonymous().getManifest(ref("app:1.0"));

        assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(manifest.digest()).isEqualTo(digest);
        assertThat(manifest.isIndex()).isFalse();
        assertThat(anonymous().getManifest(ref("app@" + digest))).isEqualTo(manifest);
    }

    @Test
    void headGivesTheDescriptorOrEmpty() throws Exception {
        Digest digest = singleImage("app", "1.0", CONFIG_AMD64);
        Manifest manifest = anonymous().getManifest(ref("app:1.0"));

        assertThat(anonymous().head(ref("app:1.0"))).contains(new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.size()));
        assertThat(anonymous().head(ref("app:missing"))).isEmpty();
    }

    @Test
    void missingManifestIsA404NamingTheReference() throws Exception {
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> anonymous().getManifest(ref("team/app:2.0")));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("team/app:2.0 not found in registry " + registry.host());
    }

    @Test
    void basicAuthWithTheRightCredentials() throws Exception {
        registry.auth = FakeRegistry.Auth.BASIC;
        Digest digest = singleImage("app", "1.0", CONFIG_AMD64);
        RegistryClient client = withCredentials(FakeRegistry.PASSWORD);

        client.ping(registry.host());
        assertThat(client.getManifest(ref("app:1.0")).digest()).isEqualTo(digest);
        assertThat(client.getManifest(ref("app:1.0")).digest()).isEqualTo(digest);

        // the second GET of the same repository sends the credentials up front
        assertThat(registry.requests).containsExactly("GET /v2/", "GET /v2/", "GET /v2/app/manifests/1.0",
                "GET /v2/app/manifests/1.0", "GET /v2/app/manifests/1.0");
    }

    @Test
    void basicAuthWithWrongCredentialsIsRefusedWithoutShowingThePassword() throws Exception {
        registry.auth = FakeRegistry.Auth.BASIC;
        singleImage("app", "1.0", CONFIG_AMD64);

        RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> withCredentials("wrong-Secret-42").getManifest(ref("app:1.0")));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).isEqualTo("registry " + registry.host() + " rejected the credentials for app:1.0");
        assertThat(e.getMessage()).doesNotContain("wrong-Secret-42");
    }

    @Test
    void basicAuthWithoutCredentialsSaysHowToSetThem() throws Exception {
        registry.auth = FakeRegistry.Auth.BASIC;
        singleImage("app", "1.0", CONFIG_AMD64);

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> anonymous().getManifest(ref("app:1.0")));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).isEqualTo("authentication required by " + registry.host()
                + " for app:1.0: no credentials (set GROCKER_REGISTRY_USERNAME/GROCKER_REGISTRY_PASSWORD)");
    }

    @Test
    void bearerTokenIsFetchedOnceAndReused() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        Digest digest = singleImage("team/app", "1.0", CONFIG_AMD64);
        RegistryClient client = withCredentials(FakeRegistry.PASSWORD);

        assertThat(client.getManifest(ref("team/app:1.0")).digest()).isEqualTo(digest);
        assertThat(client.head(ref("team/app:1.0"))).map(Descriptor::digest).contains(digest);
        assertThat(client.getManifest(ref("team/app@" + digest)).digest()).isEqualTo(digest);

        assertThat(registry.tokenRequests()).isEqualTo(1);
        assertThat(registry.tokenQueries).containsExactly("service=fake-registry&scope=repository%3Ateam%2Fapp%3Apull");
        assertThat(registry.authorizations).contains("Bearer tok3n-1");
    }

    @Test
    void bearerTokenIsFetchedAgainWhenItExpires() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        registry.tokenExpiresIn = 60;
        singleImage("app", "1.0", CONFIG_AMD64);
        MutableClock clock = new MutableClock();
        RegistryClient client = new RegistryClient(Credentials.fromEnvironment(Map.of(
                Credentials.USERNAME_VARIABLE, FakeRegistry.USER, Credentials.PASSWORD_VARIABLE, FakeRegistry.PASSWORD)),
                Set.of(), RegistryClient.newHttpClient(), clock);

        client.getManifest(ref("app:1.0"));
        clock.advance(Duration.ofSeconds(30));
        client.getManifest(ref("app:1.0"));
        assertThat(registry.tokenRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        client.getManifest(ref("app:1.0"));
        assertThat(registry.tokenRequests()).isEqualTo(2);
    }

    @Test
    void pushAsksForAPushScope() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        registry.putBlob(new byte[0]);
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, imageManifest(FakeRegistry.sha256(new byte[0]), 0)
                .getBytes(StandardCharsets.UTF_8));

        Digest digest = withCredentials(FakeRegistry.PASSWORD).putManifest(ref("app"), "1.0", manifest);

        assertThat(digest).isEqualTo(manifest.digest());
        assertThat(registry.tokenQueries).containsExactly("service=fake-registry&scope=repository%3Aapp%3Apull%2Cpush");
        registry.auth = FakeRegistry.Auth.NONE;
        assertThat(anonymous().getManifest(ref("app:1.0"))).isEqualTo(manifest);
    }

    @Test
    void bearerWithWrongCredentials() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;

        RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> withCredentials("not-the-Password").getManifest(ref("app:1.0")));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).isEqualTo("registry " + registry.host() + " rejected the credentials for app:1.0")
                .doesNotContain("not-the-Password");
    }

    @Test
    void bearerWithoutCredentialsTriesAnAnonymousTokenThenSaysHowToSetThem() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> anonymous().getManifest(ref("app:1.0")));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).contains("authentication required by " + registry.host() + " for app:1.0: no credentials");
        assertThat(registry.tokenRequests()).isEqualTo(1);
        assertThat(e.getMessage()).doesNotContain("anonymous-1");
    }

    @Test
    void forbiddenNamesRepositoryAndRegistry() throws Exception {
        registry.override("/v2/app/manifests/1.0", exchange -> FakeRegistry.error(exchange, 403, "DENIED", "requested access to the resource is denied"));

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> anonymous().getManifest(ref("app:1.0")));

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo("access to app:1.0 denied by " + registry.host());
    }

    @Test
    void otherErrorsGiveStatusAndTheRegistryErrorOnOneLine() throws Exception {
        registry.override("/v2/app/manifests/1.0", exchange -> FakeRegistry.error(exchange, 400, "MANIFEST_INVALID", "manifest invalid\\nsecond line"));
        Manifest manifest = ImageIndex.create(List.of(), Map.of());

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> anonymous().putManifest(ref("app"), "1.0", manifest));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("registry " + registry.host()
                + " answered HTTP 400 to PUT app:1.0: MANIFEST_INVALID: manifest invalid second line");
    }

    @Test
    void refusesAManifestThatDoesNotMatchItsDigestHeader() throws Exception {
        registry.override("/v2/app/manifests/1.0", exchange -> {
            exchange.getResponseHeaders().add("Docker-Content-Digest", FakeRegistry.sha256("other".getBytes(StandardCharsets.UTF_8)));
            FakeRegistry.send(exchange, 200, MediaTypes.OCI_MANIFEST, imageManifest(FakeRegistry.sha256(new byte[0]), 0).getBytes(StandardCharsets.UTF_8));
        });

        assertThatThrownBy(() -> anonymous().getManifest(ref("app:1.0")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("does not match its Docker-Content-Digest")
                .hasMessageContaining("app:1.0");
    }

    @Test
    void refusesAManifestThatDoesNotMatchTheRequestedDigest() throws Exception {
        String asked = FakeRegistry.sha256("something else".getBytes(StandardCharsets.UTF_8));
        registry.override("/v2/app/manifests/" + asked, exchange ->
                FakeRegistry.send(exchange, 200, MediaTypes.OCI_MANIFEST, imageManifest(asked, 0).getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> anonymous().getManifest(ref("app@" + asked)))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("app@" + asked)
                .hasMessageContaining("refusing it");
    }

    @Test
    void refusesAPushWhoseDigestTheRegistryDisputes() throws Exception {
        registry.override("/v2/app/manifests/1.0", exchange -> {
            exchange.getResponseHeaders().add("Docker-Content-Digest", FakeRegistry.sha256("other".getBytes(StandardCharsets.UTF_8)));
            FakeRegistry.send(exchange, 201, null, new byte[0]);
        });

        assertThatThrownBy(() -> anonymous().putManifest(ref("app"), "1.0", ImageIndex.create(List.of(), Map.of())))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("stored app:1.0 under digest");
    }

    @Test
    void getBlobFollowsRedirectsWithoutSendingCredentialsElsewhere() throws Exception {
        registry.auth = FakeRegistry.Auth.BASIC;
        byte[] blob = "layer bytes".getBytes(StandardCharsets.UTF_8);
        Digest digest = FakeRegistry.digest(blob);
        List<String> storageAuthorization = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer storage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storage.createContext("/", exchange -> {
            storageAuthorization.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            FakeRegistry.send(exchange, 200, "application/octet-stream", blob);
        });
        storage.start();
        try {
            registry.override("/v2/app/blobs/" + digest, exchange -> {
                if (!FakeRegistry.basic(FakeRegistry.USER, FakeRegistry.PASSWORD).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
                    FakeRegistry.send(exchange, 401, null, new byte[0]);
                    return;
                }
                exchange.getResponseHeaders().add("Location",
                        "http://127.0.0.1:" + storage.getAddress().getPort() + "/storage/blob?X-Signature=abc");
                FakeRegistry.send(exchange, 307, null, new byte[0]);
            });

            byte[] fetched = withCredentials(FakeRegistry.PASSWORD).getBlob(ref("app"), digest);

            assertThat(fetched).isEqualTo(blob);
            assertThat(storageAuthorization).containsExactly("null");
        } finally {
            storage.stop(0);
        }
    }

    @Test
    void refusesABlobThatDoesNotMatchItsDigest() throws Exception {
        Digest digest = FakeRegistry.digest("expected".getBytes(StandardCharsets.UTF_8));
        registry.override("/v2/app/blobs/" + digest,
                exchange -> FakeRegistry.send(exchange, 200, "application/octet-stream", "tampered".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> anonymous().getBlob(ref("app"), digest))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("blob app@" + digest)
                .hasMessageContaining("refusing it");
    }

    @Test
    void platformsOfAnIndexSkipAttestationsAndKeepOrder() throws Exception {
        Descriptor arm = new Descriptor(MediaTypes.OCI_MANIFEST, FakeRegistry.digest(new byte[] {1}), 501);
        Descriptor amd = new Descriptor(MediaTypes.OCI_MANIFEST, FakeRegistry.digest(new byte[] {2}), 502);
        Descriptor attestation = new Descriptor(MediaTypes.OCI_MANIFEST, FakeRegistry.digest(new byte[] {3}), 503);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + entry(arm, "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}") + ","
                + entry(amd, "{\"architecture\":\"amd64\",\"os\":\"linux\"}") + ","
                + entry(attestation, "{\"architecture\":\"unknown\",\"os\":\"unknown\"}") + "]}";
        registry.putManifest("app", "1.0", MediaTypes.OCI_INDEX, index);

        Map<Platform, Descriptor> platforms = anonymous().platforms(ref("app:1.0"));

        assertThat(platforms).containsExactly(Map.entry(Platform.LINUX_ARM64, arm), Map.entry(Platform.LINUX_AMD64, amd));
    }

    private static String entry(Descriptor descriptor, String platform) {
        return "{\"mediaType\":\"" + descriptor.mediaType() + "\",\"digest\":\"" + descriptor.digest() + "\",\"size\":"
                + descriptor.size() + ",\"platform\":" + platform + "}";
    }

    @Test
    void platformsOfASingleManifestComeFromItsConfig() throws Exception {
        Digest digest = singleImage("app", "arm", "{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}");
        Manifest manifest = anonymous().getManifest(ref("app:arm"));

        Map<Platform, Descriptor> platforms = anonymous().platforms(ref("app:arm"));

        assertThat(platforms).containsExactly(Map.entry(Platform.of("linux", "arm", "v7"), manifest.descriptor()));
        assertThat(manifest.digest()).isEqualTo(digest);
    }

    @Test
    void platformsOfADockerManifestListWithoutContentType() throws Exception {
        Descriptor amd = new Descriptor(MediaTypes.DOCKER_MANIFEST_V2, FakeRegistry.digest(new byte[] {2}), 502);
        String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":["
                + entry(amd, "{\"architecture\":\"amd64\",\"os\":\"linux\"}") + "]}";
        registry.putManifest("app", "1.0", "application/json", list.getBytes(StandardCharsets.UTF_8));

        assertThat(anonymous().getManifest(ref("app:1.0")).mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(anonymous().platforms(ref("app:1.0"))).containsExactly(Map.entry(Platform.LINUX_AMD64, amd));
    }

    @Test
    void connectionRefusedNamesTheEndpoint() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String host = "127.0.0.1:" + port;

        // as many sends as by default (a refused connection is retried), without the default's second of waiting
        RetryPolicy quick = new RetryPolicy(RetryPolicy.DEFAULT.attempts(), Duration.ofMillis(1), Duration.ofMillis(1));
        RegistryClient client = new RegistryClient(Credentials.none(), Set.of(), TlsTrust.fixed(RegistryClient.newHttpClient()),
                Clock.systemUTC(), quick);
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.ping(host));

        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).isEqualTo("registry " + host + " is unreachable: connection refused (GET http://" + host + "/v2/)");
    }

    @Test
    void choosesSchemeAndHostFromTheEnvironment() {
        RegistryClient client = RegistryClient.create(Map.of(RegistryClient.INSECURE_REGISTRIES_VARIABLE, " build-cache:5000 , ,other:80"));

        assertThat(client.baseUrl("127.0.0.1:5000")).isEqualTo("http://127.0.0.1:5000");
        assertThat(client.baseUrl("127.3.4.5")).isEqualTo("http://127.3.4.5");
        assertThat(client.baseUrl("localhost:5000")).isEqualTo("http://localhost:5000");
        assertThat(client.baseUrl("[::1]:5000")).isEqualTo("http://[::1]:5000");
        assertThat(client.baseUrl("build-cache:5000")).isEqualTo("http://build-cache:5000");
        assertThat(client.baseUrl("other:80")).isEqualTo("http://other:80");
        assertThat(client.baseUrl("build-cache:5001")).isEqualTo("https://build-cache:5001");
        assertThat(client.baseUrl("128.0.0.1:5000")).isEqualTo("https://128.0.0.1:5000");
        assertThat(client.baseUrl("registry.example.com")).isEqualTo("https://registry.example.com");
        assertThat(client.baseUrl("docker.io")).isEqualTo("https://registry-1.docker.io");
    }

    @Test
    void refusesToPutAManifestUnderAnotherDigest() throws Exception {
        Manifest manifest = ImageIndex.create(List.of(), Map.of());
        String other = FakeRegistry.sha256(new byte[] {9});

        assertThatThrownBy(() -> anonymous().putManifest(ref("app"), other, manifest)).isInstanceOf(IllegalArgumentException.class);
        assertThat(anonymous().putManifest(ref("app"), manifest)).isEqualTo(manifest.digest());
        assertThat(registry.requests).containsExactly("PUT /v2/app/manifests/" + manifest.digest());
    }

    @Test
    void usableFromSeveralThreads() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        Digest digest = singleImage("app", "1.0", CONFIG_AMD64);
        RegistryClient client = withCredentials(FakeRegistry.PASSWORD);
        client.ping(registry.host());

        List<java.util.concurrent.Callable<Digest>> calls = java.util.Collections.nCopies(16,
                () -> client.getManifest(ref("app:1.0")).digest());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (java.util.concurrent.Future<Digest> result : pool.invokeAll(calls)) {
                assertThat(result.get()).isEqualTo(digest);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
