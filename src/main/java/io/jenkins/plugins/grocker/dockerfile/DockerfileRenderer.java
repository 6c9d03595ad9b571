package io.jenkins.plugins.grocker.dockerfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.spec.AptPackages;
import io.jenkins.plugins.grocker.spec.DirSpec;
import io.jenkins.plugins.grocker.spec.EntrypointSpec;
import io.jenkins.plugins.grocker.spec.FileSpec;
import io.jenkins.plugins.grocker.spec.HealthcheckSpec;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.PythonSpec;
import io.jenkins.plugins.grocker.spec.UserSpec;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one image of a spec, for one platform, into a build context: the Dockerfile rendered from
 * {@code dockerfile/base.Dockerfile} and the helper scripts under {@code dockerfile/scripts/} (both in
 * {@code resources/}), plus the files and root filesystem the spec names. Every value that reaches the
 * Dockerfile is written in JSON (exec) form or quoted, so spec text cannot add instructions. Thread-safe.
 */
public final class DockerfileRenderer {
    /** The helper scripts copied into {@code /usr/local/lib/grocker/}. */
    public static final List<String> SCRIPTS =
            List.of("apt-install", "gen-locales", "add-user", "make-venv", "pip-install", "make-dirs");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Template template = Template.load("dockerfile/base.Dockerfile");
    private final Map<String, byte[]> scripts = new HashMap<>();
    private final TreeArchive trees = new TreeArchive();

    public DockerfileRenderer() {
        for (String name : SCRIPTS) {
            scripts.put(name, Template.resourceBytes("dockerfile/scripts/" + name));
        }
    }

    /**
     * What an image takes from its ancestors in a hierarchy: the user it runs as, the virtual environment its
     * packages go into, and the version of its labels.
     *
     * @param user the nearest user, or null for root
     * @param venv the nearest virtual environment, or null
     * @param version the spec's version, used when the image has none of its own, or null
     */
    public record Inherited(UserSpec user, String venv, String version, PythonSpec python, int depth,
            boolean entrypointInstalled) {
        /** What an image outside a hierarchy inherits: its own python settings, no entrypoint. */
        public Inherited(UserSpec user, String venv, String version) {
            this(user, venv, version, null, 0, false);
        }

        /** What {@code image} inherits in {@code spec}. */
        public static Inherited from(HierarchySpec spec, ImageSpec image) {
            return new Inherited(spec.effectiveUser(image), spec.effectiveVenv(image), spec.version(),
                    spec.effectivePython(image), spec.depth(image), spec.inheritsEntrypoint(image));
        }
    }

    /** Where an image's entrypoint templates are kept: {@code /etc/grocker/templates/<image>/<i>-<name>}. */
    public static String templatePath(ImageSpec image, int index) {
        return "/etc/grocker/templates/" + safeName(image.name()) + "/" + index + "-"
                + image.entrypoint().templates().get(index).source().getFileName();
    }

    /** An image name as one file name ({@code fractal-app:dev} becomes {@code fractal-app-dev}). */
    static String safeName(String imageName) {
        return imageName.replaceAll("[^A-Za-z0-9_.-]+", "-");
    }

    /**
     * The image's fragment of the entrypoint configuration, or null when it has no entrypoint.
     *
     * @throws SpecValueException naming the field ({@code entrypoint.services.www}) whose value the entrypoint
     *     could not take
     */
    public static EntrypointConfig entrypointFragment(ImageSpec image) {
        EntrypointSpec ep = image.entrypoint();
        if (ep == null) {
            return null;
        }
        EntrypointConfig.Builder b = EntrypointConfig.builder();
        for (String what : ep.clear()) {
            b.clear(EntrypointConfig.Clearable.valueOf(what.toUpperCase(java.util.Locale.ROOT)));
        }
        field("entrypoint.requiredEnv", () -> b.require(ep.requiredEnv()));
        ep.serviceEnv().forEach((service, names) -> field("entrypoint.serviceEnv." + service, () -> b.requireFor(service, names)));
        for (int i = 0; i < ep.templates().size(); i++) {
            FileSpec t = ep.templates().get(i);
            String path = templatePath(image, i);
            field("entrypoint.templates[" + i + "]", () -> b.template(path, t.destination(), t.fileMode()));
        }
        for (int i = 0; i < ep.prestart().size(); i++) {
            Object c = ep.prestart().get(i);
            field("entrypoint.prestart[" + i + "]", () -> {
                if (c instanceof String line) {
                    b.prestartLine(line);
                } else {
                    @SuppressWarnings("unchecked")
                    List<String> words = (List<String>) c;
                    b.prestart(words);
                }
            });
        }
        ep.services().forEach((name, c) -> field("entrypoint.services." + name, () -> {
            if (c instanceof String line) {
                b.serviceLine(name, line);
            } else {
                @SuppressWarnings("unchecked")
                List<String> words = (List<String>) c;
                b.service(name, words);
            }
        }));
        if (ep.defaultService() != null) {
            field("entrypoint.default", () -> b.defaultService(ep.defaultService()));
        }
        return b.build();
    }

