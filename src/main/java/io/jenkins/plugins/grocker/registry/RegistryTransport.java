package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * Sends {@link Endpoint}s: picks the URL (https, or plain http for loopback and insecure registries), answers
 * authentication challenges and retries once, follows redirects for endpoints that want it (without sending
 * credentials to another origin), maps 403 and connection failures to {@link RegistryException}s. Thread-safe.
 */
final class RegistryTransport {
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final HttpClient http;
    private final Set<String> insecureRegistries;
    private final Authenticator authenticator;

    RegistryTransport(Credentials credentials, Set<String> insecureRegistries, HttpClient http, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.insecureRegistries = insecureRegistries.stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.authenticator = new Authenticator(credentials, http, this::plainHttpAllowed, clock);
    }

    <T> T call(Endpoint<T> endpoint) throws RegistryException {
        String registry = endpoint.registry();
        String scope = endpoint.repository() == null ? null
                : "repository:" + endpoint.repository() + ":" + (endpoint.push() ? "pull,push" : "pull");
        URI uri = URI.create(baseUrl(registry) + endpoint.path());
        Response response = send(endpoint, uri, authenticator.cached(registry, scope).orElse(null));
        if (response.status() == 401) {
            authenticator.forget(registry, scope);
            String authorization = authenticator.authenticate(registry, endpoint.repository(), scope, response);
            response = send(endpoint, uri, authorization);
            if (response.status() == 401) {
                authenticator.forget(registry, scope);
                throw authenticator.refused(registry, endpoint.repository(), response);
            }
        }
        if (response.status() == 403) {
            throw Authenticator.denied(registry, endpoint.repository());
        }
        return endpoint.handle(response);
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
            byte[] body = endpoint.body();
            if (body != null && hop == 0) {
                request.header("Content-Type", endpoint.contentType());
                request.method(endpoint.method(), HttpRequest.BodyPublishers.ofByteArray(body));
            } else {
                request.method(hop == 0 ? endpoint.method() : "GET", HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response = exchange(http, request.build(), endpoint.registry());
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect || !endpoint.followRedirects()) {
                return new Response(status, response.headers(), response.body() == null ? new byte[0] : response.body(), current);
            }
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

    /** Sends one request; connection failures and timeouts become errors naming the URL (status 0). */
    static HttpResponse<byte[]> exchange(HttpClient http, HttpRequest request, String registry) throws RegistryException {
        String where = request.method() + " " + display(request.uri());
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new RegistryException("registry " + registry + " is unreachable: connection timed out (" + where + ")", e);
        } catch (HttpTimeoutException e) {
            long seconds = request.timeout().map(t -> t.toSeconds()).orElse(0L);
            throw new RegistryException("registry " + registry + " did not answer within " + seconds + " s (" + where + ")", e);
        } catch (IOException e) {
            throw new RegistryException("registry " + registry + " is unreachable: " + reason(e) + " (" + where + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while waiting for registry " + registry + " (" + where + ")", e);
        }
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

    /** {@code https://host[:port]}, or {@code http://} for registries allowed plain http; Docker Hub's API host for docker.io. */
    String baseUrl(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        if (host.equals("docker.io") || host.equals("index.docker.io")) {
            return "https://registry-1.docker.io";
        }
        return (plainHttpAllowed(host) ? "http://" : "https://") + host;
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
