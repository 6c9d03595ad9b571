package io.jenkins.plugins.grocker.docker;

import java.util.Objects;

/**
 * Credentials the engine sends to a registry when it pushes or pulls. Immutable; {@link #toString()} never
 * shows the password.
 *
 * @param registry the registry host as it appears in image references, e.g. {@code registry.example.com:5000}
 * @param username the user name
 * @param password the password or token
 */
public record RegistryAuth(String registry, String username, String password) {
    public RegistryAuth {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RegistryAuth[registry=" + registry + ", username=" + username + ", password=****]";
    }
}