    private static void field(String field, Runnable add) {
        try {
            add.run();
        } catch (SpecValueException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SpecValueException(field, e.getMessage());
        }
    }

    /** A spec value the image cannot take, found while rendering; {@code field} is the spec's field path. */
    public static final class SpecValueException extends IllegalArgumentException {
        private final String field;

        public SpecValueException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * Checks, before anything is built, what rendering would find wrong with the image's values: its entrypoint
     * fragment, and the directories and archives of its {@code files} (turned into tars here, once).
     *
     * @throws SpecValueException naming the field
     */
    public void check(ImageSpec image) {
        entrypointFragment(image);
        for (int i = 0; i < image.files().size(); i++) {
            FileSpec f = image.files().get(i);
            if (f.kind() != FileSpec.Kind.FILE) {
                try {
                    trees.tar(f);
                } catch (java.io.UncheckedIOException e) {
                    throw new SpecValueException("files[" + i + "].src", "cannot read " + f.source() + ": " + e.getCause().getMessage());
                } catch (IllegalArgumentException e) {
                    throw new SpecValueException("files[" + i + "].src", e.getMessage());
                }
            }
        }
    }

    /**
     * Renders the context of an image of a hierarchy spec.
     *
     * @param from what the Dockerfile starts from: {@code scratch} or a reference pinned by digest
     */
    public BuildContext render(HierarchySpec spec, ImageSpec image, Platform platform, String from) {
        return render(image, Inherited.from(spec, image), platform, from);
    }

