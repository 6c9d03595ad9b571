package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Credentials;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code grocker runner}: checks every wheel against the manifest, then builds, pushes and tags the runner
 * image for each platform through {@link ImageBuild} (per-platform images, then the index, then the tags).
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
        return build().run();
    }

    public BuildPlan plan() throws GrockerException {
        return build().plan();
    }

    private ImageBuild build() throws GrockerException {
        Wheelhouse manifest = WheelhouseStore.require(wheels);
        AppRequirement wanted = app.requirement();
        if (wanted != null && !(AppRequirement.normalize(wanted.name()).equals(AppRequirement.normalize(manifest.app()))
                && wanted.version().equals(manifest.version()))) {
            throw new InputException(wheels.resolve(Wheelhouse.FILE) + ": the wheelhouse holds " + manifest.app() + "=="
                    + manifest.version() + " but " + app.file() + " asks for " + wanted.name() + "==" + wanted.version()
                    + "; compile again");
        }
        List<Platform> platforms = platforms(app, options, engines);
        for (Platform p : platforms) {
            WheelhouseStore.verify(wheels, manifest, p.toString());
        }
        AppTargets.checkBase(app, registry, platforms);
        return new ImageBuild(String.valueOf(app.file()), List.of(AppTargets.runner(app, platforms, manifest, wheels, registry)),
                options.withPlatforms(platforms), engines, registry, credentials, listener);
    }

    /** The platforms an application is built for: {@code --platform}, else the spec's, else the engine's own. */
    static List<Platform> platforms(AppSpec app, BuildOptions options, Engines engines) throws GrockerException {
        return !options.platforms().isEmpty() ? options.platforms()
                : !app.platforms().isEmpty() ? app.platforms()
                : List.of(ImageBuild.nativePlatform(engines.defaultEngine().info()));
    }
}
