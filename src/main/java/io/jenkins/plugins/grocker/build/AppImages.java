package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.PythonSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The images an application spec implies, as one-image hierarchies that {@link BaseBuild} builds like any
 * other: the compiler (base + build dependencies + pip tooling, kept in the local engine) and the runner
 * (built by {@link RunnerRenderer}).
 */
final class AppImages {
    /** Where the compiler's own virtual environment (pip, setuptools, wheel) lives. */
    static final String BUILD_VENV = "/opt/grocker/build-venv";
    /** Debian packages every compiler gets: venv support and the wheels pip builds sdists with. */
    static final List<String> COMPILER_PACKAGES =
            List.of("python3-venv", "python3-pip-whl", "python3-setuptools-whl", "python3-wheel-whl");

    private AppImages() {}

    /** The repository prefix ({@code host/path}) and last name of the runner's repository. */
    static String prefix(AppSpec app) {
        String name = app.image().name();
        return name.substring(0, name.lastIndexOf('/'));
    }

    static String lastName(AppSpec app) {
        String name = app.image().name();
        return name.substring(name.lastIndexOf('/') + 1);
    }

    static HierarchySpec compiler(AppSpec app, List<Platform> platforms) {
        List<String> packages = new ArrayList<>(COMPILER_PACKAGES);
        packages.addAll(app.buildDependencies());
        PythonSpec python = new PythonSpec("base", null, BUILD_VENV, false, List.of(), List.of(), null, List.of(), List.of());
        ImageSpec image = new ImageSpec(lastName(app) + "-compiler", app.base().toString(), null, null, python, List.of(),
                packages, null, null, Map.of(), List.of(), List.of(), null, Map.of("io.grocker.role", "compiler"), List.of(),
                platforms, List.of(), Map.of(), null);
        return new HierarchySpec(app.file(), prefix(app), null, null, platforms, List.of(image));
    }

    static HierarchySpec runner(AppSpec app, List<Platform> platforms, String version) {
        List<String> tags = app.tags().stream().map(t -> t.replace("{version}", version)).toList();
        ImageSpec image = new ImageSpec(lastName(app), app.base().toString(), null, version, null, List.of(), List.of(), null,
                null, Map.of(), List.of(), List.of(), null, Map.of(), tags, platforms, List.of(), Map.of(), null);
        return new HierarchySpec(app.file(), prefix(app), version, null, platforms, List.of(image));
    }

    /** Fails with an input error naming the field 'base' when the base image or one of the platforms is missing. */
    static void checkBase(AppSpec app, RegistryClient registry, List<Platform> platforms) throws InputException, RegistryException {
        Map<Platform, Descriptor> available;
        try {
            available = registry.platforms(app.base());
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new InputException(app.file() + ": field 'base': " + app.base() + " was not found in registry "
                        + app.base().registry());
            }
            throw e;
        }
        for (Platform p : platforms) {
            if (!available.containsKey(p)) {
                throw new InputException(app.file() + ": field 'base': " + app.base() + " has no " + p + " image (it has "
                        + available.keySet() + ")");
            }
        }
    }
}
