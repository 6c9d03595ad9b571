package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.events.BuildListener;
import io.jenkins.plugins.grocker.events.BuildEvent;
import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.Parallel;
import io.jenkins.plugins.grocker.dockerfile.RunnerRenderer;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.wheels.WheelCache;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code grocker compile}: builds (or reuses) the compiler image for each platform, then turns the
 * application and its dependencies into wheels in a container of it, and writes the wheelhouse with its
 * manifest. A platform whose compilation key matches the manifest already on disk, with every wheel intact,
 * is reused. One instance runs once; not thread-safe.
 */
public final class CompileBuild {
    private final AppSpec app;
    private final Path output;
    private final BuildOptions options;
    private final BuildServices services;
    private final Map<String, String> env;
    private final WheelCache cache;

    /**
     * @param options platforms, network and jobs (push is ignored: compiler images stay in the engine)
     * @param env where the index credentials are read from
     */
    public CompileBuild(AppSpec app, Path output, BuildOptions options, BuildServices services, Map<String, String> env,
            WheelCache cache) {
        this.app = app;
        this.output = output;
        this.options = options;
        this.services = services;
        this.env = env;
        this.cache = cache;
    }

    /** What the compilation did: the manifest, and per platform built or reused. */
    public record Result(String wheelhouse, Map<String, Status> status, Wheelhouse manifest) {}

    public Result run() throws GrockerException {
        Engines engines = services.engines();
        BuildListener listener = services.listener();
        RunnerRenderer.check(app);
        List<Platform> platforms = RunnerBuild.platforms(app, options, engines);
        // Both bases, before anything is built: the compiler's must have Python with venv, the runner's the same Python.
        Map<Platform, InspectBaseStep.Facts> compilerBases = AppTargets.inspect(AppTargets.compilerBase(app), services, platforms, false);
        for (InspectBaseStep.Facts facts : compilerBases.values()) {
            AppTargets.requirePython(AppTargets.compilerBase(app), facts, null);
        }
        if (app.buildBase() != null) {
            Map<Platform, InspectBaseStep.Facts> runnerBases = AppTargets.inspect(AppTargets.base(app), services, platforms, false);
            for (Platform p : platforms) {
                AppTargets.requirePython(AppTargets.base(app), runnerBases.get(p),
                        "cp" + compilerBases.get(p).python().replace(".", ""));
            }
        }
        IndexAccess index = IndexAccess.resolve(app, env);
        index.probe(app);

        BuildResult compilers = new ImageBuild(String.valueOf(app.file()), List.of(AppTargets.compiler(app, platforms)),
                new BuildOptions(platforms, false, options.networkMode(), options.jobs(), Map.of()), services).run();
        Map<Platform, BuildResult.PlatformResult> compilerByPlatform = new LinkedHashMap<>();
        for (BuildResult.PlatformResult p : compilers.images().get(0).platforms()) {
            compilerByPlatform.put(Platform.parse(p.platform()), p);
        }

        Wheelhouse previous = WheelhouseStore.read(output).orElse(null);
        List<Parallel.Task<CompileWheelsStep.Outcome>> steps = new ArrayList<>();
        for (Platform p : platforms) {
            CompileWheelsStep step = new CompileWheelsStep(app, p, compilerByPlatform.get(p), index, output, previous,
                    engines.forPlatform(p), cache, options.networkMode(), listener);
            steps.add(step::call);
        }
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(options.jobs(), platforms.size()));
        try {
            List<CompileWheelsStep.Outcome> done = Parallel.all(executor, "compiling wheels", steps);
            Map<Platform, CompileWheelsStep.Outcome> outcomes = new LinkedHashMap<>();
            for (int i = 0; i < platforms.size(); i++) {
                outcomes.put(platforms.get(i), done.get(i));
            }
            return finish(previous, outcomes);
        } finally {
            executor.shutdownNow();
        }
    }

    private Result finish(Wheelhouse previous, Map<Platform, CompileWheelsStep.Outcome> outcomes) throws GrockerException {
        CompileWheelsStep.Outcome any = outcomes.values().iterator().next();
        for (CompileWheelsStep.Outcome o : outcomes.values()) {
            if (!o.requirement().equals(any.requirement())) {
                throw new EngineException("platforms compiled different applications: " + any.requirement() + " and "
                        + o.requirement());
            }
        }
        Map<String, Wheelhouse.PlatformWheels> platforms = new LinkedHashMap<>();
        if (previous != null && previous.requirement().equals(any.requirement())) {
            platforms.putAll(previous.platforms());
        }
        Map<String, Status> status = new LinkedHashMap<>();
        outcomes.forEach((p, o) -> {
            platforms.put(p.toString(), o.wheels());
            status.put(p.toString(), o.status());
        });
        Wheelhouse manifest = new Wheelhouse(Wheelhouse.SCHEMA, any.name(), any.version(), app.extras(), any.requirement(),
                platforms);
        try {
            WheelhouseStore.write(output, manifest);
        } catch (IOException e) {
            throw new InputException("cannot write " + output.resolve(Wheelhouse.FILE) + ": " + e.getMessage());
        }
        services.listener().on(new BuildEvent.Info("wrote " + output.resolve(Wheelhouse.FILE) + " (" + any.requirement() + ", "
                + String.join(", ", new ArrayList<>(status.keySet())) + ")"));
        return new Result(output.resolve(Wheelhouse.FILE).toString(), status, manifest);
    }
}
