package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.docker.EngineInfo;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.IOException;
import java.util.Map;

/**
 * The cache key of one image on one platform: the rendered Dockerfile (which names the parent by its
 * per-platform digest), every file of the context with its mode, the platform and the Docker engine's
 * version. Labels that change with every commit (revision) are deliberately left out.
 */
final class ComputeKeyStep {
    private final BuildContext context;
    private final Platform platform;
    private final EngineInfo engine;

    ComputeKeyStep(BuildContext context, Platform platform, EngineInfo engine) {
        this.context = context;
        this.platform = platform;
        this.engine = engine;
    }

    CacheKey call() throws IOException {
        CacheKey.Builder key = CacheKey.builder()
                .put("platform", platform.toString())
                .put("engine", engine.version() + " " + engine.os() + "/" + engine.architecture());
        for (Map.Entry<String, String> e : context.digests().entrySet()) {
            key.put("context:" + e.getKey(), e.getValue());
        }
        return key.build();
    }
}
