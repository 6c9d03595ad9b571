package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.Parallel;
import io.jenkins.plugins.grocker.dockerfile.DockerfileRenderer;
import io.jenkins.plugins.grocker.dockerfile.RunnerRenderer;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.spec.PythonSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The images an application spec implies, as {@link BuildTarget}s: the compiler (its base + build dependencies + pip
 * tooling, kept in the local engine) and the runner (rendered by {@link RunnerRenderer}), and the checks of their
 * bases made before anything is built.
 */
final class AppTargets {
    /** Where the compiler's own virtual environment (pip, setuptools, wheel) lives. */
    static final String BUILD_VENV = "/opt/grocker/build-venv";
    /** Debian packages every compiler gets: venv support and the wheels pip builds sdists with. */
    static final List<String> COMPILER_PACKAGES =
            List.of("python3-venv", "python3-pip-whl", "python3-setuptools-whl", "python3-wheel-whl");
    /**
     * The compiler's name in its Dockerfile and labels. It is the same for every application, so that the compiler's
     * key depends only on what goes into it (its base's digest, the build dependencies, the tooling): applications
     * sharing those share the compiler and its dependency wheel cache.
     */
    static final String COMPILER = "compiler";
    /**
     * What the compiler's venv holds besides pip (from Debian's wheels, no index): the build backend of most
     * projects, so that compile-wheels builds them without an isolated environment per build (and falls back to one
     * when a project's build requirements are not satisfied there).
     */
    static final List<String> BUILD_TOOLS = List.of("setuptools", "wheel");

    private AppTargets() {}

    /** The image the runner starts from. */
    static BuildTarget.Base.External base(AppSpec app) {
        return new BuildTarget.Base.External(app.base(), app.file() + ": field 'base'");
    }

    /** The image the compiler starts from: {@code buildBase}, else {@code base}. */
    static BuildTarget.Base.External compilerBase(AppSpec app) {
        return app.buildBase() == null ? base(app)
                : new BuildTarget.Base.External(app.buildBase(), app.file() + ": field 'buildBase'");
    }

    /** The compiler: a base-style image with the build dependencies and a venv with pip, rendered from the base template. */
    static BuildTarget compiler(AppSpec app, List<Platform> platforms) throws InputException {
        List<String> packages = new ArrayList<>(COMPILER_PACKAGES);
        packages.addAll(app.buildDependencies());
        ImageReference from = app.compilerBase();
        ImageSpec image = ImageSpec.builder()
                .name(COMPILER)
                .from(from.toString())
                .python(PythonSpec.builder().interpreter("base").venv(BUILD_VENV).systemSitePackages(false)
                        .packages(BUILD_TOOLS).findLinks(List.of("/usr/share/python-wheels")).build())
                .packages(packages)
                .labels(Map.of("io.grocker.role", "compiler"))
                .platforms(platforms)
                .build();
        DockerfileRenderer renderer = new DockerfileRenderer();
        DockerfileRenderer.Inherited inherited = new DockerfileRenderer.Inherited(null, BUILD_VENV, null);
        return new BuildTarget(COMPILER, ImageReference.parse(from.name() + "-compiler"), compilerBase(app), platforms, List.of(),
                app.file().toString(), (platform, pinned) -> renderer.render(image, inherited, platform, pinned));
    }

    /**
     * The runner of a wheelhouse, as two targets: the dependency image ({@link #dependenciesName}: the base plus the
     * run dependencies, the user, the entrypoint and every wheel but the application's, installed; pushed to the
     * runner's repository under its key tag only) and the runner on it (the application's wheel and the configuration,
     * with the spec's tags). A version that keeps its dependencies has the same dependency image: only the runner's
     * last layer and config are built and pushed.
     *
     * @return the dependency image, then the runner
     */
    static List<BuildTarget> runner(AppSpec app, List<Platform> platforms, Wheelhouse wheelhouse, Path wheels,
            Map<Platform, InspectBaseStep.Facts> bases) {
        List<String> tags = app.tags().stream().map(t -> t.replace("{version}", wheelhouse.version())).toList();
        RunnerRenderer renderer = new RunnerRenderer(app, wheelhouse, wheels);
        String dependencies = dependenciesName(app);
        BuildTarget.Recipe dependenciesRecipe = (platform, from) -> renderer.renderDependencies(platform, from, baseOf(bases, platform));
        BuildTarget.Recipe runnerRecipe = (platform, from) ->
                renderer.render(platform, from, bases.get(platform).pinned(), baseOf(bases, platform));
        return List.of(
                new BuildTarget(dependencies, app.image(), base(app), platforms, List.of(), app.file().toString(), dependenciesRecipe),
                new BuildTarget(lastName(app), app.image(), new BuildTarget.Base.Parent(dependencies), platforms, tags,
                        app.file().toString(), runnerRecipe));
    }

