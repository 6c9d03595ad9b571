package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sends {@link Endpoint}s: picks the URL (https, or plain http for loopback and insecure registries without TLS
 * configuration), answers authentication challenges and sends again, retries idempotent calls on 429/5xx and
 * broken connections ({@link RetryPolicy}), follows redirects for endpoints that want it (without sending
 * credentials to another origin), maps 403 and connection failures to {@link RegistryException}s. Thread-safe.
 */
final class RegistryTransport {
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final TlsTrust tls;
    private final Set<String> insecureRegistries;
    private final Authenticator authenticator;
    private final RetryPolicy retry;

    RegistryTransport(Credentials credentials, Set<String> insecureRegistries, HttpClient http, Clock clock) {
        this(credentials, insecureRegistries, TlsTrust.fixed(Objects.requireNonNull(http, "http")), clock, RetryPolicy.DEFAULT);
    }

    RegistryTransport(Credentials credentials, Set<String> insecureRegistries, TlsTrust tls, Clock clock, RetryPolicy retry) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.insecureRegistries = insecureRegistries.stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.authenticator = new Authenticator(credentials, tls, this::plainHttpAllowed, clock);
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    <T> T call(Endpoint<T> endpoint) throws RegistryException {
        int attempts = endpoint.retryable() ? retry.attempts() : 1;
        for (int attempt = 1; ; attempt++) {
            Response response;
            try {
                response = authorized(endpoint);
            } catch (ConnectionFailure e) {
                if (attempt >= attempts) {
                    throw e;
                }
                RetryPolicy.sleep(retry.delay(attempt, java.util.Optional.empty()), endpoint.registry());
                continue;
            }
            if (RetryPolicy.retryableStatus(response.status()) && attempt < attempts) {
                close(response);
                RetryPolicy.sleep(retry.delay(attempt, response.header("Retry-After")), endpoint.registry());
                continue;
            }
            if (response.status() == 403) {
                close(response);
                throw Authenticator.denied(endpoint.registry(), endpoint.what());
            }
            return endpoint.handle(response);
        }
    }

    /** Sends, answering a 401 challenge once. */
    private Response authorized(Endpoint<?> endpoint) throws RegistryException {
        String registry = endpoint.registry();
        String scope = endpoint.scope();
        URI uri = endpoint.uri(baseUrl(registry));
        Response response = send(endpoint, uri, authenticator.cached(registry, scope).orElse(null));
        if (response.status() == 401) {
            authenticator.forget(registry, scope);
            String authorization = authenticator.authenticate(registry, endpoint.what(), scope, response);
            response = send(endpoint, uri, authorization);
            if (response.status() == 401) {
                authenticator.forget(registry, scope);
                throw authenticator.refused(registry, endpoint.what(), response);
            }
        }
        return response;
    }

