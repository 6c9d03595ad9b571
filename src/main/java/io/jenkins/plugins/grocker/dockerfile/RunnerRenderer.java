package io.jenkins.plugins.grocker.dockerfile;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.AptPackages;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.EntrypointSpec;
import io.jenkins.plugins.grocker.spec.FileSpec;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.UserSpec;
import io.jenkins.plugins.grocker.wheels.Wheelhouse;
import io.jenkins.plugins.grocker.wheels.WheelhouseStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runner's build context for one platform, from {@code runner/runner.Dockerfile}: a throwaway stage
 * installs the verified wheels into a virtual environment; the final stage is the base plus the run
 * dependencies, tini, the user, that environment and the entrypoint (the one of base images,
 * {@code entrypoint/}) with the application's configuration fragment. No wheel, no compiler and no index
 * setting reaches the final stage. Thread-safe.
 */
public final class RunnerRenderer {
    /** Helper scripts of the base images the runner also uses. */
    private static final List<String> BASE_SCRIPTS = List.of("apt-install", "add-user", "make-dirs");
    /** The runner's fragment: read after every base image's (docs/entrypoint.md). */
    static final String FRAGMENT = EntrypointConfig.fragmentName(900, "app");

    private final AppSpec app;
    private final Wheelhouse wheelhouse;
    private final Path wheels;
    private final Template template = Template.load("runner/runner.Dockerfile");

    public RunnerRenderer(AppSpec app, Wheelhouse wheelhouse, Path wheels) {
        this.app = app;
        this.wheelhouse = wheelhouse;
        this.wheels = wheels;
    }

    /**
     * Renders the context.
     *
     * @param from the base pinned by digest for this platform
     * @param baseUser the user the base image runs as, used when the spec names none
     * @throws InputException when a wheel does not match the manifest, or no non-root user is known
     */
    public BuildContext render(Platform platform, String from, String baseUser) throws InputException {
        List<Path> files = WheelhouseStore.verify(wheels, wheelhouse, platform.toString());
        UserSpec user = app.user();
        String finalUser = user != null ? user.numeric() : baseUser;
        if (finalUser == null || finalUser.isBlank() || finalUser.equals("root") || finalUser.equals("0")
                || finalUser.startsWith("0:") || finalUser.startsWith("root:")) {
            throw new InputException(app.file() + ": field 'user': is required: the base image " + app.base()
                    + " runs as root and the runner must not");
        }
        String owner = user != null ? user.numeric() : finalUser;

        Map<String, Object> v = new HashMap<>();
        v.put("app", wheelhouse.app());
        v.put("version", wheelhouse.version());
        v.put("platform", platform.toString());
        v.put("from", from);
        v.put("venv", app.venv());
        v.put("install", DockerfileRenderer.words(List.of(app.venv(), wheelhouse.requirement())));
        Set<String> packages = new LinkedHashSet<>(EntrypointConfig.PACKAGES);
        packages.addAll(AptPackages.forPlatform(app.runDependencies(), platform));
        v.put("packages", DockerfileRenderer.words(List.copyOf(packages)));
        v.put("user", user == null ? null : DockerfileRenderer.words(List.of(user.name(), Long.toString(user.uid()),
                Long.toString(user.gid()), user.sudo() ? "yes" : "no")));
        List<String> dirs = new ArrayList<>();
        if (app.workdir() != null) {
            dirs.add(app.workdir());
        }
        dirs.addAll(app.volumes());
        if (!dirs.isEmpty()) {
            // make-dirs takes PATH OWNER MODE triples; the runner's directories keep the default mode
            List<String> args = new ArrayList<>();
            for (String dir : dirs) {
                args.addAll(List.of(dir, owner, "-"));
            }
            v.put("dirs", DockerfileRenderer.words(args));
        } else {
            v.put("dirs", null);
        }
        v.put("templates", !app.entrypoint().templates().isEmpty());
        v.put("env", DockerfileRenderer.envLine(app.env()));
        v.put("workdir", app.workdir());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", app.image().repository().substring(app.image().repository().lastIndexOf('/') + 1));
        labels.put("org.opencontainers.image.version", wheelhouse.version());
        labels.put("io.grocker.app.name", wheelhouse.app());
        labels.put("io.grocker.app.version", wheelhouse.version());
        labels.put("io.grocker.app.requirement", wheelhouse.requirement());
        labels.putAll(app.labels());
        v.put("labels", DockerfileRenderer.labelLine(labels));
        v.put("ports", String.join(" ", app.ports()));
        v.put("volumes", DockerfileRenderer.words(app.volumes()));
        v.put("healthcheck", DockerfileRenderer.healthcheck(app.healthcheck()));
        v.put("finalUser", finalUser);
        v.put("entrypointDir", EntrypointConfig.INSTALL_DIR);
        v.put("fragment", EntrypointConfig.CONFIG_DIR + "/" + FRAGMENT);
        v.put("entrypoint", DockerfileRenderer.words(EntrypointConfig.ENTRYPOINT));
        byte[] entrypointConfig = entrypointConfig(app.entrypoint(), wheelhouse.app(), wheelhouse.version(), app.file().toString());

        BuildContext.Builder context = BuildContext.builder(template.render(v));
        for (String name : BASE_SCRIPTS) {
            context.add("grocker/" + name, Template.resourceBytes("dockerfile/scripts/" + name), 0755);
        }
        context.add("grocker/install-wheels", Template.resourceBytes("runner/install-wheels"), 0755);
        for (EntrypointConfig.RuntimeFile f : EntrypointConfig.RUNTIME_FILES) {
            context.add("entrypoint/" + f.name(), f.bytes(), f.mode());
        }
        context.add("entrypoint.conf", entrypointConfig, 0644);
        List<FileSpec> templates = app.entrypoint().templates();
        for (int i = 0; i < templates.size(); i++) {
            context.addFile("templates/" + templateName(i, templates.get(i)), templates.get(i).source(), 0644);
        }
        for (Path wheel : files) {
            context.addFile("wheels/" + wheel.getFileName(), wheel, 0644);
        }
        return context.build();
    }

    private static String templateName(int i, FileSpec template) {
        return i + "-" + template.source().getFileName();
    }

    /**
     * The application's entrypoint fragment. A string service is split into words here, at build time; its
     * {@code $NAME} references are expanded when the container starts, each into exactly one word.
     *
     * @throws InputException naming the spec file and the entrypoint field when a value cannot be used
     */
    static byte[] entrypointConfig(EntrypointSpec spec, String app, String version, String file) throws InputException {
        try {
            EntrypointConfig.Builder b = EntrypointConfig.builder().app(app, version);
            for (Map.Entry<String, Object> service : spec.services().entrySet()) {
                if (service.getValue() instanceof String line) {
                    b.serviceLine(service.getKey(), line);
                } else {
                    @SuppressWarnings("unchecked")
                    List<String> words = (List<String>) service.getValue();
                    b.service(service.getKey(), words);
                }
            }
            if (spec.defaultService() != null) {
                b.defaultService(spec.defaultService());
            }
            b.require(spec.requiredEnv());
            spec.serviceEnv().forEach(b::requireFor);
            List<FileSpec> templates = spec.templates();
            for (int i = 0; i < templates.size(); i++) {
                FileSpec t = templates.get(i);
                b.template("/etc/grocker/templates/" + templateName(i, t), t.destination(), t.mode());
            }
            return b.build().bytes();
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": field 'entrypoint': " + e.getMessage(), e);
        }
    }
}
