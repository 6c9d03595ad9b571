package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.InputException;
import java.nio.file.Files;
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
            "files", "rootfs", "cmd", "volumes", "entrypoint", "variants");
    /** What a variant may set: everything an image may, but not what makes it another image. */
    static final List<String> VARIANT_FIELDS = List.of("python", "locales", "packages", "user", "workdir", "env", "dirs",
            "ports", "healthcheck", "labels", "tags", "files", "cmd", "volumes", "entrypoint");
    static final List<String> PYTHON_FIELDS = List.of("interpreter", "version", "venv", "systemSitePackages",
            "packages", "requirements", "findLinks", "indexUrl", "extraIndexUrls", "trustedHosts");
    static final List<String> ENTRYPOINT_FIELDS = List.of("requiredEnv", "templates", "prestart", "services", "default",
            "serviceEnv", "clear");
    static final List<String> CLEARABLE = List.of("require", "templates", "prestart", "services");

    private static final Pattern VARIANT_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

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
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < imagesNode.size(); i++) {
            JsonNode node = imagesNode.get(i);
            ImageSpec image = image(node, top.at("images").index(i), file, notes);
            if (!names.add(image.name())) {
                throw top.inImage(image.name()).at("name").error("duplicate image name (each image of a spec needs its own name)");
            }
            List<ImageSpec> variants = variants(node, image, top.inImage(image.name()), file, notes);
            images.add(variants.isEmpty() ? image : image.toBuilder().tags(List.of()).build());
            images.addAll(variants);
        }
        HierarchySpec spec = new HierarchySpec(file, registry, version, source, platforms, images, notes);
        return checkRelations(spec);
    }

    /**
     * The variants of an image ({@code variants: {dev: {...}, prod: {...}}}): each a child of the image named
     * {@code image:variant}, pushed to the image's repository and tagged with each of the image's tags suffixed with
     * {@code -variant}, plus the variant's own tags. The image itself then gets no tag of its own.
     */
    private List<ImageSpec> variants(JsonNode node, ImageSpec image, SpecProblem where, Path file, List<String> notes)
            throws InputException {
        JsonNode variantsNode = node.get("variants");
        List<ImageSpec> variants = new ArrayList<>();
        if (variantsNode == null || variantsNode.isNull()) {
            return variants;
        }
        if (!variantsNode.isObject() || variantsNode.isEmpty()) {
            throw where.at("variants").error("must map variant names to what each adds (e.g. {dev: {...}, prod: {...}})");
        }
        var it = variantsNode.fields();
        while (it.hasNext()) {
            var e = it.next();
            SpecProblem at = where.at("variants").at(e.getKey());
            if (!VARIANT_NAME.matcher(e.getKey()).matches()) {
                throw at.error("'" + e.getKey() + "' is not a variant name (lowercase letters, digits, . _ -)");
            }
            JsonNode v = e.getValue() == null || e.getValue().isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    : e.getValue();
            if (!v.isObject()) {
                throw at.error("must be a mapping of image fields (packages, env, cmd, ...)");
            }
            r.checkKeys(v, VARIANT_FIELDS, at);
            ImageSpec fields = imageFields(v, at, file, notes).name(image.name() + ":" + e.getKey())
                    .parent(image.name()).variantOf(image.name()).build();
            List<String> tags = new ArrayList<>();
            for (String tag : image.tags()) {
                String suffixed = tag + "-" + e.getKey();
                if (!io.jenkins.plugins.grocker.image.ImageReference.isValidTag(suffixed)) {
                    throw at.error("tag '" + suffixed + "' (the image's tag '" + tag + "' with -" + e.getKey() + ") is not a valid tag");
                }
                tags.add(suffixed);
            }
            for (String tag : fields.tags()) {
                if (!tags.contains(tag)) {
                    tags.add(tag);
                }
            }
            variants.add(fields.toBuilder().tags(tags).build());
        }
        return variants;
    }

    private HierarchySpec checkRelations(HierarchySpec spec) throws InputException {
        Map<String, ImageSpec> byName = spec.byName();
        List<ImageSpec> resolved = new ArrayList<>();
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
            if (image.python() != null && image.python().venv() == null && image.python().installs()
                    && spec.effectiveVenv(image) == null) {
                throw where.at("python.venv").error("is required: packages go into a virtual environment and no parent declares one");
            }
            PythonSpec py = spec.effectivePython(image);
            if (py != null && py.installs() && py.noIndex() && py.findLinks().isEmpty()) {
                throw where.at("python.findLinks").error("is required when no indexUrl is given (here or in a parent): pip needs "
                        + "somewhere to find the packages");
            }
            checkEntrypoint(spec, image, where);
            resolved.add(resolveOwners(spec, image, where));
            if (image.isScratch()) {
                List<Platform> platforms = spec.declaredPlatforms(image);
                for (Platform p : platforms) {
                    if (!image.rootfs().containsKey(p)) {
                        throw where.at("rootfs").error("has no root filesystem for " + p);
                    }
                }
            }
        }
        return new HierarchySpec(spec.file(), spec.registry(), spec.version(), spec.source(), spec.platforms(), resolved,
                spec.notes());
    }

    /** Owners given as the image's user name become {@code uid:gid}; another name is an error. */
    private static ImageSpec resolveOwners(HierarchySpec spec, ImageSpec image, SpecProblem where) throws InputException {
        UserSpec user = spec.effectiveUser(image);
        List<FileSpec> files = new ArrayList<>();
        for (int i = 0; i < image.files().size(); i++) {
            FileSpec f = image.files().get(i);
            files.add(f.owner() == null ? f : f.withOwner(numericOwner(f.owner(), user, where.at("files").index(i).at("owner"))));
        }
        List<DirSpec> dirs = new ArrayList<>();
        for (int i = 0; i < image.dirs().size(); i++) {
            DirSpec d = image.dirs().get(i);
            dirs.add(d.owner() == null ? d : d.withOwner(numericOwner(d.owner(), user, where.at("dirs").index(i).at("owner"))));
        }
        return image.toBuilder().files(files).dirs(dirs).build();
    }

    private static String numericOwner(String owner, UserSpec user, SpecProblem at) throws InputException {
        if (!owner.startsWith("@")) {
            return owner;
        }
        String name = owner.substring(1);
        if (user == null || !user.name().equals(name)) {
            throw at.error("'" + name + "' is not the image's user" + (user == null ? " (it has none)" : " (" + user.name() + ")")
                    + "; give root, uid or uid:gid");
        }
        return user.numeric();
    }

    /** A default service and service variables must name a service of the image or of an ancestor. */
    private static void checkEntrypoint(HierarchySpec spec, ImageSpec image, SpecProblem where) throws InputException {
        EntrypointSpec ep = image.entrypoint();
        if (ep == null) {
            return;
        }
        Set<String> services = new java.util.LinkedHashSet<>(ep.services().keySet());
        if (!ep.clear().contains("services")) {
            for (ImageSpec ancestor : spec.lineage(image).subList(1, spec.lineage(image).size())) {
                if (ancestor.entrypoint() != null) {
                    services.addAll(ancestor.entrypoint().services().keySet());
                    if (ancestor.entrypoint().clear().contains("services")) {
                        break;
                    }
                }
            }
        }
        if (ep.defaultService() != null && !services.contains(ep.defaultService())) {
            throw where.at("entrypoint.default").error("'" + ep.defaultService() + "' is not a service of this image or its parents "
                    + services);
        }
        for (String name : ep.serviceEnv().keySet()) {
            if (!services.contains(name)) {
                throw where.at("entrypoint.serviceEnv").at(name).error("'" + name + "' is not a service of this image or its parents "
                        + services);
            }
        }
    }

    private ImageSpec image(JsonNode node, SpecProblem at, Path file, List<String> notes) throws InputException {
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
                Path tar = r.source(file, e.getValue(), where.at("rootfs").at(e.getKey()));
                if (!Files.isRegularFile(tar)) {
                    throw where.at("rootfs").at(e.getKey()).error(tar + " is not a file (a tar of the root filesystem)");
                }
                rootfs.put(p, tar);
            }
        } else if (ImageSpec.SCRATCH.equals(from)) {
            throw where.at("rootfs").error("is required with 'from: scratch' (a tar of the root filesystem per platform)");
        }
        return imageFields(node, where, file, notes)
                .name(name)
                .from(from)
                .parent(parent)
                .version(r.optionalString(node, "version", where))
                .platforms(r.platforms(node, where))
                .rootfs(rootfs)
                .build();
    }

    /** The fields an image and a variant share. */
    private ImageSpec.Builder imageFields(JsonNode node, SpecProblem where, Path file, List<String> notes) throws InputException {
        List<String> written = r.stringList(node, "locales", where);
        List<String> locales = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            String locale = written.get(i);
            SpecProblem at = where.at("locales").index(i);
            if (locale.isBlank()) {
                throw at.error("is empty (expected a locale such as en_US.UTF-8)");
            }
            if (!LOCALE.matcher(locale).matches() && !locale.matches("[a-z]{2,3}\\.[A-Za-z0-9-]+")) {
                throw at.error("'" + locale + "' is not a locale name (e.g. en_US.UTF-8)");
            }
            Locales.Resolved resolved = Locales.resolve(locale).orElseThrow(() -> {
                List<String> close = Locales.sameLanguage(locale);
                return at.error("'" + locale + "' is not a locale glibc supports"
                        + (close.isEmpty() ? "" : " (supported: " + String.join(", ", close) + (close.size() == 6 ? ", ..." : "") + ")"));
            });
            if (resolved.note() != null) {
                notes.add(at.error(resolved.note()).getMessage());
            }
            if (locales.contains(resolved.locale())) {
                throw at.error("'" + locale + "' is " + resolved.locale() + ", listed already");
            }
            locales.add(resolved.locale());
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
        List<String> ports = r.ports(node, where);
        Map<String, String> labels = r.stringMap(node, "labels", where);
        List<String> tags = r.tags(node, where);
        List<String> cmd = node.has("cmd") ? r.stringList(node, "cmd", where) : null;
        return ImageSpec.builder()
                .python(python(node, where, file))
                .locales(locales)
                .packages(packages)
                .user(r.user(node, where))
                .workdir(workdir)
                .env(envMap)
                .dirs(r.dirs(node, where))
                .ports(ports)
                .healthcheck(r.healthcheck(node, where))
                .labels(labels)
                .tags(tags)
                .files(r.files(node, where, file))
                .cmd(cmd)
                .volumes(r.volumes(node, where))
                .entrypoint(entrypoint(node, where, file));
    }

    /** A hierarchy image's part of the entrypoint (docs/entrypoint.md). */
    private EntrypointSpec entrypoint(JsonNode image, SpecProblem where, Path file) throws InputException {
        JsonNode node = image.get("entrypoint");
        if (node == null || node.isNull()) {
            return null;
        }
        SpecProblem at = where.at("entrypoint");
        if (!node.isObject()) {
            throw at.error("must be a mapping (" + String.join(", ", ENTRYPOINT_FIELDS) + ")");
        }
        r.checkKeys(node, ENTRYPOINT_FIELDS, at);
        Map<String, Object> services = new LinkedHashMap<>();
        JsonNode servicesNode = node.get("services");
        if (servicesNode != null && !servicesNode.isNull()) {
            if (!servicesNode.isObject()) {
                throw at.at("services").error("must map service names to commands");
            }
            var it = servicesNode.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!SERVICE_NAME.matcher(e.getKey()).matches()) {
                    throw at.at("services").at(e.getKey()).error("'" + e.getKey() + "' is not a service name (letters, digits, . _ -)");
                }
                services.put(e.getKey(), command(servicesNode, e.getKey(), at.at("services")));
            }
        }
        List<Object> prestart = new ArrayList<>();
        JsonNode prestartNode = node.get("prestart");
        if (prestartNode != null && !prestartNode.isNull()) {
            if (!prestartNode.isArray()) {
                throw at.at("prestart").error("must be a list of commands (each a string or a list of words)");
            }
            for (int i = 0; i < prestartNode.size(); i++) {
                JsonNode c = prestartNode.get(i);
                SpecProblem p = at.at("prestart").index(i);
                if (c.isArray()) {
                    List<String> words = new ArrayList<>();
                    for (int j = 0; j < c.size(); j++) {
                        if (!c.get(j).isValueNode() || c.get(j).isNull()) {
                            throw p.index(j).error("must be a single value");
                        }
                        words.add(r.expand(c.get(j).asText(), p.index(j)));
                    }
                    if (words.isEmpty()) {
                        throw p.error("is empty");
                    }
                    prestart.add(words);
                } else if (c.isValueNode() && !c.isNull()) {
                    String text = r.expand(c.asText(), p);
                    if (text.isBlank()) {
                        throw p.error("is empty");
                    }
                    prestart.add(text);
                } else {
                    throw p.error("must be a command: a string or a list of words");
                }
            }
        }
        Map<String, List<String>> serviceEnv = new LinkedHashMap<>();
        JsonNode serviceEnvNode = node.get("serviceEnv");
        if (serviceEnvNode != null && !serviceEnvNode.isNull()) {
            if (!serviceEnvNode.isObject()) {
                throw at.at("serviceEnv").error("must map service names to lists of variable names");
            }
            var it = serviceEnvNode.fieldNames();
            while (it.hasNext()) {
                String name = it.next();
                serviceEnv.put(name, r.envNames(serviceEnvNode, name, at.at("serviceEnv")));
            }
        }
        List<String> clear = r.stringList(node, "clear", at);
        for (int i = 0; i < clear.size(); i++) {
            if (!CLEARABLE.contains(clear.get(i))) {
                throw at.at("clear").index(i).error("'" + clear.get(i) + "' is not one of " + CLEARABLE);
            }
        }
        List<FileSpec> templates = r.files(node, at, file, "templates");
        for (int i = 0; i < templates.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (templates.get(j).destination().equals(templates.get(i).destination())) {
                    throw at.at("templates").index(i).at("dest").error("'" + templates.get(i).destination() + "' is the dest of templates["
                            + j + "] too");
                }
            }
        }
        return new EntrypointSpec(r.optionalString(node, "default", at), services, r.envNames(node, "requiredEnv", at),
                serviceEnv, templates, prestart, clear);
    }

    /** A command: a string (split at start like a shell would, without one) or a non-empty list of words. */
    private Object command(JsonNode parent, String field, SpecProblem at) throws InputException {
        JsonNode value = parent.get(field);
        if (value.isArray() && !value.isEmpty()) {
            return r.stringList(parent, field, at);
        }
        if (value.isValueNode() && !value.isNull()) {
            return r.requiredString(parent, field, at);
        }
        throw at.at(field).error("must be a command: a string or a non-empty list of words");
    }

    private PythonSpec python(JsonNode image, SpecProblem where, Path file) throws InputException {
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
        String requirementsText = r.optionalString(node, "requirements", at);
        Path requirements = null;
        if (requirementsText != null) {
            requirements = r.source(file, requirementsText, at.at("requirements"));
            checkRequirements(requirements, at.at("requirements"));
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
                .requirements(requirements)
                .build();
    }

    /** The largest requirements file read, in bytes. */
    static final long MAX_REQUIREMENTS_BYTES = 1 << 20;

    /**
     * A requirements file is copied into the image alone: a line that includes another file ({@code -r},
     * {@code -c}, {@code -e} of a path) could not be followed there, so it is refused.
     */
    private static void checkRequirements(Path requirements, SpecProblem at) throws InputException {
        if (!Files.isRegularFile(requirements)) {
            throw at.error(requirements + " is not a file");
        }
        List<String> lines;
        try {
            if (Files.size(requirements) > MAX_REQUIREMENTS_BYTES) {
                throw at.error(requirements + " is larger than " + MAX_REQUIREMENTS_BYTES + " bytes");
            }
            lines = Files.readAllLines(requirements);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw at.error("cannot read " + requirements + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.matches("(-r|-c|-e|--requirement|--constraint|--editable)([ =].*|)|(-r|-c|-e)\\S.*")) {
                throw at.error(requirements.getFileName() + " line " + (i + 1) + ": '" + line.split("\\s")[0]
                        + "' includes another file, which is not copied into the image (list the requirements in this file)");
            }
        }
    }

}
