package io.jenkins.plugins.grocker.registry;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the client finds a username and password for a registry. Implementations must be thread-safe.
 * {@link #standard} is the usual order: the environment, then Docker's {@code config.json} and its helpers.
 */
@FunctionalInterface
public interface Credentials {
    String USERNAME_VARIABLE = "GROCKER_REGISTRY_USERNAME";
    String PASSWORD_VARIABLE = "GROCKER_REGISTRY_PASSWORD";
    String HOST_VARIABLE = "GROCKER_REGISTRY_HOST";

    /** The credential for a registry host ({@code host[:port]}, as in an image reference), if any. */
    Optional<Credential> lookup(String registry);

    /** A username and password (or token). {@link #toString()} does not show the password. */
    record Credential(String username, String password) {
        public Credential {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Credential[username=" + username + ", password=****]";
        }
    }

    /** The first credential any of these sources has, in order. */
    static Credentials chain(Credentials... sources) {
        Credentials[] copy = sources.clone();
        return registry -> {
            for (Credentials source : copy) {
                Optional<Credential> found = source.lookup(registry);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        };
    }

    /**
     * {@link #fromEnvironment} first, then Docker's {@code config.json} ({@code DOCKER_CONFIG} or
     * {@code HOME/.docker}): {@code auths}, {@code credHelpers}, {@code credsStore}.
     */
    static Credentials standard(Map<String, String> env) {
        return chain(fromEnvironment(env), fromDockerConfig(env));
    }

    /** Docker's {@code config.json} of this environment only; none when there is no such file. */
    static Credentials fromDockerConfig(Map<String, String> env) {
        return DockerConfigCredentials.fromEnvironment(env);
    }

    /** No credentials for any registry: anonymous access only. */
    static Credentials none() {
        return registry -> Optional.empty();
    }

    /**
     * Credentials from the environment: the host-bound pairs {@code GROCKER_REGISTRY_HOST_<n>} /
     * {@code GROCKER_REGISTRY_USERNAME_<n>} / {@code GROCKER_REGISTRY_PASSWORD_<n>} ({@link HostCredentials}), then
     * {@code GROCKER_REGISTRY_USERNAME} and {@code GROCKER_REGISTRY_PASSWORD}: for every registry, or only for
     * {@code GROCKER_REGISTRY_HOST} when that is set. None when neither is given.
     */
    static Credentials fromEnvironment(Map<String, String> env) {
        HostCredentials pairs = HostCredentials.fromEnvironment(env);
        Credentials single = singleFromEnvironment(env);
        return pairs.isEmpty() ? single : chain(pairs, single);
    }

    private static Credentials singleFromEnvironment(Map<String, String> env) {
        String username = env.get(USERNAME_VARIABLE);
        String password = env.get(PASSWORD_VARIABLE);
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            return none();
        }
        Credential credential = new Credential(username, password);
        String host = env.get(HOST_VARIABLE);
        if (host == null || host.isBlank()) {
            return registry -> Optional.of(credential);
        }
        String only = canonicalHost(host.trim());
        return registry -> only.equals(canonicalHost(registry)) ? Optional.of(credential) : Optional.empty();
    }

    /** Lowercase, and Docker Hub's several names as one. */
    private static String canonicalHost(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io" -> "docker.io";
            default -> host;
        };
    }
}
