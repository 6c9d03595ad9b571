package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.Objects;

/**
 * What every build talks to: the engines (one per platform where one was named), the registry client, the
 * credentials handed to engines for pushes, and where events go. Immutable; each part is thread-safe.
 */
public record BuildServices(Engines engines, RegistryClient registry, Credentials credentials, BuildListener listener) {
    public BuildServices {
        Objects.requireNonNull(engines, "engines");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(listener, "listener");
    }

    /** One engine for every platform. */
    public static BuildServices of(ContainerEngine engine, RegistryClient registry, Credentials credentials,
            BuildListener listener) {
        return new BuildServices(Engines.single(engine), registry, credentials, listener);
    }

    /** The same, with events going to {@code other}. */
    public BuildServices withListener(BuildListener other) {
        return new BuildServices(engines, registry, credentials, other);
    }

    /** The same, with {@code other} credentials for pushes. */
    public BuildServices withCredentials(Credentials other) {
        return new BuildServices(engines, registry, other, listener);
    }
}
