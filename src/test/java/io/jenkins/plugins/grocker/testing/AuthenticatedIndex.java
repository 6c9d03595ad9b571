package io.jenkins.plugins.grocker.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PEP 503 "simple" package index on 127.0.0.1 (free port) that requires HTTP basic authentication on every
 * path: without credentials, or with wrong ones, it answers 401 with {@code WWW-Authenticate: Basic
 * realm="grocker-test"} (which is what makes pip offer its netrc or URL credentials). {@code /simple/} lists the
 * projects, {@code /simple/<normalized-name>/} their files with {@code #sha256=} fragments, {@code /files/<file>}
 * serves them. Every request is logged with its status. Thread-safe.
 */
public final class AuthenticatedIndex implements AutoCloseable {
    public static final String REALM = "grocker-test";

    /** One request served: method, path (no query), status, and the user name it authenticated as (null if none). */
    public record Request(String method, String path, int status, String user) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] expectedAuthorization;
    private final String user;
    /** normalized project name → (file name → sha256 hex) */
    private final Map<String, NavigableMap<String, String>> projects = new ConcurrentSkipListMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<Request> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    public AuthenticatedIndex(String user, String password) throws IOException {
        if (user == null || user.isEmpty() || user.contains(":") || password == null) {
            throw new IllegalArgumentException("a user name without ':' and a password are required");
        }
        this.user = user;
        this.expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "authenticated-index");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try {
                handle(exchange);
            } catch (RuntimeException | IOException e) {
                log.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), 500, null));
                throw e;
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The index URL for pip's {@code --index-url}, without credentials: {@code http://127.0.0.1:PORT/simple}. */
    public String url() {
        return "http://" + host() + "/simple";
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves {@code distributionFile} (an sdist or a wheel, under its own file name) as a file of {@code project};
     * a file of the same name is replaced.
     */
    public void add(Path distributionFile, String project) throws IOException {
        byte[] bytes = Files.readAllBytes(distributionFile);
        String file = distributionFile.getFileName().toString();
        if (file.contains("/") || file.contains("?") || file.contains("#")) {
            throw new IllegalArgumentException("unusable file name " + file);
        }
        files.put(file, bytes);
        projects.computeIfAbsent(SampleApp.normalize(project), k -> new ConcurrentSkipListMap<>()).put(file, hex(sha256(bytes)));
    }

    /** How many requests arrived (any path, any status). */
    public int requests() {
        return requests.get();
    }

    /** Every request so far, in arrival order (a snapshot). */
    public List<Request> log() {
        return List.copyOf(log);
    }

    /** The paths answered 401, in arrival order (one entry per request). */
    public List<String> unauthorizedPaths() {
        List<String> result = new ArrayList<>();
        for (Request r : log) {
            if (r.status() == 401) {
                result.add(r.path());
            }
        }
        return result;
    }

    /** The paths answered 200 with valid credentials, in arrival order. */
    public List<String> servedPaths() {
        List<String> result = new ArrayList<>();
        for (Request r : log) {
            if (r.status() == 200) {
                result.add(r.path());
            }
        }
        return result;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !MessageDigest.isEqual(authorization.trim().getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            respond(exchange, method, path, 401, null, "text/plain; charset=utf-8", "authentication required\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, method, path, 405, user, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        if (path.equals("/simple") || path.equals("/simple/")) {
            StringBuilder html = page("Simple index");
            for (String project : projects.keySet()) {
                html.append("<a href=\"/simple/").append(project).append("/\">").append(project).append("</a><br/>\n");
            }
            respond(exchange, method, path, 200, user, "text/html; charset=utf-8", end(html));
        } else if (path.startsWith("/simple/")) {
            String project = SampleApp.normalize(path.substring("/simple/".length()).replaceAll("/+$", ""));
            NavigableMap<String, String> listed = project.isEmpty() || project.contains("/") ? null : projects.get(project);
            if (listed == null) {
                respond(exchange, method, path, 404, user, "text/plain; charset=utf-8", "no such project\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            StringBuilder html = page("Links for " + project);
            listed.forEach((file, sha) -> html.append("<a href=\"/files/").append(file).append("#sha256=").append(sha).append("\">")
                    .append(file).append("</a><br/>\n"));
            respond(exchange, method, path, 200, user, "text/html; charset=utf-8", end(html));
        } else if (path.startsWith("/files/") && files.containsKey(path.substring("/files/".length()))) {
            String file = path.substring("/files/".length());
            respond(exchange, method, path, 200, user, file.endsWith(".whl") ? "application/zip" : "application/gzip", files.get(file));
        } else {
            respond(exchange, method, path, 404, user, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private void respond(HttpExchange exchange, String method, String path, int status, String authenticated, String type, byte[] body)
            throws IOException {
        log.add(new Request(method, path, status, authenticated));
        exchange.getResponseHeaders().set("Content-Type", type);
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static StringBuilder page(String title) {
        return new StringBuilder("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">")
                .append("<title>").append(title).append("</title></head><body>\n");
    }

    private static byte[] end(StringBuilder html) {
        return html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
