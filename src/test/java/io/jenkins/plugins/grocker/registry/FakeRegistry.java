package io.jenkins.plugins.grocker.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process registry for unit tests, on 127.0.0.1 and a free port: manifests and blobs in memory, optional
 * Basic or Bearer authentication (the token endpoint {@code /token} is served by the same server), and
 * per-path overrides for answers a real registry would rarely give.
 */
final class FakeRegistry implements AutoCloseable {
    enum Auth { NONE, BASIC, BEARER }

    static final String USER = "alice";
    static final String PASSWORD = "s3cret-Pa55";

    private record Stored(String mediaType, byte[] bytes) {}

    private final HttpServer server;
    private final Map<String, Stored> manifests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, HttpHandler> overrides = new ConcurrentHashMap<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    volatile Auth auth = Auth.NONE;
    /** The account this registry accepts (default {@link #USER} / {@link #PASSWORD}). */
    volatile String user = USER;
    volatile String password = PASSWORD;
    volatile long tokenExpiresIn = 300;
    final List<String> tokenQueries = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Answers requests for this exact path (method-independent) with {@code handler}, before any auth check. */
    void override(String path, HttpHandler handler) {
        overrides.put(path, handler);
    }

    void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        manifests.put(repository + "/" + reference, new Stored(mediaType, bytes));
    }

    /** Stores a manifest under its digest and the tag; returns the digest. */
    String putManifest(String repository, String tag, String mediaType, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String digest = sha256(bytes);
        putManifest(repository, digest, mediaType, bytes);
        if (tag != null) {
            putManifest(repository, tag, mediaType, bytes);
        }
        return digest;
    }

    String putBlob(byte[] bytes) {
        String digest = sha256(bytes);
        blobs.put(digest, bytes);
        return digest;
    }

    /** Whether this {@code Authorization} value carries a token the fake token service gave out. */
    boolean validToken(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                && validTokens.contains(authorization.substring("Bearer ".length()));
    }

    /** The challenge a Bearer-protected path answers with. */
    String bearerChallenge() {
        return "Bearer realm=\"http://" + host() + "/token\",service=\"fake-registry\"";
    }

    int tokenRequests() {
        return tokenQueries.size();
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + path);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            HttpHandler override = overrides.get(path);
            if (override != null) {
                override.handle(exchange);
                return;
            }
            if (path.equals("/token")) {
                token(exchange, authorization);
                return;
            }
            if (!authorized(exchange, authorization, path)) {
                return;
            }
            if (path.equals("/v2/")) {
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            int manifestsAt = path.lastIndexOf("/manifests/");
            int blobsAt = path.lastIndexOf("/blobs/");
            if (manifestsAt > 3) {
                manifest(exchange, method, path.substring(4, manifestsAt), path.substring(manifestsAt + "/manifests/".length()));
            } else if (blobsAt > 3) {
                byte[] blob = blobs.get(path.substring(blobsAt + "/blobs/".length()));
                if (blob == null) {
                    error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry");
                } else {
                    send(exchange, 200, "application/octet-stream", blob);
                }
            } else {
                error(exchange, 404, "NAME_UNKNOWN", "unknown path");
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void manifest(HttpExchange exchange, String method, String repository, String reference) throws IOException {
        if (method.equals("PUT")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String mediaType = exchange.getRequestHeaders().getFirst("Content-Type");
            String digest = sha256(body);
            putManifest(repository, digest, mediaType, body);
            putManifest(repository, reference, mediaType, body);
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/manifests/" + digest);
            send(exchange, 201, null, new byte[0]);
            return;
        }
        Stored stored = manifests.get(repository + "/" + reference);
        if (stored == null) {
            error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        exchange.getResponseHeaders().add("Docker-Content-Digest", sha256(stored.bytes()));
        send(exchange, 200, stored.mediaType(), stored.bytes());
    }

    private boolean authorized(HttpExchange exchange, String authorization, String path) throws IOException {
        switch (auth) {
            case NONE:
                return true;
            case BASIC:
                if (basic(user, password).equals(authorization)) {
                    return true;
                }
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake registry\"");
                error(exchange, 401, "UNAUTHORIZED", "authentication required");
                return false;
            default:
                if (authorization != null && authorization.startsWith("Bearer ")
                        && validTokens.contains(authorization.substring("Bearer ".length()))) {
                    return true;
                }
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
                        + "/token\",service=\"fake-registry\",scope=\"repository:from-challenge:pull\"");
                error(exchange, 401, "UNAUTHORIZED", "authentication required");
                return false;
        }
    }

    private void token(HttpExchange exchange, String authorization) throws IOException {
        tokenQueries.add(exchange.getRequestURI().getRawQuery());
        String token;
        if (authorization == null) {
            token = "anonymous-" + tokenCounter.incrementAndGet(); // valid for nothing
        } else if (basic(user, password).equals(authorization)) {
            token = "tok3n-" + tokenCounter.incrementAndGet();
            validTokens.add(token);
        } else {
            error(exchange, 401, "UNAUTHORIZED", "bad credentials");
            return;
        }
        send(exchange, 200, "application/json",
                ("{\"access_token\":\"" + token + "\",\"expires_in\":" + tokenExpiresIn + "}").getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "application/json",
                ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":null}]}").getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
