package io.jenkins.plugins.grocker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real registry for integration tests: Debian's {@code /usr/bin/docker-registry} (distribution 2.8) on
 * {@code 127.0.0.1} and a free port, storing in a temporary directory that {@link #close()} removes. Plain http
 * (a loopback registry). Optionally protected by an htpasswd file (Basic auth, bcrypt entries).
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *     String image = registry.host() + "/team/app:1.0";
 * }
 * try (LocalRegistry registry = LocalRegistry.startWithUser("user", "pass")) { ... }
 * }</pre>
 *
 * A missing binary or a registry that does not come up is a failure, never a skip.
 */
public final class LocalRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    public static final Path HTPASSWD_BINARY = Path.of("/usr/bin/htpasswd");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path directory;
    private final Path log;
    private final int port;
    private final boolean tls;

    private LocalRegistry(Process process, Path directory, Path log, int port, boolean tls) {
        this.process = process;
        this.directory = directory;
        this.log = log;
        this.port = port;
        this.tls = tls;
    }

    /** An open registry (no authentication). */
    public static LocalRegistry start() throws IOException {
        return startWithHtpasswd(null);
    }

    /** A registry that only lets {@code user} with {@code password} in (Basic auth from an htpasswd file). */
    public static LocalRegistry startWithUser(String user, String password) throws IOException {
        return startWithHtpasswd(htpasswdEntry(user, password) + "\n");
    }

    /**
     * A registry that speaks TLS only, with this certificate and key (PEM), protected by an htpasswd file of this
     * content when it is not null. Clients must trust the certificate's CA.
     */
    public static LocalRegistry startTls(Path certificate, Path key, String htpasswd) throws IOException {
        return start(htpasswd, List.of("  tls:", "    certificate: " + certificate, "    key: " + key), List.of(), true);
    }

    /**
     * A registry that wants bearer tokens (distribution's {@code auth.token}): from {@code realm}, for
     * {@code service}, signed by {@code issuer} with a key whose certificate chains to {@code rootCertBundle}.
     */
    public static LocalRegistry startWithToken(String realm, String service, String issuer, Path rootCertBundle) throws IOException {
        return start(null, List.of(), List.of("auth:", "  token:", "    realm: " + realm, "    service: " + service,
                "    issuer: " + issuer, "    rootcertbundle: " + rootCertBundle), false);
    }

    /** An open registry that refuses to delete manifests ({@code storage.delete.enabled: false}, 405 UNSUPPORTED). */
    public static LocalRegistry startWithDeleteDisabled() throws IOException {
        return start(null, List.of(), List.of(), false, false);
    }

    /** A registry protected by a copy of this htpasswd file (bcrypt entries). */
    public static LocalRegistry start(Path htpasswd) throws IOException {
        return startWithHtpasswd(Files.readString(htpasswd, StandardCharsets.UTF_8));
    }

    /**
     * A registry, protected by an htpasswd file of this content when it is not null.
     *
     * @throws IllegalStateException when the binary is missing or the registry does not answer within 20 s
     *     (with its log in the message)
     */
    private static LocalRegistry startWithHtpasswd(String htpasswd) throws IOException {
        return start(htpasswd, List.of(), List.of(), false);
    }

    private static LocalRegistry start(String htpasswd, List<String> httpExtra, List<String> configExtra, boolean tls)
            throws IOException {
        return start(htpasswd, httpExtra, configExtra, tls, true);
    }

    private static LocalRegistry start(String htpasswd, List<String> httpExtra, List<String> configExtra, boolean tls,
            boolean delete) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: integration tests need a registry "
                    + "(apt-get install -y docker-registry; see ENVIRONMENT.md)");
        }
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return startOnce(htpasswd, httpExtra, configExtra, tls, delete);
            } catch (PortTakenException e) {
                failure = e; // another process took the free port between our probe and the registry's bind
            }
        }
        throw failure;
    }

    private static LocalRegistry startOnce(String htpasswd, List<String> httpExtra, List<String> configExtra, boolean tls,
            boolean delete) throws IOException {
        int port = freePort();
        Path directory = Files.createTempDirectory("grocker-registry-");
        Path storage = Files.createDirectories(directory.resolve("storage"));
        Path config = directory.resolve("config.yml");
        Path log = directory.resolve("registry.log");
        List<String> lines = new ArrayList<>(List.of(
                "version: 0.1",
                "log:",
                "  level: info",
                "  accesslog:",
                "    disabled: false",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + storage,
                "  delete:",
                "    enabled: " + delete,
                "  cache:",
                "    blobdescriptor: inmemory",
                "http:",
                "  addr: 127.0.0.1:" + port,
                "  secret: grocker-test-secret"));
        lines.addAll(httpExtra);
        lines.addAll(configExtra);
        if (htpasswd != null) {
            Path file = directory.resolve("htpasswd");
            Files.writeString(file, htpasswd, StandardCharsets.UTF_8);
            lines.addAll(List.of(
                    "auth:",
                    "  htpasswd:",
                    "    realm: grocker-test",
                    "    path: " + file));
        }
        Files.write(config, lines, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(process, directory, log, port, tls);
        try {
            registry.awaitReady();
            return registry;
        } catch (RuntimeException | Error e) {
            registry.close();
            throw e;
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                .version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = log();
                if (output.contains("address already in use")) {
                    throw new PortTakenException("port " + port + " was taken:\n" + output);
                }
                throw new IllegalStateException(BINARY + " exited with code " + process.exitValue()
                        + " before answering on " + host() + "; its log:\n" + output);
            }
            try {
                int status = http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
                // a TLS registry answers plain http with 400: it is listening
                if (status == 200 || status == 401 || (tls && status == 400)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry on " + host(), e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry on " + host(), e);
            }
        }
        throw new IllegalStateException(BINARY + " did not answer GET http://" + host() + "/v2/ within "
                + STARTUP_TIMEOUT.toSeconds() + " s; its log:\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** One htpasswd line with a bcrypt hash, made by {@code htpasswd -Bbn} (apache2-utils). */
    public static String htpasswdEntry(String user, String password) throws IOException {
        if (!Files.isExecutable(HTPASSWD_BINARY)) {
            throw new IllegalStateException(HTPASSWD_BINARY + " is missing (apt-get install -y apache2-utils)");
        }
        Process process = new ProcessBuilder(HTPASSWD_BINARY.toString(), "-Bbn", user, password).start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("htpasswd -Bbn failed: " + err.trim());
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running htpasswd", e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where the registry keeps its blobs and repositories. */
    public Path storage() {
        return directory.resolve("storage");
    }

    /** What the registry has logged so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the registry and removes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
