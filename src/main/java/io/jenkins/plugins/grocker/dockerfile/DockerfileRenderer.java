package io.jenkins.plugins.grocker.dockerfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.spec.AptPackages;
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
    public record Inherited(UserSpec user, String venv, String version) {
        /** What {@code image} inherits in {@code spec}. */
        public static Inherited from(HierarchySpec spec, ImageSpec image) {
            return new Inherited(spec.effectiveUser(image), spec.effectiveVenv(image), spec.version());
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
        if (python != null && !python.packages().isEmpty()) {
            List<String> args = new ArrayList<>(List.of(inherited.venv(), owner));
            if (python.noIndex()) {
                args.add("--no-index");
            } else {
                args.add("--index-url");
                args.add(python.indexUrl() == null ? "https://pypi.org/simple" : python.indexUrl());
                for (String extra : python.extraIndexUrls()) {
                    args.add("--extra-index-url");
                    args.add(extra);
                }
            }
            for (String link : python.findLinks()) {
                args.add("--find-links");
                args.add(link);
            }
            for (String host : python.trustedHosts()) {
                args.add("--trusted-host");
                args.add(host);
            }
            args.addAll(python.packages());
            v.put("pip", words(args));
        }

        BuildContext.Builder context = BuildContext.builder("");
        List<String> copies = new ArrayList<>();
        for (int i = 0; i < image.files().size(); i++) {
            FileSpec f = image.files().get(i);
            String inContext = "files/" + i + "-" + f.source().getFileName();
            context.addFile(inContext, f.source(), f.mode());
            copies.add("COPY [" + quote(inContext) + ", " + quote(f.destination()) + "]");
        }
        v.put("files", String.join("\n", copies));
        if (!image.dirs().isEmpty()) {
            List<String> args = new ArrayList<>(List.of(owner));
            args.addAll(image.dirs());
            v.put("dirs", words(args));
        }
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
            if (!e.path().equals(BuildContext.DOCKERFILE)) {
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
