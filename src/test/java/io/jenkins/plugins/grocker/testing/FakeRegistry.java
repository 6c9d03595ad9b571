package io.jenkins.plugins.grocker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.grocker.image.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An in-process registry for unit tests, on 127.0.0.1 and a free port, that refuses what distribution 2.8 refuses:
 * a blob is only in the repositories it was uploaded or mounted to; a manifest is refused (400
 * {@code MANIFEST_BLOB_UNKNOWN}) while its config, a layer or, for an index, a child manifest is not in the
 * repository; a manifest put under a digest must have that digest ({@code DIGEST_INVALID}); an upload's bytes must
 * hash to the digest it is closed with; an unknown media type or a bad tag is refused; deleting needs
 * {@link #deleteEnabled}. Optional Basic or Bearer authentication (the token endpoint {@code /token} is served by the
 * same server) and per-path overrides for answers a real registry would rarely give, or to hold a request back and
 * then {@link #answer} it (interleavings of concurrent clients).
 *
 * <p>Test set-up may seed blobs ({@link #putBlob}, visible in every repository) and manifests ({@link #putManifest})
 * without these checks. Thread-safe.
 */
public final class FakeRegistry implements AutoCloseable {
    public enum Auth { NONE, BASIC, BEARER }

    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret-Pa55";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Set<String> MANIFEST_TYPES = Set.of("application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private record Stored(String mediaType, byte[] bytes) {}

    private final HttpServer server;
    /** repository/reference (tag or digest) to manifest. */
    private final Map<String, Stored> manifests = new ConcurrentHashMap<>();
    /** Blob content by digest. */
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    /** Blobs seeded by the test: in every repository. */
    private final Set<String> seeded = ConcurrentHashMap.newKeySet();
    /** repository to the digests of its blobs. */
    private final Map<String, Set<String>> links = new ConcurrentHashMap<>();
    /** Upload session id to its repository. */
    private final Map<String, String> uploads = new ConcurrentHashMap<>();
    private final Map<String, HttpHandler> overrides = new ConcurrentHashMap<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    public volatile Auth auth = Auth.NONE;
    /** The account this registry accepts (default {@link #USER} / {@link #PASSWORD}). */
    public volatile String user = USER;
    public volatile String password = PASSWORD;
    public volatile long tokenExpiresIn = 300;
    public volatile boolean deleteEnabled;
    /**
     * When true, the registry has the OCI 1.1 referrers API ({@code GET /v2/<repo>/referrers/<digest>}) and answers
     * a manifest put with a {@code subject} with {@code OCI-Subject}; when false (distribution 2.8) that path is 404.
     */
    public volatile boolean referrersApi;
    /** Tags per page of {@code tags/list} (a {@code Link} to the next page when there are more), as distribution pages. */
    public volatile int tagsPageSize = 1000;
    public final List<String> tokenQueries = new CopyOnWriteArrayList<>();
    /** Every request, {@code METHOD /path}, in the order they came. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Every blob mounted, {@code repository@digest from repository}, in order. */
    public final List<String> mounts = new CopyOnWriteArrayList<>();

    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-registry");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Answers requests for this exact path (method-independent) with {@code handler}, before any auth check. */
    public void override(String path, HttpHandler handler) {
        overrides.put(path, handler);
    }

    /** Seeds a manifest (no checks). */
    public void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        manifests.put(repository + "/" + reference, new Stored(mediaType, bytes));
    }

    /** Seeds a manifest under its digest and the tag (no checks); returns the digest. */
    public String putManifest(String repository, String tag, String mediaType, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String digest = sha256(bytes);
        putManifest(repository, digest, mediaType, bytes);
        if (tag != null) {
            putManifest(repository, tag, mediaType, bytes);
        }
        return digest;
    }

    /** Seeds a blob, present in every repository; returns its digest. */
    public String putBlob(byte[] bytes) {
        String digest = sha256(bytes);
        blobs.put(digest, bytes);
        seeded.add(digest);
        return digest;
    }

    /** The digest a tag (or digest) of a repository names now, or empty. */
    public Optional<String> digestOf(String repository, String reference) {
        Stored stored = manifests.get(repository + "/" + reference);
        return stored == null ? Optional.empty() : Optional.of(sha256(stored.bytes()));
    }

    /** The tags of a repository, sorted. */
    public Set<String> tags(String repository) {
        Set<String> tags = new TreeSet<>();
        String prefix = repository + "/";
        for (String key : manifests.keySet()) {
            if (key.startsWith(prefix)) {
                String reference = key.substring(prefix.length());
                if (!reference.contains("/") && !reference.startsWith("sha256:")) {
                    tags.add(reference);
                }
            }
        }
        return tags;
    }

    /** Whether the blob is in the repository (uploaded, mounted or seeded). */
    public boolean hasBlob(String repository, String digest) {
        return seeded.contains(digest) || links.getOrDefault(repository, Set.of()).contains(digest);
    }

    /** The requests of one method whose path contains {@code part}, in order. */
    public List<String> requests(String method, String part) {
        return requests.stream().filter(r -> r.startsWith(method + " ") && r.contains(part)).toList();
    }

    /** Whether this {@code Authorization} value carries a token the fake token service gave out. */
    public boolean validToken(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                && validTokens.contains(authorization.substring("Bearer ".length()));
    }

    /** The challenge a Bearer-protected path answers with. */
    public String bearerChallenge() {
        return "Bearer realm=\"http://" + host() + "/token\",service=\"fake-registry\"";
    }

    public int tokenRequests() {
        return tokenQueries.size();
    }

    public static String sha256(byte[] bytes) {
        return Digest.sha256(bytes).toString();
    }

    /** The digest of these bytes, as the client's API takes it. */
    public static Digest digest(byte[] bytes) {
        return Digest.sha256(bytes);
    }

    public static String basic(String user, String password) {
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
            answer(exchange);
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** Tags in lexical order, {@link #tagsPageSize} at a time from after {@code last=}, as distribution pages them. */
    private void tagList(HttpExchange exchange, String repository) throws IOException {
        TreeSet<String> tags = new TreeSet<>(tags(repository));
        if (tags.isEmpty() && manifests.keySet().stream().noneMatch(k -> k.startsWith(repository + "/"))) {
            error(exchange, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }
        String last = query(exchange.getRequestURI().getRawQuery()).get("last");
        List<String> rest = new ArrayList<>(last == null ? tags : tags.tailSet(last, false));
        List<String> page = rest.subList(0, Math.min(tagsPageSize, rest.size()));
        if (rest.size() > page.size()) {
            exchange.getResponseHeaders().add("Link", "</v2/" + repository + "/tags/list?n=" + tagsPageSize + "&last="
                    + page.get(page.size() - 1) + ">; rel=\"next\"");
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", repository);
        body.put("tags", page);
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    /** The referrers API when {@link #referrersApi} is on: the manifests of the repository whose subject is {@code digest}. */
    private void referrers(HttpExchange exchange, String repository, String digest) throws IOException {
        if (!referrersApi) {
            send(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        boolean first = true;
        for (Map.Entry<String, Stored> e : new java.util.TreeMap<>(manifests).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(repository + "/sha256:") || key.substring(repository.length() + 1).contains("/")) {
                continue;
            }
            JsonNode node = JSON.readTree(e.getValue().bytes());
            if (!digest.equals(node.path("subject").path("digest").asText(null))) {
                continue;
            }
            json.append(first ? "" : ",").append("{\"mediaType\":\"").append(e.getValue().mediaType())
                    .append("\",\"digest\":\"").append(key.substring(repository.length() + 1)).append("\",\"size\":")
                    .append(e.getValue().bytes().length);
            String artifactType = node.path("artifactType").asText(node.path("config").path("mediaType").asText(null));
            if (artifactType != null) {
                json.append(",\"artifactType\":").append(JSON.writeValueAsString(artifactType));
            }
            if (node.has("annotations")) {
                json.append(",\"annotations\":").append(node.get("annotations"));
            }
            json.append('}');
            first = false;
        }
        send(exchange, 200, "application/vnd.oci.image.index.v1+json", json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Answers a request as the registry does when no override is set: an override that only wants to hold a request
     * back (to make an interleaving of two clients deterministic), or to act after it, calls this.
     */
    public void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (path.equals("/token")) {
            token(exchange, authorization);
            return;
        }
        if (!authorized(exchange, authorization)) {
            return;
        }
        if (path.equals("/v2/")) {
            send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        int manifestsAt = path.lastIndexOf("/manifests/");
        int uploadsAt = path.indexOf("/blobs/uploads/");
        int blobsAt = path.lastIndexOf("/blobs/");
        int tagsAt = path.lastIndexOf("/tags/list");
        int referrersAt = path.lastIndexOf("/referrers/");
        if (referrersAt > 3 && method.equals("GET")) {
            referrers(exchange, path.substring(4, referrersAt), path.substring(referrersAt + "/referrers/".length()));
        } else if (manifestsAt > 3) {
            manifest(exchange, method, path.substring(4, manifestsAt), path.substring(manifestsAt + "/manifests/".length()));
        } else if (uploadsAt > 3) {
            upload(exchange, method, path.substring(4, uploadsAt), path.substring(uploadsAt + "/blobs/uploads/".length()));
        } else if (blobsAt > 3) {
            blob(exchange, method, path.substring(4, blobsAt), path.substring(blobsAt + "/blobs/".length()));
        } else if (tagsAt > 3 && method.equals("GET")) {
            tagList(exchange, path.substring(4, tagsAt));
        } else {
            error(exchange, 404, "NAME_UNKNOWN", "unknown path");
        }
    }

    private void blob(HttpExchange exchange, String method, String repository, String digest) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            error(exchange, 405, "UNSUPPORTED", "the operation is unsupported");
            return;
        }
        byte[] blob = blobs.get(digest);
        if (blob == null || !hasBlob(repository, digest)) {
            error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry");
            return;
        }
        exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
        send(exchange, 200, "application/octet-stream", blob);
    }

    private void upload(HttpExchange exchange, String method, String repository, String session) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (method.equals("POST") && session.isEmpty()) {
            exchange.getRequestBody().readAllBytes();
            String mount = query.get("mount");
            String from = query.get("from");
            if (mount != null && from != null && blobs.containsKey(mount) && hasBlob(from, mount)) {
                links.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).add(mount);
                mounts.add(repository + "@" + mount + " from " + from);
                exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/" + mount);
                exchange.getResponseHeaders().add("Docker-Content-Digest", mount);
                send(exchange, 201, null, new byte[0]);
                return;
            }
            String id = "s" + counter.incrementAndGet();
            uploads.put(id, repository);
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/uploads/" + id + "?_state=" + id);
            exchange.getResponseHeaders().add("Docker-Upload-UUID", id);
            send(exchange, 202, null, new byte[0]);
            return;
        }
        if (method.equals("PUT") && uploads.containsKey(session)) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String digest = query.get("digest");
            if (digest == null || !uploads.get(session).equals(repository)) {
                error(exchange, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                return;
            }
            if (!sha256(body).equals(digest)) {
                error(exchange, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                return;
            }
            uploads.remove(session);
            blobs.put(digest, body);
            links.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).add(digest);
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/" + digest);
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
            send(exchange, 201, null, new byte[0]);
            return;
        }
        error(exchange, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
    }

    private void manifest(HttpExchange exchange, String method, String repository, String reference) throws IOException {
        if (method.equals("PUT")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String mediaType = exchange.getRequestHeaders().getFirst("Content-Type");
            String digest = sha256(body);
            if (reference.startsWith("sha256:") && !reference.equals(digest)) {
                error(exchange, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                return;
            }
            if (!reference.startsWith("sha256:") && !TAG.matcher(reference).matches()) {
                error(exchange, 400, "TAG_INVALID", "manifest tag did not match URI");
                return;
            }
            if (mediaType == null || !MANIFEST_TYPES.contains(mediaType)) {
                error(exchange, 400, "MANIFEST_INVALID", "manifest invalid");
                return;
            }
            String missing = missingReference(repository, mediaType, body);
            if (missing != null) {
                error(exchange, 400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + missing);
                return;
            }
            putManifest(repository, digest, mediaType, body);
            putManifest(repository, reference, mediaType, body);
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/manifests/" + digest);
            String subject = JSON.readTree(body).path("subject").path("digest").asText(null);
            if (referrersApi && subject != null) {
                exchange.getResponseHeaders().add("OCI-Subject", subject);
            }
            send(exchange, 201, null, new byte[0]);
            return;
        }
        if (method.equals("DELETE")) {
            if (!deleteEnabled) {
                error(exchange, 405, "UNSUPPORTED", "The operation is unsupported.");
                return;
            }
            if (!reference.startsWith("sha256:") || manifests.get(repository + "/" + reference) == null) {
                error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
                return;
            }
            manifests.entrySet().removeIf(e -> e.getKey().startsWith(repository + "/")
                    && !e.getKey().substring(repository.length() + 1).contains("/") && sha256(e.getValue().bytes()).equals(reference));
            send(exchange, 202, null, new byte[0]);
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

    /** The first blob or child manifest a manifest names that the repository does not have, or null. */
    private String missingReference(String repository, String mediaType, byte[] body) throws IOException {
        JsonNode json = JSON.readTree(body);
        if (mediaType.contains("index") || mediaType.contains("list")) {
            for (JsonNode child : json.path("manifests")) {
                String digest = child.path("digest").asText();
                if (!manifests.containsKey(repository + "/" + digest)) {
                    return digest;
                }
            }
            return null;
        }
        List<JsonNode> blobsNamed = new ArrayList<>();
        blobsNamed.add(json.path("config"));
        json.path("layers").forEach(blobsNamed::add);
        for (JsonNode d : blobsNamed) {
            String digest = d.path("digest").asText();
            if (!d.has("urls") && !hasBlob(repository, digest)) {
                return digest;
            }
        }
        return null;
    }

    private boolean authorized(HttpExchange exchange, String authorization) throws IOException {
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
                if (validToken(authorization)) {
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
            token = "anonymous-" + counter.incrementAndGet(); // valid for nothing
        } else if (basic(user, password).equals(authorization)) {
            token = "tok3n-" + counter.incrementAndGet();
            validTokens.add(token);
        } else {
            error(exchange, 401, "UNAUTHORIZED", "bad credentials");
            return;
        }
        send(exchange, 200, "application/json",
                ("{\"access_token\":\"" + token + "\",\"expires_in\":" + tokenExpiresIn + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null) {
            return query;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                query.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    public static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "application/json",
                ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":null}]}").getBytes(StandardCharsets.UTF_8));
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
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