    private Response send(Endpoint<?> endpoint, URI uri, String authorization) throws RegistryException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(endpoint.timeout());
            if (current.getScheme().equals("http")) {
                request.version(HttpClient.Version.HTTP_1_1);
            }
            if (endpoint.accept() != null) {
                request.header("Accept", endpoint.accept());
            }
            if (authorization != null && sameOrigin(current, uri)) {
                request.header("Authorization", authorization);
            }
            HttpRequest.BodyPublisher body = hop == 0 ? endpoint.publisher() : null;
            if (body != null) {
                request.header("Content-Type", endpoint.contentType());
                request.method(endpoint.method(), body);
            } else {
                request.method(hop == 0 ? endpoint.method() : "GET", HttpRequest.BodyPublishers.noBody());
            }
            HttpClient http = tls.client(current.getRawAuthority());
            HttpResponse<InputStream> response = exchangeStream(http, request.build(), endpoint.registry());
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect || !endpoint.followRedirects()) {
                if (endpoint.streaming() && status >= 200 && status < 300) {
                    return new Response(status, response.headers(), new byte[0], current, response.body());
                }
                return new Response(status, response.headers(), readSmall(response, endpoint.registry()), current);
            }
            readSmall(response, endpoint.registry());
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                throw endpoint.unexpected(new Response(status, response.headers(), new byte[0], current));
            }
            if (hop >= MAX_REDIRECTS) {
                throw new RegistryException("registry " + endpoint.registry() + " redirected " + endpoint.method() + " "
                        + endpoint.subject() + " more than " + MAX_REDIRECTS + " times", status, null);
            }
            URI next;
            try {
                next = current.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new RegistryException("registry " + endpoint.registry() + " redirected " + endpoint.subject()
                        + " to an invalid location", status, null);
            }
            if (current.getScheme().equals("https") && !next.getScheme().equals("https")) {
                throw new RegistryException("registry " + endpoint.registry() + " redirected " + endpoint.subject()
                        + " from https to " + display(next) + "; refusing to follow", status, null);
            }
            current = next;
        }
    }

    /** Reads a whole (non-streamed) answer; a connection that breaks while reading is a connection failure. */
    private static byte[] readSmall(HttpResponse<InputStream> response, String registry) throws RegistryException {
        try (InputStream in = response.body()) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new ConnectionFailure("registry " + registry + " is unreachable: " + reason(e) + " (reading the answer to "
                    + response.request().method() + " " + display(response.request().uri()) + ")", e);
        }
    }

    private static void close(Response response) {
        if (response.stream() != null) {
            try {
                response.stream().close();
            } catch (IOException e) {
                // nothing to do: the connection is dropped
            }
        }
    }

    /** Sends one request for a whole body; failures as for {@link #exchangeStream}. */
    static HttpResponse<byte[]> exchange(HttpClient http, HttpRequest request, String registry) throws RegistryException {
        return exchange(http, request, registry, HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<InputStream> exchangeStream(HttpClient http, HttpRequest request, String registry) throws RegistryException {
        return exchange(http, request, registry, HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Sends one request. Connection failures and timeouts become {@link ConnectionFailure}s naming the URL
     * (status 0); an untrusted certificate, an unknown host or a digest mismatch of a streamed body are final.
     */
    private static <B> HttpResponse<B> exchange(HttpClient http, HttpRequest request, String registry,
            HttpResponse.BodyHandler<B> handler) throws RegistryException {
        String where = request.method() + " " + display(request.uri());
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw new ConnectionFailure("registry " + registry + " is unreachable: connection timed out (" + where + ")", e);
        } catch (HttpTimeoutException e) {
            long seconds = request.timeout().map(t -> t.toSeconds()).orElse(0L);
            throw new ConnectionFailure("registry " + registry + " did not answer within " + seconds + " s (" + where + ")", e);
        } catch (IOException e) {
            BlobStream.DigestMismatch mismatch = find(e, BlobStream.DigestMismatch.class);
            if (mismatch != null) {
                throw new RegistryException(mismatch.getMessage() + "; refusing it (" + where + ")", e);
            }
            String tls = tlsProblem(e);
            if (tls != null) {
                throw new RegistryException("registry " + registry + ": " + tls + " (" + where + ")", e);
            }
            String reason = reason(e);
            if (reason.equals("unknown host")) {
                throw new RegistryException("registry " + registry + " is unreachable: unknown host (" + where + ")", e);
            }
            throw new ConnectionFailure("registry " + registry + " is unreachable: " + reason + " (" + where + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while waiting for registry " + registry + " (" + where + ")", e);
        }
    }

    private static <X extends Throwable> X find(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** A one-line description of a certificate that does not verify, or null for other failures. */
    static String tlsProblem(IOException e) {
        SSLHandshakeException handshake = find(e, SSLHandshakeException.class);
        if (handshake == null) {
            return null;
        }
        String all = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            all += " " + t.getMessage();
        }
        if (all.contains("subject alternative") || all.contains("No name matching")) {
            return "its TLS certificate does not name this host";
        }
        if (find(e, CertificateException.class) != null || all.contains("PKIX") || all.contains("certification path")) {
            return "its TLS certificate is not trusted (give its CA with --ca-file, GROCKER_REGISTRY_CA_FILE or "
                    + "/etc/docker/certs.d/<host:port>/ca.crt)";
        }
        return "TLS handshake failed: " + oneLine(handshake.getMessage());
    }

    /** A short, lowercase reason for a failed exchange. */
    static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof SSLException) {
                return "TLS failed: " + oneLine(t.getMessage());
            }
            if (t instanceof ConnectException && t.getMessage() != null && !t.getMessage().isBlank()) {
                return oneLine(t.getMessage()).toLowerCase(Locale.ROOT);
            }
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return oneLine(t.getMessage());
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }

    /** A URL for messages: without query or fragment, which may carry signatures. */
    static String display(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /**
     * {@code https://host[:port]}, or {@code http://} for registries allowed plain http that have no
     * {@code certs.d} directory; Docker Hub's API host for docker.io.
     */
    String baseUrl(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        if (host.equals("docker.io") || host.equals("index.docker.io")) {
            return "https://registry-1.docker.io";
        }
        return (plainHttpAllowed(host) && !tls.configuredFor(host) ? "http://" : "https://") + host;
    }

    /** Loopback hosts and the configured insecure registries. */
    boolean plainHttpAllowed(String registry) {
        String lower = registry.toLowerCase(Locale.ROOT);
        return insecureRegistries.contains(lower) || isLoopback(lower);
    }

    static boolean isLoopback(String registry) {
        String host = hostOf(registry.toLowerCase(Locale.ROOT));
        return host.equals("localhost") || host.equals("[::1]") || LOOPBACK_V4.matcher(host).matches();
    }

    private static String hostOf(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end < 0 ? registry : registry.substring(0, end + 1);
        }
        int colon = registry.lastIndexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }
}
