package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Credentials from Docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else
 * {@code $HOME/.docker/config.json}), as {@code docker login} leaves them: {@code auths} entries with a base64
 * {@code auth} ({@code user:password}) or {@code username}/{@code password}; {@code credHelpers} (per registry)
 * and {@code credsStore} (default) through {@code docker-credential-<name> get}, found on the {@code PATH} of
 * the given environment. Keys may be {@code host:port} or URLs ({@code https://index.docker.io/v1/}).
 * A missing or unreadable file gives no credentials. Identity tokens (OAuth refresh tokens) are not supported.
 * Thread-safe: the file is read once; helper answers are cached in a concurrent map.
 */
final class DockerConfigCredentials implements Credentials {
    private static final long HELPER_TIMEOUT_SECONDS = 30;

    private final Map<String, Credential> auths;
    private final Map<String, String> helpers;
    private final String store;
    private final String path;
    private final Map<String, Optional<Credential>> helped = new ConcurrentHashMap<>();

    private DockerConfigCredentials(Map<String, Credential> auths, Map<String, String> helpers, String store, String path) {
        this.auths = auths;
        this.helpers = helpers;
        this.store = store;
        this.path = path;
    }

    /** The config file of this environment, or null when neither DOCKER_CONFIG nor HOME is set. */
    static Path configFile(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir, "config.json");
        }
        String home = env.get("HOME");
        return home == null || home.isBlank() ? null : Path.of(home, ".docker", "config.json");
    }

    static Credentials fromEnvironment(Map<String, String> env) {
        Path file = configFile(env);
        if (file == null || !Files.isRegularFile(file)) {
            return Credentials.none();
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            return Credentials.none();
        }
        if (json == null || !json.isObject()) {
            return Credentials.none();
        }
        Map<String, Credential> auths = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("auths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            credential(entry.getValue()).ifPresent(c -> auths.put(normalize(entry.getKey()), c));
        }
        Map<String, String> helpers = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("credHelpers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().isTextual() && !entry.getValue().asText().isBlank()) {
                helpers.put(normalize(entry.getKey()), entry.getValue().asText());
            }
        }
        String store = json.path("credsStore").isTextual() && !json.path("credsStore").asText().isBlank()
                ? json.path("credsStore").asText() : null;
        return new DockerConfigCredentials(Map.copyOf(auths), Map.copyOf(helpers), store, env.getOrDefault("PATH", ""));
    }

    private static Optional<Credential> credential(JsonNode entry) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && colon < pair.length() - 1) {
                    return Optional.of(new Credential(pair.substring(0, colon), pair.substring(colon + 1)));
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        String username = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        return username.isEmpty() || password.isEmpty() ? Optional.empty() : Optional.of(new Credential(username, password));
    }

    /** {@code https://Host:5000/v1/} → {@code host:5000}; Docker Hub's names → {@code docker.io}. */
    static String normalize(String key) {
        String host = key.trim().toLowerCase(Locale.ROOT);
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io" -> "docker.io";
            default -> host;
        };
    }

    @Override
    public Optional<Credential> lookup(String registry) {
        String host = normalize(registry);
        String helper = helpers.get(host);
        if (helper != null) {
            return helped(helper, host);
        }
        Credential direct = auths.get(host);
        if (direct != null) {
            return Optional.of(direct);
        }
        return store == null ? Optional.empty() : helped(store, host);
    }

    private Optional<Credential> helped(String helper, String host) {
        return helped.computeIfAbsent(helper + " " + host, k -> runHelper(helper, host));
    }

    /** {@code docker-credential-<helper> get} with the server on stdin; {@code {"Username":…,"Secret":…}} on stdout. */
    private Optional<Credential> runHelper(String helper, String host) {
        Path binary = findOnPath("docker-credential-" + helper);
        if (binary == null) {
            return Optional.empty();
        }
        String server = host.equals("docker.io") ? "https://index.docker.io/v1/" : host;
        try {
            Process process = new ProcessBuilder(binary.toString(), "get").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                return Optional.empty(); // "credentials not found in native keychain"
            }
            JsonNode json = new ObjectMapper().readTree(out);
            String username = json == null ? "" : json.path("Username").asText("");
            String secret = json == null ? "" : json.path("Secret").asText("");
            return username.isEmpty() || secret.isEmpty() ? Optional.empty() : Optional.of(new Credential(username, secret));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Path findOnPath(String name) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
