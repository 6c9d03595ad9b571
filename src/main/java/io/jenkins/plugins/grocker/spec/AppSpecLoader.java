package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.image.ImageReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.InputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an application spec (YAML or JSON) into an {@link AppSpec}. Errors are one line naming the file
 * and the field, as for hierarchy specs. Thread-safe.
 */
public final class AppSpecLoader {
    static final List<String> FIELDS = List.of("app", "extras", "base", "image", "platforms", "dependencies", "index",
            "constraints", "entrypoint", "venv", "user", "workdir", "env", "ports", "volumes", "healthcheck", "labels",
            "tags");
    static final List<String> DEPENDENCY_FIELDS = List.of("build", "run");
    static final List<String> INDEX_FIELDS = List.of("url", "extraUrls", "findLinks", "trustedHosts", "credentials");
    static final List<String> CREDENTIAL_FIELDS = List.of("usernameEnv", "passwordEnv", "file");
    static final List<String> ENTRYPOINT_FIELDS = List.of("default", "services", "requiredEnv", "serviceEnv", "templates");

    private final SpecReader r;

    public AppSpecLoader(Map<String, String> env) {
        this.r = new SpecReader(env);
    }

    public AppSpec load(Path file) throws InputException {
        JsonNode root = SpecReader.read(file);
        SpecProblem top = new SpecProblem(file, null, "");
        SpecReader.checkKeys(root, FIELDS, top);

        String appText = r.requiredString(root, "app", top);
        AppRequirement requirement = null;
        Path source = null;
        List<String> extras = r.stringList(root, "extras", top);
        if (looksLikePath(appText)) {
            if (!Files.exists(SpecReader.resolve(file, appText))) {
                throw top.at("app").error(SpecReader.resolve(file, appText) + " does not exist (a wheel, an sdist or a source directory)");
            }
            source = r.source(file, appText, top.at("app"));
        } else {
            try {
                requirement = AppRequirement.parse(appText);
            } catch (InputException e) {
                throw top.at("app").error(e.getMessage());
            }
            if (!extras.isEmpty()) {
                throw top.at("extras").error("give extras in 'app' (name[extra]==version) when the app comes from an index");
            }
            extras = requirement.extras();
        }

        ImageReference base = reference(root, "base", top);
        ImageReference image = reference(root, "image", top);
        if (image.tag() != null || image.digest() != null) {
            throw top.at("image").error("'" + image + "' must be a repository without tag or digest (tags go in 'tags')");
        }
        List<Platform> platforms = r.platforms(root, top);

        List<String> build = List.of();
        List<String> run = List.of();
        JsonNode deps = root.get("dependencies");
        if (deps != null && !deps.isNull()) {
            SpecProblem at = top.at("dependencies");
            if (!deps.isObject()) {
                throw at.error("must be a mapping with 'build' and/or 'run' (lists of Debian packages)");
            }
            SpecReader.checkKeys(deps, DEPENDENCY_FIELDS, at);
            build = aptPackages(deps, "build", at);
            run = aptPackages(deps, "run", at);
        }

        Path constraints = null;
        String constraintsText = r.optionalString(root, "constraints", top);
        if (constraintsText != null) {
            constraints = r.source(file, constraintsText, top.at("constraints"));
            if (!Files.isRegularFile(constraints)) {
                throw top.at("constraints").error(constraints + " does not exist");
            }
        }

        String venv = r.optionalString(root, "venv", top);
        SpecReader.absolute(venv, top.at("venv"));
        String workdir = r.optionalString(root, "workdir", top);
        SpecReader.absolute(workdir, top.at("workdir"));
        List<String> volumes = r.stringList(root, "volumes", top);
        for (int i = 0; i < volumes.size(); i++) {
            SpecReader.absolute(volumes.get(i), top.at("volumes").index(i));
        }
        List<String> tags = r.stringList(root, "tags", top);
        for (int i = 0; i < tags.size(); i++) {
            if (!ImageReference.isValidTag(tags.get(i).replace("{version}", "1.0.0"))) {
                throw top.at("tags").index(i).error("'" + tags.get(i) + "' is not a valid tag (placeholders: {version})");
            }
        }
        return AppSpec.builder()
                .file(file)
                .requirement(requirement)
                .source(source)
                .extras(extras)
                .base(base)
                .image(image)
                .platforms(platforms)
                .buildDependencies(build)
                .runDependencies(run)
                .index(index(root, top, file))
                .constraints(constraints)
                .entrypoint(entrypoint(root, top, file))
                .venv(venv == null ? AppSpec.DEFAULT_VENV : venv)
                .user(r.user(root, top))
                .workdir(workdir)
                .env(r.env(root, top))
                .ports(r.ports(root, top))
                .volumes(volumes)
                .healthcheck(r.healthcheck(root, top))
                .labels(r.stringMap(root, "labels", top))
                .tags(tags)
                .build();
    }

    private static boolean looksLikePath(String text) {
        return text.startsWith("./") || text.startsWith("../") || text.startsWith("/") || text.endsWith(".whl")
                || text.endsWith(".tar.gz") || text.endsWith(".zip");
    }

    private ImageReference reference(JsonNode root, String field, SpecProblem top) throws InputException {
        String text = r.requiredString(root, field, top);
        try {
            return ImageReference.parse(text);
        } catch (InputException e) {
            throw top.at(field).error(e.getMessage());
        }
    }

