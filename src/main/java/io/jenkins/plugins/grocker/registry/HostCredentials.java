package io.jenkins.plugins.grocker.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials each bound to one registry host, from numbered environment variables:
 * {@code GROCKER_REGISTRY_HOST_<n>}, {@code GROCKER_REGISTRY_USERNAME_<n>} and {@code GROCKER_REGISTRY_PASSWORD_<n>}
 * for any {@code n} of digits. A registry is offered only the credential whose host it is ({@code host[:port]},
 * compared without case); a registry named by no pair gets none from here. This is how the Jenkins steps pass several
 * credentials (a base-image registry, the source and the target of a promotion) without one reaching another's
 * registry. Immutable and thread-safe.
 */
final class HostCredentials implements Credentials {
    static final String HOST_PREFIX = HOST_VARIABLE + "_";
    private static final Pattern NUMBERED = Pattern.compile(Pattern.quote(HOST_PREFIX) + "([0-9]+)");

    private final Map<String, Credential> byHost;

    private HostCredentials(Map<String, Credential> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    /**
     * The numbered pairs of {@code env}. A pair whose host, username or password is empty is ignored; of two pairs
     * for one host, the lower number wins.
     */
    static HostCredentials fromEnvironment(Map<String, String> env) {
        Map<Long, String> hosts = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            Matcher m = NUMBERED.matcher(e.getKey());
            if (m.matches() && m.group(1).length() < 10 && e.getValue() != null && !e.getValue().isBlank()) {
                hosts.put(Long.parseLong(m.group(1)), m.group(1));
            }
        }
        Map<String, Credential> byHost = new LinkedHashMap<>();
        for (String n : hosts.values()) {
            String username = env.get(USERNAME_VARIABLE + "_" + n);
            String password = env.get(PASSWORD_VARIABLE + "_" + n);
            if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
                continue;
            }
            byHost.putIfAbsent(canonical(env.get(HOST_PREFIX + n)), new Credential(username, password));
        }
        return new HostCredentials(byHost);
    }

    /** Whether no pair was given. */
    boolean isEmpty() {
        return byHost.isEmpty();
    }

    @Override
    public Optional<Credential> lookup(String registry) {
        return Optional.ofNullable(byHost.get(canonical(registry)));
    }

    /** {@code Host:5000} as {@code host:5000}; Docker Hub's several names as {@code docker.io}. */
    static String canonical(String registry) {
        String host = registry.trim().toLowerCase(Locale.ROOT);
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io" -> "docker.io";
            default -> host;
        };
    }
}
