package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a hierarchy spec (YAML or JSON) into validated values. Every problem is reported as one
 * {@link InputException} naming the file, the image and the field; unknown keys are rejected with the
 * closest valid name. Strings may use {@code ${VAR:-default}} from the environment given. Stateless and
 * thread-safe.
 */
public final class SpecLoader {
    static final List<String> TOP_FIELDS = List.of("registry", "version", "source", "platforms", "images");
    static final List<String> IMAGE_FIELDS = List.of("name", "from", "parent", "version", "python", "locales",
            "packages", "user", "workdir", "env", "dirs", "ports", "healthcheck", "labels", "tags", "platforms",
            "files", "rootfs", "cmd");
    static final List<String> PYTHON_FIELDS = List.of("interpreter", "version", "venv", "systemSitePackages",
            "packages", "findLinks", "indexUrl", "extraIndexUrls", "trustedHosts");

    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}_[A-Z]{2}(?:\\.[A-Za-z0-9-]+)?(?:@[a-z]+)?|C\\.UTF-8");
    private static final Pattern PYTHON_VERSION = Pattern.compile("[0-9]+\\.[0-9]+");
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    private final SpecReader r;

    public SpecLoader(Map<String, String> env) {
        this.r = new SpecReader(env);
    }

    public HierarchySpec load(Path file) throws InputException {
        return build(file, SpecReader.read(file));
    }

    public HierarchySpec parse(Path file, String text) throws InputException {
        return build(file, SpecReader.parse(file, text));
    }

    private HierarchySpec build(Path file, JsonNode root) throws InputException {
        SpecProblem top = new SpecProblem(file, null, "");
        r.checkKeys(root, TOP_FIELDS, top);
        String registry = r.requiredString(root, "registry", top);
        if (!REGISTRY.matcher(registry).matches()) {
            throw top.at("registry").error("'" + registry + "' is not host[:port][/path] (e.g. 127.0.0.1:5000/flowcore)");
        }
        String version = r.optionalString(root, "version", top);
        String source = r.optionalString(root, "source", top);
        List<Platform> platforms = r.platforms(root, top);

        JsonNode imagesNode = root.get("images");
        if (imagesNode == null || imagesNode.isNull()) {
            throw top.at("images").error("is required (a list of images)");
        }
        if (!imagesNode.isArray() || imagesNode.isEmpty()) {
            throw top.at("images").error("must be a non-empty list of images");
        }
        List<ImageSpec> images = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < imagesNode.size(); i++) {
            ImageSpec image = image(imagesNode.get(i), top.at("images").index(i), file);
            if (!names.add(image.name())) {
                throw top.inImage(image.name()).at("name").error("duplicate image name (each image of a spec needs its own name)");
            }
            images.add(image);
        }
        HierarchySpec spec = new HierarchySpec(file, registry, version, source, platforms, images);
        checkRelations(spec);
        return spec;
    }

    private void checkRelations(HierarchySpec spec) throws InputException {
        Map<String, ImageSpec> byName = spec.byName();
        for (ImageSpec image : spec.images()) {
            SpecProblem where = new SpecProblem(spec.file(), image.name(), null);
            if (image.parent() != null) {
                ImageSpec parent = byName.get(image.parent());
                if (parent == null) {
                    String hint = Suggestions.closest(image.parent(), byName.keySet()).map(s -> " (did you mean '" + s + "'?)").orElse("");
                    throw where.at("parent").error("'" + image.parent() + "' is not an image of this spec" + hint);
                }
                if (!image.platforms().isEmpty()) {
                    List<Platform> parentPlatforms = spec.declaredPlatforms(parent);
                    for (Platform p : image.platforms()) {
                        if (!parentPlatforms.isEmpty() && !parentPlatforms.contains(p)) {
                            throw where.at("platforms").error(p + " is not a platform of parent '" + parent.name() + "' (it has " + parentPlatforms + ")");
                        }
                    }
                }
            }
            if (image.python() != null && image.python().venv() == null && !image.python().packages().isEmpty()
                    && spec.effectiveVenv(image) == null) {
                throw where.at("python.venv").error("is required: packages go into a virtual environment and no parent declares one");
            }
            PythonSpec py = image.python();
            if (py != null && !py.packages().isEmpty() && py.noIndex() && py.findLinks().isEmpty()) {
                throw where.at("python.findLinks").error("is required when no indexUrl is given: pip needs somewhere to find the packages");
            }
            if (image.isScratch()) {
                List<Platform> platforms = spec.declaredPlatforms(image);
                for (Platform p : platforms) {
                    if (!image.rootfs().containsKey(p)) {
                        throw where.at("rootfs").error("has no root filesystem for " + p);
                    }
                }
            }
        }
    }

    private ImageSpec image(JsonNode node, SpecProblem at, Path file) throws InputException {
        if (node == null || !node.isObject()) {
            throw at.error("must be a mapping with at least 'name' and 'from' or 'parent'");
        }
        String name = r.requiredString(node, "name", at);
        if (!IMAGE_NAME.matcher(name).matches()) {
            throw at.at("name").error("'" + name + "' is not a valid repository name (lowercase letters, digits, . _ - separators)");
        }
        SpecProblem where = at.inImage(name);
        r.checkKeys(node, IMAGE_FIELDS, where);
        String from = r.optionalString(node, "from", where);
        String parent = r.optionalString(node, "parent", where);
        if (from == null && parent == null) {
            throw where.at("from").error("one of 'from' (an image reference) or 'parent' (an image of this spec) is required");
        }
        if (from != null && parent != null) {
            throw where.at("parent").error("give either 'from' or 'parent', not both");
        }
        if (from != null && !ImageSpec.SCRATCH.equals(from)) {
            try {
                ImageReference.parse(from);
            } catch (InputException e) {
                throw where.at("from").error(e.getMessage());
            }
        }
        Map<Platform, Path> rootfs = new LinkedHashMap<>();
        JsonNode rootfsNode = node.get("rootfs");
        if (rootfsNode != null && !rootfsNode.isNull()) {
            if (!ImageSpec.SCRATCH.equals(from)) {
                throw where.at("rootfs").error("is only allowed with 'from: scratch'");
            }
            for (Map.Entry<String, String> e : r.stringMap(node, "rootfs", where).entrySet()) {
                Platform p = r.platform(e.getKey(), where.at("rootfs"));
                rootfs.put(p, r.resolve(file, e.getValue()));
            }
        } else if (ImageSpec.SCRATCH.equals(from)) {
            throw where.at("rootfs").error("is required with 'from: scratch' (a tar of the root filesystem per platform)");
        }
        List<String> locales = r.stringList(node, "locales", where);
        for (int i = 0; i < locales.size(); i++) {
            String locale = locales.get(i);
            if (locale.isBlank()) {
                throw where.at("locales").index(i).error("is empty (expected a locale such as en_US.UTF-8)");
            }
            if (!LOCALE.matcher(locale).matches()) {
                throw where.at("locales").index(i).error("'" + locale + "' is not a locale name (e.g. en_US.UTF-8)");
            }
        }
        List<String> packages = r.stringList(node, "packages", where);
        for (int i = 0; i < packages.size(); i++) {
            try {
                AptPackages.check(packages.get(i));
            } catch (InputException e) {
                throw where.at("packages").index(i).error(e.getMessage());
            }
        }
        String workdir = r.optionalString(node, "workdir", where);
        r.absolute(workdir, where.at("workdir"));
        Map<String, String> envMap = r.env(node, where);
        List<String> dirs = r.stringList(node, "dirs", where);
        for (int i = 0; i < dirs.size(); i++) {
            r.absolute(dirs.get(i), where.at("dirs").index(i));
        }
        List<String> ports = r.ports(node, where);
        Map<String, String> labels = r.stringMap(node, "labels", where);
        List<String> tags = r.tags(node, where);
        List<String> cmd = node.has("cmd") ? r.stringList(node, "cmd", where) : null;
        return ImageSpec.builder()
                .name(name)
                .from(from)
                .parent(parent)
                .version(r.optionalString(node, "version", where))
                .python(python(node, where))
                .locales(locales)
                .packages(packages)
                .user(r.user(node, where))
                .workdir(workdir)
                .env(envMap)
                .dirs(dirs)
                .ports(ports)
                .healthcheck(r.healthcheck(node, where))
                .labels(labels)
                .tags(tags)
                .platforms(r.platforms(node, where))
                .files(r.files(node, where, file))
                .rootfs(rootfs)
                .cmd(cmd)
                .build();
    }

    private PythonSpec python(JsonNode image, SpecProblem where) throws InputException {
        JsonNode node = image.get("python");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = where.at("python");
        if (!node.isObject()) {
            throw at.error("must be a mapping (interpreter, version, venv, packages, ...)");
        }
        r.checkKeys(node, PYTHON_FIELDS, at);
        String interpreter = r.optionalString(node, "interpreter", at);
        if (interpreter != null && !interpreter.equals("apt") && !interpreter.equals("base")) {
            throw at.at("interpreter").error("'" + interpreter + "' is not one of: apt, base");
        }
        String version = r.optionalString(node, "version", at);
        if (version != null && !PYTHON_VERSION.matcher(version).matches()) {
            throw at.at("version").error("'" + version + "' is not major.minor (e.g. 3.11)");
        }
        String venv = r.optionalString(node, "venv", at);
        r.absolute(venv, at.at("venv"));
        Boolean site = r.optionalBoolean(node, "systemSitePackages", at);
        if (venv == null && (interpreter != null || site != null)) {
            throw at.at("venv").error("is required with 'interpreter' or 'systemSitePackages' (the path of the virtual environment)");
        }
        List<String> packages = r.stringList(node, "packages", at);
        for (int i = 0; i < packages.size(); i++) {
            String p = packages.get(i);
            if (p.isBlank() || p.startsWith("-")) {
                throw at.at("packages").index(i).error("'" + p + "' is not a requirement (options are not allowed here)");
            }
        }
        return PythonSpec.builder()
                .interpreter(interpreter)
                .version(version)
                .venv(venv)
                .systemSitePackages(site)
                .packages(packages)
                .findLinks(r.stringList(node, "findLinks", at))
                .indexUrl(r.optionalString(node, "indexUrl", at))
                .extraIndexUrls(r.stringList(node, "extraIndexUrls", at))
                .trustedHosts(r.stringList(node, "trustedHosts", at))
                .build();
    }

}
