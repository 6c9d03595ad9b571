package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.Objects;

/**
 * What every build talks to: the engines (one per platform where one was named), the registry client, the
 * credentials handed to engines for pushes, where events go, and the locks that keep two runs on this machine from
 * building one key twice. Immutable; each part is thread-safe.
 */
public record BuildServices(Engines engines, RegistryClient registry, Credentials credentials, BuildListener listener,
        KeyLocks locks) {
    public BuildServices {
        Objects.requireNonNull(engines, "engines");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(locks, "locks");
    }

    /** With the locks of this machine, found from the process environment ({@link KeyLocks#fromEnvironment}). */
    public BuildServices(Engines engines, RegistryClient registry, Credentials credentials, BuildListener listener) {
        this(engines, registry, credentials, listener, KeyLocks.fromEnvironment(System.getenv()));
    }

    /** One engine for every platform, with the locks of this machine. */
    public static BuildServices of(ContainerEngine engine, RegistryClient registry, Credentials credentials,
            BuildListener listener) {
        return new BuildServices(Engines.single(engine), registry, credentials, listener);
    }

    /** The same, with events going to {@code other}. */
    public BuildServices withListener(BuildListener other) {
        return new BuildServices(engines, registry, credentials, other, locks);
    }

    /** The same, with {@code other} credentials for pushes. */
    public BuildServices withCredentials(Credentials other) {
        return new BuildServices(engines, registry, other, listener, locks);
    }

    /** The same, with the locks in {@code other} (another machine's, for tests; a directory of the caller's). */
    public BuildServices withLocks(KeyLocks other) {
        return new BuildServices(engines, registry, credentials, listener, other);
    }
}
