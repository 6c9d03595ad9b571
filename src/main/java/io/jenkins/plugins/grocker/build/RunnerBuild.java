package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.events.BuildListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.dockerfile.RunnerRenderer;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code grocker runner}: checks every wheel against the manifest, then builds, pushes and tags the runner
 * image for each platform through {@link BaseBuild} (per-platform images, then the index, then the tags).
 * One instance runs once; not thread-safe.
 */
public final class RunnerBuild {
    private final AppSpec app;
    private final Path wheels;
    private final BuildOptions options;
    private final Engines engines;
    private final RegistryClient registry;
    private final Credentials credentials;
    private final BuildListener listener;
    private final Map<String, String> baseUsers = new ConcurrentHashMap<>();

    public RunnerBuild(AppSpec app, Path wheels, BuildOptions options, Engines engines, RegistryClient registry,
            Credentials credentials, BuildListener listener) {
        this.app = app;
        this.wheels = wheels;
        this.options = options;
        this.engines = engines;
        this.registry = registry;
        this.credentials = credentials;
        this.listener = listener;
    }

    public BuildResult run() throws GrockerException {
        return build(false);
    }

    public BuildResult plan() throws GrockerException {
        return build(true);
    }

    private BuildResult build(boolean plan) throws GrockerException {
        Wheelhouse manifest = WheelhouseStore.require(wheels);
        AppRequirement wanted = app.requirement();
        if (wanted != null && !(AppRequirement.normalize(wanted.name()).equals(AppRequirement.normalize(manifest.app()))
                && wanted.version().equals(manifest.version()))) {
            throw new InputException(wheels.resolve(Wheelhouse.FILE) + ": the wheelhouse holds " + manifest.app() + "=="
                    + manifest.version() + " but " + app.file() + " asks for " + wanted.name() + "==" + wanted.version()
                    + "; compile again");
        }
        List<Platform> platforms = !options.platforms().isEmpty() ? options.platforms()
                : !app.platforms().isEmpty() ? app.platforms() : List.of(BaseBuild.nativePlatform(engines.defaultEngine().info()));
        for (Platform p : platforms) {
            WheelhouseStore.verify(wheels, manifest, p.toString());
        }
        AppImages.checkBase(app, registry, platforms);
        RunnerRenderer renderer = new RunnerRenderer(app, manifest, wheels);
        BaseBuild build = new BaseBuild(AppImages.runner(app, platforms, manifest.version()),
                options.withPlatforms(platforms), engines, registry, credentials, listener,
                (spec, image, platform, from) -> renderer.render(platform, from, app.user() != null ? null : baseUser(from)));
        return plan ? build.plan() : build.run();
    }

    /** The {@code User} of a base image's config, read from the registry (the manifest is pinned by digest). */
    private String baseUser(String pinned) throws GrockerException {
        String known = baseUsers.get(pinned);
        if (known != null) {
            return known;
        }
        ImageReference ref = ImageReference.parse(pinned);
        Manifest manifest = registry.getManifest(ref);
        try {
            ObjectMapper json = new ObjectMapper();
            String configDigest = json.readTree(manifest.bytes()).path("config").path("digest").asText();
            JsonNode config = json.readTree(registry.getBlob(ref, configDigest));
            String user = config.path("config").path("User").asText("");
            baseUsers.put(pinned, user);
            return user;
        } catch (IOException e) {
            throw new RegistryException("cannot read the image config of " + pinned + ": " + e.getMessage(), e);
        }
    }
}
