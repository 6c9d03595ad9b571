package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code grocker runner}: checks every wheel against the manifest, then builds, pushes and tags the runner
 * image for each platform through {@link ImageBuild} (per-platform images, then the index, then the tags).
 */
public final class RunnerBuild {
    private RunnerBuild() {}

    /**
     * The build of the runner of {@code app} from the wheelhouse in {@code wheels}, checked first (the application it
     * holds, every wheel's sha256 and size, the base image); call {@link ImageBuild#plan()} or {@link ImageBuild#run()}
     * on it.
     */
    public static ImageBuild of(AppSpec app, Path wheels, BuildOptions options, BuildServices services) throws GrockerException {
        Wheelhouse manifest = WheelhouseStore.require(wheels);
        AppRequirement wanted = app.requirement();
        if (wanted != null && !(AppRequirement.normalize(wanted.name()).equals(AppRequirement.normalize(manifest.app()))
                && wanted.version().equals(manifest.version()))) {
            throw new InputException(wheels.resolve(Wheelhouse.FILE) + ": the wheelhouse holds " + manifest.app() + "=="
                    + manifest.version() + " but " + app.file() + " asks for " + wanted.name() + "==" + wanted.version()
                    + "; compile again");
        }
        List<Platform> platforms = platforms(app, options, services.engines());
        for (Platform p : platforms) {
            WheelhouseStore.verify(wheels, manifest, p.toString());
        }
        AppTargets.checkBase(app, services.registry(), platforms);
        BuildTarget runner = AppTargets.runner(app, platforms, manifest, wheels, services.registry());
        return new ImageBuild(String.valueOf(app.file()), List.of(runner), options.withPlatforms(platforms), services);
    }

    /** The platforms an application is built for: {@code --platform}, else the spec's, else the engine's own. */
    static List<Platform> platforms(AppSpec app, BuildOptions options, Engines engines) throws GrockerException {
        return !options.platforms().isEmpty() ? options.platforms()
                : !app.platforms().isEmpty() ? app.platforms()
                : List.of(ImageBuild.nativePlatform(engines.defaultEngine().info()));
    }
}