    /**
     * Renders the context of an image that is not part of a hierarchy spec (an application's compiler), or of one
     * whose inherited values are already known.
     */
    public BuildContext render(ImageSpec image, Inherited inherited, Platform platform, String from) {
        Map<String, Object> v = new HashMap<>();
        v.put("image", image.name());
        v.put("platform", platform.toString());
        v.put("from", image.isScratch() ? "scratch" : from);
        v.put("rootfs", image.isScratch());

        UserSpec user = inherited.user();
        String owner = user == null ? "-" : user.numeric();
        PythonSpec python = image.python();

        Set<String> packages = new LinkedHashSet<>();
        if (python != null && "apt".equals(python.interpreter())) {
            packages.add("python3");
            packages.add("python3-venv");
        }
        if (!image.locales().isEmpty()) {
            packages.add("locales");
        }
        if (image.user() != null && image.user().sudo()) {
            packages.add("sudo");
        }
        EntrypointConfig fragment = entrypointFragment(image);
        boolean installEntrypoint = fragment != null && !inherited.entrypointInstalled();
        if (installEntrypoint) {
            packages.addAll(EntrypointConfig.PACKAGES);
        }
        packages.addAll(AptPackages.forPlatform(image.packages(), platform));
        v.put("packages", words(List.copyOf(packages)));

        if (!image.locales().isEmpty()) {
            String first = image.locales().get(0);
            String lang = first.contains(".") ? first.substring(0, first.indexOf('.')) : first;
            v.put("locales", words(image.locales()));
            v.put("lang", first);
            v.put("language", lang + ":" + lang.substring(0, lang.indexOf('_')));
        }
        if (image.user() != null) {
            UserSpec u = image.user();
            v.put("user", words(List.of(u.name(), Long.toString(u.uid()), Long.toString(u.gid()), u.sudo() ? "yes" : "no")));
        }
        if (python != null && python.venv() != null) {
            v.put("venv", words(List.of(python.venv(), owner,
                    Boolean.TRUE.equals(python.systemSitePackages()) ? "yes" : "no",
                    python.version() == null ? "-" : python.version())));
            v.put("venvPath", python.venv());
        }
        BuildContext.Builder context = BuildContext.builder("");
        PythonSpec pip = inherited.python() != null ? inherited.python() : python;
        if (pip != null && pip.installs()) {
            List<String> args = new ArrayList<>(List.of(inherited.venv(), owner));
            if (pip.noIndex()) {
                args.add("--no-index");
            } else {
                args.add("--index-url");
                args.add(pip.indexUrl() == null ? "https://pypi.org/simple" : pip.indexUrl());
                for (String extra : pip.extraIndexUrls()) {
                    args.add("--extra-index-url");
                    args.add(extra);
                }
            }
            for (String link : pip.findLinks()) {
                args.add("--find-links");
                args.add(link);
            }
            for (String host : pip.trustedHosts()) {
                args.add("--trusted-host");
                args.add(host);
            }
            if (pip.requirements() != null) {
                String inImage = "/usr/local/lib/grocker/requirements/" + safeName(image.name()) + ".txt";
                context.addFile("files/requirements.txt", pip.requirements(), 0644);
                v.put("requirements", "COPY [\"files/requirements.txt\", " + quote(inImage) + "]");
                args.add("-r");
                args.add(inImage);
            }
            args.addAll(pip.packages());
            v.put("pip", words(args));
        }

        List<String> copies = new ArrayList<>();
        for (int i = 0; i < image.files().size(); i++) {
            FileSpec f = image.files().get(i);
            String chown = f.owner() == null ? "" : "--chown=" + f.owner() + " ";
            if (f.kind() == FileSpec.Kind.FILE) {
                String inContext = "files/" + i + "-" + f.source().getFileName();
                context.addFile(inContext, f.source(), f.fileMode());
                copies.add("COPY " + chown + "[" + quote(inContext) + ", " + quote(f.destination()) + "]");
            } else {
                String inContext = "files/" + i + "-" + f.source().getFileName() + ".tar";
                context.addFile(inContext, trees.tar(f), 0644);
                copies.add("ADD [" + quote(inContext) + ", " + quote(f.destination().endsWith("/") ? f.destination()
                        : f.destination() + "/") + "]");
            }
        }
        v.put("files", String.join("\n", copies));
        if (!image.dirs().isEmpty()) {
            List<String> args = new ArrayList<>();
            for (DirSpec d : image.dirs()) {
                args.add(d.path());
                args.add(d.owner() == null ? owner : d.owner().equals("0:0") ? "-" : d.owner());
                args.add(d.mode() == null ? "-" : String.format(java.util.Locale.ROOT, "%04o", d.mode()));
            }
            v.put("dirs", words(args));
        }
        List<String> entrypointCopies = new ArrayList<>();
        if (fragment != null) {
            if (installEntrypoint) {
                for (EntrypointConfig.RuntimeFile f : EntrypointConfig.RUNTIME_FILES) {
                    context.add("grocker-entrypoint/" + f.name(), f.bytes(), f.mode());
                }
                entrypointCopies.add("COPY [\"grocker-entrypoint/\", " + quote(EntrypointConfig.INSTALL_DIR + "/") + "]");
            }
            for (int i = 0; i < image.entrypoint().templates().size(); i++) {
                FileSpec t = image.entrypoint().templates().get(i);
                String inContext = "templates/" + i + "-" + t.source().getFileName();
                context.addFile(inContext, t.source(), 0644);
                entrypointCopies.add("COPY [" + quote(inContext) + ", " + quote(templatePath(image, i)) + "]");
            }
            String name = EntrypointConfig.fragmentName(10 * (inherited.depth() + 1), safeName(image.name()));
            context.add("entrypoint.d/" + name, fragment.bytes(), 0644);
            entrypointCopies.add("COPY [" + quote("entrypoint.d/" + name) + ", " + quote(EntrypointConfig.CONFIG_DIR + "/" + name) + "]");
            if (installEntrypoint) {
                v.put("entrypoint", "[" + words(EntrypointConfig.ENTRYPOINT) + "]");
            }
        }
        v.put("entrypointFiles", String.join("\n", entrypointCopies));
        v.putIfAbsent("entrypoint", null);
        v.putIfAbsent("requirements", null);
        v.put("volumes", image.volumes().isEmpty() ? null : "[" + words(image.volumes()) + "]");
        v.put("env", envLine(image.env()));
        v.put("workdir", image.workdir());
        v.put("labels", labels(inherited, image));
        v.put("ports", String.join(" ", image.ports()));
        v.put("healthcheck", healthcheck(image.healthcheck()));
        v.put("cmd", image.cmd() == null ? null : "[" + words(image.cmd()) + "]");

        boolean setup = !packages.isEmpty() || v.containsKey("locales") || v.containsKey("user")
                || v.containsKey("venv") || v.containsKey("pip") || v.containsKey("dirs");
        v.put("setup", setup);
        v.put("finalUser", user == null ? null : user.numeric());
        for (String key : List.of("locales", "lang", "language", "user", "venv", "venvPath", "pip", "dirs")) {
            v.putIfAbsent(key, null);
        }

        String dockerfile = template.render(v);
        BuildContext.Builder result = BuildContext.builder(dockerfile);
        for (BuildContext.Entry e : context.build().entries()) {
            if (e.path().equals(BuildContext.DOCKERFILE)) {
                continue;
            }
            if (e.bytes() != null) {
                result.add(e.path(), e.bytes(), e.mode());
            } else {
                result.addFile(e.path(), e.source(), e.mode());
            }
        }
        if (setup) {
            for (String name : SCRIPTS) {
                result.add("grocker/" + name, scripts.get(name), 0755);
            }
        }
        if (image.isScratch()) {
            Path tar = image.rootfs().get(platform);
            if (tar == null) {
                throw new IllegalArgumentException("image " + image.name() + " has no root filesystem for " + platform);
            }
            result.addFile("rootfs.tar", tar, 0644);
        }
        return result.build();
    }

