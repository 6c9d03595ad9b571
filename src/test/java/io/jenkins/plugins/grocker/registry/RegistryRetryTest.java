package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.testing.FakeRegistry;
import io.jenkins.plugins.grocker.image.Digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, blob endpoints and the cross-repository mount scope, against {@link FakeRegistry}. */
class RegistryRetryTest {
    private FakeRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RegistryClient client(int attempts, Credentials credentials) {
        return new RegistryClient(credentials, Set.of(), TlsTrust.fixed(RegistryClient.newHttpClient()), Clock.systemUTC(),
                new RetryPolicy(attempts, Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    private ImageReference ref(String text) throws Exception {
        return ImageReference.parse(registry.host() + "/" + text);
    }

    /** Answers {@code failures} times with {@code status}, then as the registry would. */
    private AtomicInteger failFirst(String path, int failures, int status, String retryAfter) {
        AtomicInteger calls = new AtomicInteger();
        registry.override(path, exchange -> {
            if (calls.incrementAndGet() <= failures) {
                if (retryAfter != null) {
                    exchange.getResponseHeaders().add("Retry-After", retryAfter);
                }
                FakeRegistry.error(exchange, status, "UNAVAILABLE", "try later");
            } else {
                FakeRegistry.send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            }
        });
        return calls;
    }

    @Test
    void idempotentCallsAreRetriedOn5xxAnd429() throws Exception {
        AtomicInteger calls = failFirst("/v2/", 3, 503, null);
        client(4, Credentials.none()).ping(registry.host());
        assertThat(calls).hasValue(4);

        AtomicInteger limited = failFirst("/v2/", 1, 429, "1");
        long start = System.nanoTime();
        client(4, Credentials.none()).ping(registry.host());
        assertThat(limited).hasValue(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void attemptsAreBoundedAndTheLastAnswerIsReported() throws Exception {
        AtomicInteger calls = failFirst("/v2/", 100, 500, null);
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> client(3, Credentials.none()).ping(registry.host()));
        assertThat(calls).hasValue(3);
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("registry " + registry.host() + " answered HTTP 500 to GET /v2/: UNAVAILABLE: try later");
        assertThat(e.exitCode()).isEqualTo(4);
    }

    @Test
    void uploadsAreNotRetriedByTheTransport() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        registry.override("/v2/app/blobs/uploads/", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Location", "/v2/app/blobs/uploads/?session=1");
                FakeRegistry.send(exchange, 202, null, new byte[0]);
            } else {
                FakeRegistry.error(exchange, 500, "BROKEN", "disk full");
            }
        });
        byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(blob);
        RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> client(4, Credentials.none()).uploadBlob(ref("app"), FakeRegistry.digest(blob), blob.length, in));
        assertThat(calls).hasValue(2); // one POST, one PUT
        assertThat(e.getMessage()).contains("answered HTTP 500 to PUT blob app@");
    }

    @Test
    void blobsStreamWithTheirDigestChecked() throws Exception {
        byte[] blob = "some layer bytes".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(registry.putBlob(blob));
        RegistryClient client = client(1, Credentials.none());
        try (BlobStream in = client.openBlob(ref("app"), digest)) {
            assertThat(in.readAllBytes()).isEqualTo(blob);
        }
        assertThat(client.bytesRead()).isEqualTo(blob.length);
        assertThat(client.blobSize(ref("app"), digest)).contains((long) blob.length);
        assertThat(client.blobSize(ref("app"), FakeRegistry.digest(new byte[] {1}))).isEmpty();

        Digest wrong = FakeRegistry.digest("other".getBytes(StandardCharsets.UTF_8));
        registry.override("/v2/app/blobs/" + wrong, exchange -> FakeRegistry.send(exchange, 200, "application/octet-stream", blob));
        try (BlobStream in = client.openBlob(ref("app"), wrong)) {
            assertThat(catchThrowableOfType(java.io.IOException.class, in::readAllBytes))
                    .hasMessageContaining("has content with digest " + digest);
        }
    }

    @Test
    void mountAsksForOneTokenWithPullOnTheSourceAndPushOnTheTarget() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        Digest digest = FakeRegistry.digest("mounted".getBytes(StandardCharsets.UTF_8));
        registry.override("/v2/release/app/blobs/uploads/", exchange -> {
            if (!registry.validToken(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", registry.bearerChallenge());
                FakeRegistry.error(exchange, 401, "UNAUTHORIZED", "authentication required");
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            FakeRegistry.send(exchange, query.contains("from=team%2Fapp") ? 201 : 202, null, new byte[0]);
        });
        RegistryClient client = client(1, Credentials.fromEnvironment(Map.of(
                Credentials.USERNAME_VARIABLE, FakeRegistry.USER, Credentials.PASSWORD_VARIABLE, FakeRegistry.PASSWORD)));

        assertThat(client.mountBlob(ref("release/app"), digest, ref("team/app"))).isTrue();
        assertThat(client.mountBlob(ref("release/app"), digest, ref("team/app"))).isTrue();
        assertThat(client.mountBlob(ref("release/app"), digest, ref("elsewhere/app"))).isFalse();

        assertThat(registry.tokenQueries).containsExactly(
                "service=fake-registry&scope=repository%3Arelease%2Fapp%3Apull%2Cpush&scope=repository%3Ateam%2Fapp%3Apull",
                "service=fake-registry&scope=repository%3Arelease%2Fapp%3Apull%2Cpush&scope=repository%3Aelsewhere%2Fapp%3Apull");
    }

    @Test
    void retryAfterIsParsed() {
        assertThat(RetryPolicy.parseRetryAfter("3")).contains(Duration.ofSeconds(3));
        assertThat(RetryPolicy.parseRetryAfter("soon")).isEmpty();
        assertThat(RetryPolicy.DEFAULT.delay(1, Optional.of("120"))).isEqualTo(RetryPolicy.MAX_RETRY_AFTER);
        assertThat(RetryPolicy.DEFAULT.delay(3, Optional.empty())).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }
}