    /** The dependency image's name in a run: the runner's, with {@value #DEPENDENCIES_SUFFIX}. */
    static String dependenciesName(AppSpec app) {
        return lastName(app) + DEPENDENCIES_SUFFIX;
    }

    static final String DEPENDENCIES_SUFFIX = "-dependencies";

    private static RunnerRenderer.Base baseOf(Map<Platform, InspectBaseStep.Facts> bases, Platform platform) {
        InspectBaseStep.Facts facts = bases.get(platform);
        return new RunnerRenderer.Base(facts.config().user(), facts.config().env().get("VIRTUAL_ENV"), facts.config().labels());
    }

    /**
     * Resolves a base in the registry (a missing image or platform is an input error naming its field) and looks at
     * it on every platform ({@link InspectBaseStep}), each on its own engine.
     */
    static Map<Platform, InspectBaseStep.Facts> inspect(BuildTarget.Base.External base, BuildServices services,
            List<Platform> platforms, boolean inheritVenv) throws GrockerException {
        RegistryClient registry = services.registry();
        Engines engines = services.engines();
        Path probes = services.locks().directory().resolveSibling("probes");
        Map<Platform, String> pinned = new ResolveBaseStep(registry, base, platforms).call();
        List<Parallel.Task<InspectBaseStep.Facts>> steps = new ArrayList<>();
        for (Platform p : platforms) {
            InspectBaseStep step = new InspectBaseStep(registry, engines.forPlatform(p), p, pinned.get(p), inheritVenv, probes);
            steps.add(step::call);
        }
        ExecutorService pool = Executors.newFixedThreadPool(platforms.size());
        try {
            List<InspectBaseStep.Facts> done = Parallel.all(pool, "looking at " + base.image(), steps);
            Map<Platform, InspectBaseStep.Facts> facts = new LinkedHashMap<>();
            for (int i = 0; i < platforms.size(); i++) {
                facts.put(platforms.get(i), done.get(i));
            }
            return facts;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Refuses a base that cannot take an application (no {@code python3}, or one without the {@code venv} module) with
     * an input error naming the base and its field.
     *
     * @param pythonTag the wheels' {@code cpXY} tag the base's python3 must match, or null
     */
    static void requirePython(BuildTarget.Base.External base, InspectBaseStep.Facts facts, String pythonTag) throws InputException {
        String where = base.field() + ": " + base.image() + " (" + facts.platform() + ")";
        if (facts.python() == null) {
            throw new InputException(where + " has no python3: an application needs a base with Python 3"
                    + " (Debian: python3; a Grocker base: python.interpreter apt)");
        }
        if (!facts.venvModule()) {
            throw new InputException(where + " has python3 " + facts.python() + " without the venv module"
                    + " (Debian: python3, not python3-minimal alone)");
        }
        if (pythonTag != null && !pythonTag.equals("cp" + facts.python().replace(".", ""))) {
            throw new InputException(where + " has python3 " + facts.python() + " but the wheels were compiled for " + pythonTag
                    + "; compile on a base with the same Python");
        }
    }

    /**
     * With {@code venv: inherit}: the base has a virtual environment, and no distribution installed in it has another
     * version in the wheelhouse (pip would replace the base's, and the runner's copy of the venv would hold both).
     */
    static void checkInheritedVenv(AppSpec app, InspectBaseStep.Facts facts, Wheelhouse.PlatformWheels wheels) throws InputException {
        String where = app.file() + ": field 'venv': inherit: " + app.base() + " (" + facts.platform() + ")";
        if (facts.venv() == null) {
            throw new InputException(where + " has no virtual environment (no VIRTUAL_ENV in its config)");
        }
        if (!facts.venvFound()) {
            throw new InputException(where + " says VIRTUAL_ENV=" + facts.venv() + " but has no " + facts.venv() + "/bin/python");
        }
        List<String> conflicts = new ArrayList<>();
        for (Wheelhouse.WheelFile wheel : wheels.wheels()) {
            String[] parts = wheel.file().split("-");
            String name = AppRequirement.normalize(parts[0]);
            String installed = facts.distributions().get(name);
            if (installed != null && !installed.equals(parts[1])) {
                conflicts.add(name + " " + parts[1] + " (the base's " + facts.venv() + " has " + installed + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new InputException(where + ": the wheelhouse conflicts with the base's distributions: " + String.join(", ", conflicts)
                    + "; pin the base's versions in 'constraints' and compile again");
        }
    }

    static String lastName(AppSpec app) {
        String name = app.image().name();
        return name.substring(name.lastIndexOf('/') + 1);
    }

}