    private static String labels(Inherited inherited, ImageSpec image) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", image.name());
        String version = image.version() != null ? image.version() : inherited.version();
        if (version != null) {
            labels.put("org.opencontainers.image.version", version);
        }
        labels.putAll(image.labels());
        return labelLine(labels);
    }

    /** {@code "k"="v" ...} for a LABEL instruction; {@code $} is not expanded. */
    static String labelLine(Map<String, String> labels) {
        return labels.entrySet().stream()
                .map(e -> quote(e.getKey()) + "=" + quote(e.getValue()).replace("$", "\\$"))
                .collect(Collectors.joining(" "));
    }

    /** {@code K="v" ...} for an ENV instruction. */
    static String envLine(Map<String, String> env) {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + quoteEnv(e.getValue())).collect(Collectors.joining(" "));
    }

    static String healthcheck(HealthcheckSpec h) {
        if (h == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        if (h.interval() != null) {
            sb.append("--interval=").append(h.interval()).append(' ');
        }
        if (h.timeout() != null) {
            sb.append("--timeout=").append(h.timeout()).append(' ');
        }
        if (h.startPeriod() != null) {
            sb.append("--start-period=").append(h.startPeriod()).append(' ');
        }
        if (h.retries() != null) {
            sb.append("--retries=").append(h.retries()).append(' ');
        }
        sb.append("CMD ");
        if (h.shell()) {
            sb.append(h.command().get(0).replace("\n", " "));
        } else {
            sb.append('[').append(words(h.command())).append(']');
        }
        return sb.toString();
    }

    /** JSON strings joined by ", " for exec-form instructions. */
    static String words(List<String> words) {
        return words.stream().map(DockerfileRenderer::quote).collect(Collectors.joining(", "));
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Double-quoted for ENV; $VAR still expands from the image's environment, as in a Dockerfile. */
    private static String quoteEnv(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }
}