    private List<String> aptPackages(JsonNode node, String field, SpecProblem at) throws InputException {
        List<String> packages = r.stringList(node, field, at);
        for (int i = 0; i < packages.size(); i++) {
            try {
                AptPackages.check(packages.get(i));
            } catch (InputException e) {
                throw at.at(field).index(i).error(e.getMessage());
            }
        }
        return packages;
    }

    private IndexSpec index(JsonNode root, SpecProblem top, Path file) throws InputException {
        JsonNode node = root.get("index");
        if (node == null || node.isNull()) {
            return IndexSpec.none();
        }
        SpecProblem at = top.at("index");
        if (!node.isObject()) {
            throw at.error("must be a mapping (url, extraUrls, findLinks, trustedHosts, credentials)");
        }
        SpecReader.checkKeys(node, INDEX_FIELDS, at);
        String url = r.optionalString(node, "url", at);
        checkUrl(url, at.at("url"));
        List<String> extra = r.stringList(node, "extraUrls", at);
        for (int i = 0; i < extra.size(); i++) {
            checkUrl(extra.get(i), at.at("extraUrls").index(i));
        }
        String usernameEnv = IndexSpec.DEFAULT_USERNAME_ENV;
        String passwordEnv = IndexSpec.DEFAULT_PASSWORD_ENV;
        Path credentialsFile = null;
        JsonNode creds = node.get("credentials");
        if (creds != null && !creds.isNull()) {
            SpecProblem c = at.at("credentials");
            if (!creds.isObject()) {
                throw c.error("must name where credentials are: {usernameEnv, passwordEnv} or {file}; never the secret itself");
            }
            SpecReader.checkKeys(creds, CREDENTIAL_FIELDS, c);
            List<String> names = new ArrayList<>();
            for (String f : List.of("usernameEnv", "passwordEnv")) {
                String v = r.optionalString(creds, f, c);
                if (v != null && !v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw c.at(f).error("'" + v + "' is not an environment variable name");
                }
                names.add(v);
            }
            usernameEnv = names.get(0) != null ? names.get(0) : usernameEnv;
            passwordEnv = names.get(1) != null ? names.get(1) : passwordEnv;
            String fileText = r.optionalString(creds, "file", c);
            if (fileText != null) {
                credentialsFile = SpecReader.resolve(file, fileText);
            }
        }
        return new IndexSpec(url, extra, r.stringList(node, "findLinks", at), r.stringList(node, "trustedHosts", at),
                usernameEnv, passwordEnv, credentialsFile);
    }

    private static void checkUrl(String url, SpecProblem at) throws InputException {
        if (url == null) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw at.error("'" + url + "' is not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw at.error("'" + url + "' is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw at.error("credentials do not belong in the spec; name them in index.credentials (environment variables or a file)");
        }
    }

    private EntrypointSpec entrypoint(JsonNode root, SpecProblem top, Path file) throws InputException {
        JsonNode node = root.get("entrypoint");
        if (node == null || node.isNull()) {
            return new EntrypointSpec(null, Map.of(), List.of(), Map.of(), List.of());
        }
        SpecProblem at = top.at("entrypoint");
        if (!node.isObject()) {
            throw at.error("must be a mapping (default, services, requiredEnv, serviceEnv, templates)");
        }
        SpecReader.checkKeys(node, ENTRYPOINT_FIELDS, at);
        Map<String, Object> services = new LinkedHashMap<>();
        JsonNode servicesNode = node.get("services");
        if (servicesNode != null && !servicesNode.isNull()) {
            if (!servicesNode.isObject()) {
                throw at.at("services").error("must map service names to commands");
            }
            var it = servicesNode.fields();
            while (it.hasNext()) {
                var e = it.next();
                SpecProblem s = at.at("services").at(e.getKey());
                if (!e.getKey().matches("[a-z][a-z0-9_-]*")) {
                    throw s.error("'" + e.getKey() + "' is not a service name (lowercase letters, digits, - and _)");
                }
                if (e.getValue().isTextual()) {
                    services.put(e.getKey(), r.requiredString(servicesNode, e.getKey(), at.at("services")));
                } else if (e.getValue().isArray() && !e.getValue().isEmpty()) {
                    services.put(e.getKey(), r.stringList(servicesNode, e.getKey(), at.at("services")));
                } else {
                    throw s.error("must be a command: a string or a non-empty list of words");
                }
            }
        }
        String defaultService = r.optionalString(node, "default", at);
        if (defaultService != null && !services.containsKey(defaultService)) {
            throw at.at("default").error("'" + defaultService + "' is not one of the services " + services.keySet());
        }
        if (defaultService == null && !services.isEmpty()) {
            defaultService = services.keySet().iterator().next();
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
                if (!services.containsKey(name)) {
                    throw at.at("serviceEnv").at(name).error("'" + name + "' is not one of the services " + services.keySet());
                }
                serviceEnv.put(name, r.envNames(serviceEnvNode, name, at.at("serviceEnv")));
            }
        }
        JsonNode templates = node.get("templates");
        List<FileSpec> templateFiles = templates == null ? List.of() : r.files(node, at, file, "templates");
        return new EntrypointSpec(defaultService, services, r.envNames(node, "requiredEnv", at), serviceEnv, templateFiles);
    }
}
