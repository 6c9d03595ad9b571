package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves an external base image to one manifest digest per platform, so that each platform's Dockerfile can
 * say {@code FROM name@sha256:...}. A missing image or platform is an input error naming the field.
 */
final class ResolveBaseStep {
    private final RegistryClient registry;
    private final BuildTarget.Base.External base;
    private final List<Platform> platforms;

    ResolveBaseStep(RegistryClient registry, BuildTarget.Base.External base, List<Platform> platforms) {
        this.registry = registry;
        this.base = base;
        this.platforms = List.copyOf(platforms);
    }

    /** For each platform, the {@code FROM} reference pinned by digest. */
    Map<Platform, String> call() throws InputException, RegistryException {
        ImageReference from = base.image();
        Map<Platform, Descriptor> available;
        try {
            available = registry.platforms(from);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new InputException(base.field() + ": " + from + " was not found in registry " + from.registry());
            }
            throw e;
        }
        Map<Platform, String> pinned = new LinkedHashMap<>();
        for (Platform p : platforms) {
            Descriptor d = available.get(p);
            if (d == null) {
                throw new InputException(base.field() + ": " + from + " has no " + p + " image (it has " + available.keySet() + ")");
            }
            pinned.put(p, from.name() + "@" + d.digest());
        }
        return pinned;
    }
}
