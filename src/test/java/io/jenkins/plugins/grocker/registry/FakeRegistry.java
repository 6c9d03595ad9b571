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
    /** When false, {@code DELETE} of a manifest answers 405 UNSUPPORTED, as distribution without delete enabled. */
    volatile boolean deleteEnabled = true;
    /** When true, the registry has the OCI 1.1 referrers API (and answers {@code OCI-Subject}); else 404 there. */
    volatile boolean referrersApi = false;
    /** Tags per page of {@code tags/list} (a {@code Link} to the next page when there are more). */
    volatile int tagsPageSize = 1000;
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
            int referrersAt = path.lastIndexOf("/referrers/");
            if (path.endsWith("/tags/list")) {
                tags(exchange, path.substring(4, path.length() - "/tags/list".length()));
            } else if (referrersAt > 3) {
                referrers(exchange, path.substring(4, referrersAt), path.substring(referrersAt + "/referrers/".length()));
            } else if (blobsAt > 3 && path.substring(blobsAt).startsWith("/blobs/uploads/")) {
                upload(exchange, method, path.substring(4, blobsAt));
            } else if (manifestsAt > 3) {
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

    /** Tags of a repository in lexical order, {@code tagsPageSize} at a time, {@code last} as distribution reads it. */
    private void tags(HttpExchange exchange, String repository) throws IOException {
        java.util.TreeSet<String> tags = new java.util.TreeSet<>();
        for (String key : manifests.keySet()) {
            int slash = key.lastIndexOf('/');
            if (key.substring(0, slash).equals(repository) && !key.substring(slash + 1).startsWith("sha256:")) {
                tags.add(key.substring(slash + 1));
            }
        }
        if (tags.isEmpty() && manifests.keySet().stream().noneMatch(k -> k.startsWith(repository + "/"))) {
            error(exchange, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String last = null;
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("last=")) {
                    last = part.substring(5);
                }
            }
        }
        List<String> rest = new java.util.ArrayList<>(last == null ? tags : tags.tailSet(last, false));
        List<String> page = rest.subList(0, Math.min(tagsPageSize, rest.size()));
        if (rest.size() > page.size()) {
            exchange.getResponseHeaders().add("Link", "</v2/" + repository + "/tags/list?n=" + tagsPageSize + "&last="
                    + page.get(page.size() - 1) + ">; rel=\"next\"");
        }
        StringBuilder json = new StringBuilder("{\"name\":\"" + repository + "\",\"tags\":[");
        for (int i = 0; i < page.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(page.get(i)).append('"');
        }
        send(exchange, 200, "application/json", json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The referrers API when {@link #referrersApi} is on: manifests whose subject is {@code digest}. */
    private void referrers(HttpExchange exchange, String repository, String digest) throws IOException {
        if (!referrersApi) {
            send(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        boolean first = true;
        for (Map.Entry<String, Stored> e : new java.util.TreeMap<>(manifests).entrySet()) {
            String key = e.getKey();
            int slash = key.lastIndexOf('/');
            if (!key.substring(0, slash).equals(repository) || !key.substring(slash + 1).startsWith("sha256:")) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.getValue().bytes());
            if (!digest.equals(node.path("subject").path("digest").asText(null))) {
                continue;
            }
            json.append(first ? "" : ",").append("{\"mediaType\":\"").append(e.getValue().mediaType())
                    .append("\",\"digest\":\"").append(key.substring(slash + 1)).append("\",\"size\":").append(e.getValue().bytes().length);
            if (node.has("artifactType")) {
                json.append(",\"artifactType\":").append(node.get("artifactType"));
            }
            if (node.has("annotations")) {
                json.append(",\"annotations\":").append(node.get("annotations"));
            }
            json.append('}');
            first = false;
        }
        send(exchange, 200, "application/vnd.oci.image.index.v1+json", json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Monolithic uploads: POST opens a session, PUT with {@code digest=} stores the body. */
    private void upload(HttpExchange exchange, String method, String repository) throws IOException {
        if (method.equals("POST")) {
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/uploads/s" + tokenCounter.incrementAndGet());
            send(exchange, 202, null, new byte[0]);
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        String query = exchange.getRequestURI().getRawQuery();
        String digest = query == null ? null : java.util.Arrays.stream(query.split("&"))
                .filter(p -> p.startsWith("digest=")).map(p -> java.net.URLDecoder.decode(p.substring(7), StandardCharsets.UTF_8))
                .findFirst().orElse(null);
        if (!method.equals("PUT") || digest == null || !digest.equals(sha256(body))) {
            error(exchange, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
            return;
        }
        blobs.put(digest, body);
        exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
        send(exchange, 201, null, new byte[0]);
    }

    private void manifest(HttpExchange exchange, String method, String repository, String reference) throws IOException {
        if (method.equals("DELETE")) {
            if (!deleteEnabled) {
                error(exchange, 405, "UNSUPPORTED", "The operation is unsupported.");
                return;
            }
            Stored stored = manifests.get(repository + "/" + reference);
            if (stored == null || !reference.startsWith("sha256:")) {
                error(exchange, stored == null ? 404 : 400, stored == null ? "MANIFEST_UNKNOWN" : "UNSUPPORTED", "manifest unknown");
                return;
            }
            manifests.entrySet().removeIf(e -> e.getKey().startsWith(repository + "/")
                    && e.getKey().lastIndexOf('/') == repository.length()
                    && java.util.Arrays.equals(e.getValue().bytes(), stored.bytes()));
            send(exchange, 202, null, new byte[0]);
            return;
        }
        if (method.equals("PUT")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String mediaType = exchange.getRequestHeaders().getFirst("Content-Type");
            String digest = sha256(body);
            putManifest(repository, digest, mediaType, body);
            putManifest(repository, reference, mediaType, body);
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/manifests/" + digest);
            String subject = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("subject").path("digest").asText(null);
            if (referrersApi && subject != null) {
                exchange.getResponseHeaders().add("OCI-Subject", subject);
            }
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
                if (basic(USER, PASSWORD).equals(authorization)) {
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
        } else if (basic(USER, PASSWORD).equals(authorization)) {
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
