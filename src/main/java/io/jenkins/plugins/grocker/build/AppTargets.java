package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.dockerfile.DockerfileRenderer;
import io.jenkins.plugins.grocker.dockerfile.RunnerRenderer;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.spec.PythonSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The images an application spec implies, as {@link BuildTarget}s: the compiler (base + build dependencies + pip
 * tooling, kept in the local engine) and the runner (rendered by {@link RunnerRenderer}).
 */
final class AppTargets {
    /** Where the compiler's own virtual environment (pip, setuptools, wheel) lives. */
    static final String BUILD_VENV = "/opt/grocker/build-venv";
    /** Debian packages every compiler gets: venv support and the wheels pip builds sdists with. */
    static final List<String> COMPILER_PACKAGES =
            List.of("python3-venv", "python3-pip-whl", "python3-setuptools-whl", "python3-wheel-whl");

    private AppTargets() {}

    /** The image both the compiler and the runner start from. */
    static BuildTarget.Base.External base(AppSpec app) {
        return new BuildTarget.Base.External(app.base(), app.file() + ": field 'base'");
    }

    /** The compiler: a base-style image with the build dependencies and a venv with pip, rendered from the base template. */
    static BuildTarget compiler(AppSpec app, List<Platform> platforms) throws InputException {
        List<String> packages = new ArrayList<>(COMPILER_PACKAGES);
        packages.addAll(app.buildDependencies());
        ImageSpec image = ImageSpec.builder()
                .name(lastName(app) + "-compiler")
                .from(app.base().toString())
                .python(PythonSpec.builder().interpreter("base").venv(BUILD_VENV).systemSitePackages(false).build())
                .packages(packages)
                .labels(Map.of("io.grocker.role", "compiler"))
                .platforms(platforms)
                .build();
        DockerfileRenderer renderer = new DockerfileRenderer();
        DockerfileRenderer.Inherited inherited = new DockerfileRenderer.Inherited(null, BUILD_VENV, null);
        return new BuildTarget(image.name(), repository(app, image.name()), base(app), platforms, List.of(),
                app.file().toString(), (platform, from) -> renderer.render(image, inherited, platform, from));
    }

    /** The runner of a wheelhouse: the base plus the run dependencies, the user, the installed wheels and the entrypoint. */
    static BuildTarget runner(AppSpec app, List<Platform> platforms, Wheelhouse wheelhouse, Path wheels,
            RegistryClient registry) {
        List<String> tags = app.tags().stream().map(t -> t.replace("{version}", wheelhouse.version())).toList();
        RunnerRenderer renderer = new RunnerRenderer(app, wheelhouse, wheels);
        Map<String, String> baseUsers = new ConcurrentHashMap<>();
        BuildTarget.Recipe recipe = (platform, from) -> renderer.render(platform, from,
                app.user() != null ? null : baseUser(registry, baseUsers, from));
        return new BuildTarget(lastName(app), app.image(), base(app), platforms, tags, app.file().toString(), recipe);
    }

    /** Fails with an input error naming the field 'base' when the base image or one of the platforms is missing. */
    static void checkBase(AppSpec app, RegistryClient registry, List<Platform> platforms) throws InputException, RegistryException {
        new ResolveBaseStep(registry, base(app), platforms).call();
    }

    /** The {@code User} of a base image's config, read from the registry (the manifest is pinned by digest). */
    private static String baseUser(RegistryClient registry, Map<String, String> known, String pinned) throws GrockerException {
        String user = known.get(pinned);
        if (user == null) {
            user = registry.config(ImageReference.parse(pinned)).user();
            known.put(pinned, user);
        }
        return user;
    }

    private static ImageReference repository(AppSpec app, String name) throws InputException {
        String repository = app.image().name();
        return ImageReference.parse(repository.substring(0, repository.lastIndexOf('/')) + "/" + name);
    }

    static String lastName(AppSpec app) {
        String name = app.image().name();
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
