package io.jenkins.plugins.grocker.dockerfile;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.AptPackages;
import io.jenkins.plugins.grocker.spec.CronJob;
import io.jenkins.plugins.grocker.spec.EntrypointSpec;
import io.jenkins.plugins.grocker.spec.FileSpec;
import io.jenkins.plugins.grocker.spec.UserSpec;
import io.jenkins.plugins.grocker.spec.WwwSpec;
import io.jenkins.plugins.grocker.wheels.WheelMetadata;
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
 * The runner's two build contexts for one platform, its layers split by how often they change (docs/app.md,
 * "Layers"): the <em>dependency image</em> ({@code runner/dependencies.Dockerfile}): the base, the run dependencies,
 * tini, the www packages when the application has a www service, the user, the entrypoint (the one of base images,
 * {@code entrypoint/}), the ops scripts, templates and the directories of the container contract ({@code /config},
 * the scripts directory, the media volume) owned by the user, then one layer with every dependency wheel installed
 * into the virtual environment (a new one without pip, or the base image's own with {@code venv: inherit}); and the
 * <em>runner</em> ({@code runner/runner.Dockerfile}) on it: one layer with the application's wheel installed and the
 * entrypoint's fragment of this version, then the configuration. Wheels are installed in throwaway stages by Debian's
 * python3-installer ({@code runner/install-wheels}); no wheel, no installer, no pip, no compiler and no index setting
 * reaches either image; what the base holds, the runner holds too. Thread-safe.
 */
public final class RunnerRenderer {
    /** Helper scripts of the base images the runner also uses. */
    private static final List<String> BASE_SCRIPTS = List.of("apt-install", "add-user", "make-dirs");
    /** The runner's fragment: read after every base image's (docs/entrypoint.md). */
    static final String FRAGMENT = EntrypointConfig.fragmentName(900, "app");
    /** Debian packages of the application servers. */
    public static final List<String> UWSGI_PACKAGES = List.of("uwsgi", "uwsgi-plugin-python3");
    public static final List<String> GUNICORN_PACKAGES = List.of("python3-gunicorn");
    private static final String OCI = "org.opencontainers.image.";

    /**
     * What the runner takes from its base image on one platform (its config in the registry).
     *
     * @param user the user the base runs as ({@code User}), used when the spec names none
     * @param venv the base's own virtual environment ({@code VIRTUAL_ENV}), or null
     * @param labels the base's labels: every {@code org.opencontainers.image.*} one the runner does not set is blanked
     */
    public record Base(String user, String venv, Map<String, String> labels) {
        public Base {
            labels = Map.copyOf(labels);
        }
    }

    private final AppSpec app;
    private final Wheelhouse wheelhouse;
    private final Path wheels;
    private final Template template = Template.load("runner/runner.Dockerfile");
    private final Template dependencies = Template.load("runner/dependencies.Dockerfile");

    public RunnerRenderer(AppSpec app, Wheelhouse wheelhouse, Path wheels) {
        this.app = app;
        this.wheelhouse = wheelhouse;
        this.wheels = wheels;
    }

    /**
     * The dependency image's context: on the base, the run dependencies, tini, the www packages, the user, the
     * entrypoint, the templates, the ops scripts, the contract directories, then one layer holding every wheel of the
     * wheelhouse but the application's, installed (with a new virtual environment, the environment itself). Nothing
     * in it depends on the application's version, so its key (this context and the base) stays the same across
     * versions that keep their dependencies.
     *
     * @param from the base pinned by digest for this platform
     * @param base what the base's config says
     * @throws InputException when a wheel does not match the manifest, no non-root user is known, the base has no venv
     *     to inherit
     */
    public BuildContext renderDependencies(Platform platform, String from, Base base) throws InputException {
        Wheels w = wheels(platform, base);
        WwwSpec www = app.www();
        Map<String, Object> v = common(platform, w);
        v.put("from", from);
        List<String> install = new ArrayList<>(List.of(w.venv(), app.inheritsVenv() ? "inherit" : "new", "deps"));
        if (www != null && www.server().equals(WwwSpec.GUNICORN)) {
            install.add("gunicorn");
        }
        v.put("install", DockerfileRenderer.words(install));
        v.put("wheels", !w.dependencies().isEmpty());
        Set<String> packages = new LinkedHashSet<>(EntrypointConfig.PACKAGES);
        if (www != null) {
            packages.addAll(EntrypointConfig.WWW_PACKAGES);
            packages.addAll(www.server().equals(WwwSpec.UWSGI) ? UWSGI_PACKAGES : GUNICORN_PACKAGES);
        }
        packages.addAll(AptPackages.forPlatform(app.runDependencies(), platform));
        v.put("packages", DockerfileRenderer.words(List.copyOf(packages)));
        UserSpec user = app.user();
        v.put("user", user == null ? null : DockerfileRenderer.words(List.of(user.name(), Long.toString(user.uid()),
                Long.toString(user.gid()), user.sudo() ? "yes" : "no")));
        v.put("dirs", DockerfileRenderer.words(ownedDirectories(w.finalUser())));
        v.put("templates", !app.entrypoint().templates().isEmpty());
        v.put("scripts", app.scripts() != null && !app.scripts().files().isEmpty() ? app.scripts().dir() : null);
        v.put("workdir", app.workdir());
        v.put("entrypointDir", EntrypointConfig.INSTALL_DIR);

        BuildContext.Builder context = BuildContext.builder(dependencies.render(v));
        for (String name : BASE_SCRIPTS) {
            context.add("grocker/" + name, Template.resourceBytes("dockerfile/scripts/" + name), 0755);
        }
        context.add("grocker/install-wheels", Template.resourceBytes("runner/install-wheels"), 0755);
        for (EntrypointConfig.RuntimeFile f : EntrypointConfig.RUNTIME_FILES) {
            context.add("entrypoint/" + f.name(), f.bytes(), f.mode());
        }
        List<FileSpec> templates = app.entrypoint().templates();
        for (int i = 0; i < templates.size(); i++) {
            context.addFile("templates/" + templateName(i, templates.get(i)), templates.get(i).source(), 0644);
        }
        if (app.scripts() != null) {
            for (Path script : app.scripts().files()) {
                context.addFile("scripts/" + script.getFileName(), script, 0755);
            }
        }
        for (Path wheel : w.dependencies()) {
            context.addFile("wheels/" + wheel.getFileName(), wheel, 0644);
        }
        return context.build();
    }

    /**
     * The runner's context: on the dependency image ({@link #renderDependencies}), one layer with the application's
     * wheel installed and the entrypoint's fragment of this version, then the configuration (environment, labels,
     * ports, volumes, healthcheck, user, entrypoint), which adds no layer.
     *
     * @param from the dependency image pinned by digest for this platform (or its key tag in the local engine)
     * @param pinnedBase the base pinned by digest for this platform: the throwaway stage installs from it
     * @param base what the base's config says
     * @throws InputException when a wheel does not match the manifest, no non-root user is known, the base has no venv
     *     to inherit, or a value cannot reach the entrypoint
     */
    public BuildContext render(Platform platform, String from, String pinnedBase, Base base) throws InputException {
        Wheels w = wheels(platform, base);
        if (w.application() == null) {
            throw new InputException(wheels.resolve(Wheelhouse.FILE) + ": " + platform + ": the application's wheel "
                    + w.platformWheels().appWheel() + " is not among the platform's wheels");
        }
        WwwSpec www = app.www();
        Map<String, Object> v = common(platform, w);
        v.put("from", from);
        v.put("base", pinnedBase);
        v.put("version", wheelhouse.version());
        v.put("install", DockerfileRenderer.words(List.of(w.venv(), app.inheritsVenv() ? "inherit" : "new", "app")));
        v.put("env", DockerfileRenderer.envLine(app.env()));
        v.put("labels", DockerfileRenderer.labelLine(labels(w.platformWheels(), w.application(), pinnedBase, base)));
        List<String> ports = new ArrayList<>(app.ports());
        if (www != null && ports.stream().noneMatch(p -> p.equals(Integer.toString(www.port())) || p.equals(www.port() + "/tcp"))) {
            ports.add(Integer.toString(www.port()));
        }
        v.put("ports", String.join(" ", ports));
        List<String> volumes = new ArrayList<>(app.volumes());
        if (app.media() != null && !volumes.contains(app.media())) {
            volumes.add(app.media());
        }
        v.put("volumes", DockerfileRenderer.words(volumes));
        v.put("healthcheck", DockerfileRenderer.healthcheck(app.healthcheck()));
        v.put("finalUser", w.finalUser());
        v.put("fragment", EntrypointConfig.CONFIG_DIR + "/" + FRAGMENT);
        v.put("entrypoint", DockerfileRenderer.words(EntrypointConfig.ENTRYPOINT));
        byte[] entrypointConfig = entrypointConfig(app, wheelhouse.app(), wheelhouse.version(),
                sitePackages(w.venv(), w.platformWheels().pythonTag()));

        BuildContext.Builder context = BuildContext.builder(template.render(v));
        context.add("grocker/apt-install", Template.resourceBytes("dockerfile/scripts/apt-install"), 0755);
        context.add("grocker/install-wheels", Template.resourceBytes("runner/install-wheels"), 0755);
        context.add("entrypoint.conf", entrypointConfig, 0644);
        context.addFile("wheels/" + w.application().getFileName(), w.application(), 0644);
        return context.build();
    }

    /**
     * The verified wheels of one platform, split into the application's (null if the manifest lists it not) and the
     * others, and what both images need.
     *
     * @param finalUser the user the runner runs as
     */
    private record Wheels(Wheelhouse.PlatformWheels platformWheels, Path application, List<Path> dependencies, String venv,
            String finalUser) {}

    private Wheels wheels(Platform platform, Base base) throws InputException {
        List<Path> files = WheelhouseStore.verify(wheels, wheelhouse, platform.toString());
        UserSpec user = app.user();
        String finalUser = user != null ? user.numeric() : base.user();
        if (finalUser == null || finalUser.isBlank() || finalUser.equals("root") || finalUser.equals("0")
                || finalUser.startsWith("0:") || finalUser.startsWith("root:")) {
            throw new InputException(app.file() + ": field 'user': is required: the base image " + app.base()
                    + " runs as root and the runner must not");
        }
        String venv = venv(app, base);
        Wheelhouse.PlatformWheels platformWheels = wheelhouse.platforms().get(platform.toString());
        Path application = null;
        List<Path> dependencies = new ArrayList<>();
        for (Path f : files) {
            if (f.getFileName().toString().equals(platformWheels.appWheel())) {
                application = f;
            } else {
                dependencies.add(f);
            }
        }
        return new Wheels(platformWheels, application, dependencies, venv, finalUser);
    }

    /** The values both images' Dockerfiles use. */
    private Map<String, Object> common(Platform platform, Wheels w) {
        Map<String, Object> v = new HashMap<>();
        v.put("app", wheelhouse.app());
        v.put("platform", platform.toString());
        v.put("python", pythonVersion(w.platformWheels().pythonTag()));
        v.put("venv", w.venv());
        v.put("ownVenv", !app.inheritsVenv());
        v.put("venvWhat", app.inheritsVenv() ? "the base's own virtual environment " + w.venv() : "a new virtual environment "
                + w.venv() + " without pip");
        return v;
    }

    /** The runner's virtual environment: the spec's, or with {@code venv: inherit} the base's {@code VIRTUAL_ENV}. */
    static String venv(AppSpec app, Base base) throws InputException {
        if (!app.inheritsVenv()) {
            return app.venv();
        }
        if (base.venv() == null || !base.venv().startsWith("/")) {
            throw new InputException(app.file() + ": field 'venv': inherit: the base image " + app.base()
                    + " has no virtual environment (no VIRTUAL_ENV in its config)");
        }
        return base.venv();
    }

    /** {@code VENV/lib/pythonX.Y/site-packages} for a wheelhouse compiled by {@code cpXY}. */
    static String sitePackages(String venv, String pythonTag) {
        return venv + "/lib/python" + pythonVersion(pythonTag) + "/site-packages";
    }

    /** {@code X.Y} of a {@code cpXY} tag; {@code 3} when the tag says no more. */
    static String pythonVersion(String pythonTag) {
        String digits = pythonTag != null && pythonTag.matches("cp[0-9]{2,3}") ? pythonTag.substring(2) : "3";
        return digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
    }

    /** make-dirs arguments: the owner, then the working directory, the volumes, the config, scripts and media directories. */
    private List<String> ownedDirectories(String owner) {
        Set<String> dirs = new LinkedHashSet<>();
        if (app.workdir() != null) {
            dirs.add(app.workdir());
        }
        dirs.addAll(app.volumes());
        dirs.add(app.config());
        if (app.scripts() != null) {
            dirs.add(app.scripts().dir());
        }
        if (app.media() != null) {
            dirs.add(app.media());
        }
        // make-dirs takes PATH OWNER MODE triples; the runner's directories keep the default mode
        List<String> args = new ArrayList<>();
        for (String dir : dirs) {
            args.addAll(List.of(dir, owner, "-"));
        }
        return args;
    }

    /**
     * The labels describe the application, never the base: title, version, description and URLs from the
     * application's wheel, the base it was built on, and every other {@code org.opencontainers.image.*} label of the
     * base blanked (an image cannot drop an inherited label). The revision and source of a local source tree are
     * added at build time, outside the cache key.
     */
    private Map<String, String> labels(Wheelhouse.PlatformWheels platformWheels, Path appWheel, String from, Base base) {
        WheelMetadata metadata = WheelMetadata.read(appWheel);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(OCI + "title", wheelhouse.app());
        labels.put(OCI + "version", wheelhouse.version());
        labels.put(OCI + "description", metadata.summary() == null ? "" : metadata.summary());
        labels.put(OCI + "url", metadata.url() == null ? "" : metadata.url());
        labels.put(OCI + "source", metadata.sourceUrl() == null ? "" : metadata.sourceUrl());
        labels.put(OCI + "revision", "");
        labels.put(OCI + "base.name", app.base().toString());
        int at = from.indexOf('@');
        labels.put(OCI + "base.digest", at < 0 ? "" : from.substring(at + 1));
        for (String key : base.labels().keySet()) {
            if (key.startsWith(OCI)) {
                labels.putIfAbsent(key, "");
            }
        }
        labels.put("io.grocker.app.name", wheelhouse.app());
        labels.put("io.grocker.app.version", wheelhouse.version());
        labels.put("io.grocker.app.requirement", wheelhouse.requirement());
        labels.putAll(app.labels());
        return labels;
    }

    private static String templateName(int i, FileSpec template) {
        return i + "-" + template.source().getFileName();
    }

    /**
     * Fails with the first value of the spec the entrypoint could not take, naming its field, before anything is
     * built (the commands call it first).
     */
    public static void check(AppSpec app) throws InputException {
        entrypointConfig(app, "app", "0", "/opt/check/lib/python3/site-packages");
    }

    /**
     * The application's entrypoint fragment: its services, the Grocker services (www, cron, ops), required variables
     * and templates. A string service is split into words here, at build time; its {@code $NAME} references are
     * expanded when the container starts, each into exactly one word.
     *
     * @param sitePackages what {@value WwwSpec#SITE_PACKAGES} in a static directory stands for
     * @throws InputException naming the spec file and the field when a value cannot be used
     */
    static byte[] entrypointConfig(AppSpec app, String name, String version, String sitePackages) throws InputException {
        EntrypointConfig.Builder b = EntrypointConfig.builder();
        EntrypointSpec spec = app.entrypoint();
        String file = String.valueOf(app.file());
        field(file, "entrypoint", () -> {
            b.app(name, version);
            for (Map.Entry<String, Object> service : spec.services().entrySet()) {
                if (service.getValue() instanceof String line) {
                    b.serviceLine(service.getKey(), line);
                } else {
                    @SuppressWarnings("unchecked")
                    List<String> words = (List<String>) service.getValue();
                    b.service(service.getKey(), words);
                }
            }
        });
        WwwSpec www = app.www();
        if (www != null) {
            field(file, "www", () -> b.wwwService("www")
                    .www(www.server().equals(WwwSpec.GUNICORN) ? EntrypointConfig.WwwServer.GUNICORN : EntrypointConfig.WwwServer.UWSGI,
                            www.port(), www.app(), www.workers(), www.threads()));
            for (Map.Entry<String, String> s : www.staticDirs().entrySet()) {
                field(file, "www.static." + s.getKey(), () -> b.wwwStatic(s.getKey(), s.getValue().replace(WwwSpec.SITE_PACKAGES, sitePackages)));
            }
            if (www.mediaUrl() != null) {
                field(file, "www.mediaUrl", () -> b.wwwMedia(www.mediaUrl(), app.media()));
            }
            if (!www.args().isEmpty()) {
                field(file, "www.args", () -> b.wwwArgs(www.args()));
            }
            if (www.maxBody() != null) {
                field(file, "www.maxBody", () -> b.wwwMaxBody(www.maxBody()));
            }
        }
        if (!app.cron().isEmpty()) {
            b.cronService("cron");
            for (int i = 0; i < app.cron().size(); i++) {
                CronJob job = app.cron().get(i);
                field(file, "cron[" + i + "]", () -> {
                    if (job.command() instanceof String line) {
                        b.cronShell(job.schedule(), line);
                    } else {
                        @SuppressWarnings("unchecked")
                        List<String> words = (List<String>) job.command();
                        b.cron(job.schedule(), words);
                    }
                });
            }
        }
        if (app.scripts() != null) {
            field(file, "scripts", () -> b.opsService("ops").scripts(app.scripts().dir()));
        }
        field(file, "entrypoint", () -> {
            if (spec.defaultService() != null) {
                b.defaultService(spec.defaultService());
            }
            b.require(spec.requiredEnv());
            spec.serviceEnv().forEach(b::requireFor);
        });
        List<FileSpec> templates = spec.templates();
        for (int i = 0; i < templates.size(); i++) {
            FileSpec t = templates.get(i);
            int index = i;
            field(file, "entrypoint.templates[" + i + "]",
                    () -> b.template("/etc/grocker/templates/" + templateName(index, t), t.destination(), t.mode()));
        }
        return b.build().bytes();
    }

    private interface Directives {
        void add();
    }

    private static void field(String file, String field, Directives directives) throws InputException {
        try {
            directives.add();
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": field '" + field + "': " + e.getMessage(), e);
        }
    }
}
