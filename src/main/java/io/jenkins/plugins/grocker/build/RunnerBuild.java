package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.dockerfile.RunnerRenderer;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code grocker runner}: checks the spec's entrypoint values, every wheel against the manifest and the base image
 * (Python 3 with the venv module and the wheels' version; with {@code venv: inherit}, its venv and no conflicting
 * distribution in it), then builds, pushes and tags the runner image for each platform through {@link ImageBuild}
 * (per-platform images, then the index, then the tags): first its dependency image (reused whenever the dependency
 * wheels, the base and the rest of the spec below the application are the same), then the runner on it.
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
        RunnerRenderer.check(app);
        List<Platform> platforms = platforms(app, options, services.engines());
        for (Platform p : platforms) {
            WheelhouseStore.verify(wheels, manifest, p.toString());
        }
        Map<Platform, InspectBaseStep.Facts> bases = AppTargets.inspect(AppTargets.base(app), services, platforms, app.inheritsVenv());
        for (Platform p : platforms) {
            Wheelhouse.PlatformWheels wheelsOf = manifest.platforms().get(p.toString());
            AppTargets.requirePython(AppTargets.base(app), bases.get(p), wheelsOf.pythonTag());
            if (app.inheritsVenv()) {
                AppTargets.checkInheritedVenv(app, bases.get(p), wheelsOf);
            }
        }
        List<BuildTarget> targets = AppTargets.runner(app, platforms, manifest, wheels, bases);
        // the result shows the runner only: one image per repository, as grocker index and the library expect; the
        // dependency image is in the registry under its key tag, and the runner's io.grocker.from label names it
        return new ImageBuild(String.valueOf(app.file()), targets, options.withPlatforms(platforms), services)
                .showing(List.of(AppTargets.lastName(app)));
    }

    /** The platforms an application is built for: {@code --platform}, else the spec's, else the engine's own. */
    static List<Platform> platforms(AppSpec app, BuildOptions options, Engines engines) throws GrockerException {
        return !options.platforms().isEmpty() ? options.platforms()
                : !app.platforms().isEmpty() ? app.platforms()
                : List.of(ImageBuild.nativePlatform(engines.defaultEngine().info()));
    }
}
