package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.image.Platform;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which Docker engine builds which platform: one engine per platform where one was named (native arm64
 * and amd64 builders), the default engine (with emulation) for the others. Immutable; the engines
 * themselves are thread-safe.
 */
public final class Engines {
    private final ContainerEngine defaultEngine;
    private final Map<Platform, ContainerEngine> perPlatform;

    public Engines(ContainerEngine defaultEngine, Map<Platform, ContainerEngine> perPlatform) {
        this.defaultEngine = defaultEngine;
        this.perPlatform = Collections.unmodifiableMap(new LinkedHashMap<>(perPlatform));
    }

    public static Engines single(ContainerEngine engine) {
        return new Engines(engine, Map.of());
    }

    public ContainerEngine defaultEngine() {
        return defaultEngine;
    }

    public ContainerEngine forPlatform(Platform platform) {
        return perPlatform.getOrDefault(platform, defaultEngine);
    }

    /** True when some platform has an engine of its own. */
    public boolean distributed() {
        return !perPlatform.isEmpty();
    }
}
