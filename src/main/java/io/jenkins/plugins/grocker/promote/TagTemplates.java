package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.Git;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns tag templates into tags: {@code {version}}, {@code {major}}, {@code {minor}}, {@code {patch}} (the last
 * three need a semantic version {@code X.Y.Z}, optionally {@code v}-prefixed), {@code {git_sha}} (12 hex digits)
 * and {@code {git_sha_full}}, {@code {component}}; anything else is literal ({@code latest}, {@code production},
 * {@code {component}-{version}} gives {@code nessie-0.104.2}). Every result must be a valid tag. Immutable; the
 * git commit is looked up (once) only when a template needs it.
 */
public final class TagTemplates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final List<String> KNOWN = List.of("version", "major", "minor", "patch", "git_sha", "git_sha_full", "component");

    private final String version;
    private final String component;
    private final Supplier<String> gitSha;

    /**
     * @param version the version ({@code --version}), or null
     * @param component the component name ({@code --component}), or null
     * @param gitSha gives the commit, or null when there is none; called at most once
     */
    public TagTemplates(String version, String component, Supplier<String> gitSha) {
        this.version = blankToNull(version);
        this.component = blankToNull(component);
        this.gitSha = memoize(gitSha == null ? () -> null : gitSha);
    }

    /** Templates with the commit from {@code GIT_COMMIT}, else {@code git rev-parse HEAD} in {@code dir}. */
    public static TagTemplates fromEnvironment(String version, String component, Map<String, String> env, Path dir) {
        return new TagTemplates(version, component, () -> gitCommit(env, dir));
    }

    /** The tags of these templates, in order, without repeats. */
    public List<String> expandAll(List<String> templates) throws InputException {
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        for (String template : templates) {
            tags.add(expand(template));
        }
        return new ArrayList<>(tags);
    }

    /** One tag. */
    public String expand(String template) throws InputException {
        if (template == null || template.isBlank()) {
            throw new InputException("--tag: a tag template is empty");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(value(template, m.group(1).trim())));
        }
        m.appendTail(out);
        String tag = out.toString();
        if (tag.contains("{") || tag.contains("}")) {
            throw new InputException("--tag: tag template '" + template + "' has an unbalanced brace");
        }
        if (!ImageReference.isValidTag(tag)) {
            throw new InputException("--tag: tag template '" + template + "' gives '" + tag
                    + "', which is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)");
        }
        return tag;
    }

    private String value(String template, String name) throws InputException {
        switch (name) {
            case "version":
                return require(template, name, version, "a version (--version)");
            case "major":
            case "minor":
            case "patch": {
                String v = require(template, name, version, "a semantic version X.Y.Z (--version)");
                Matcher semver = SEMVER.matcher(v);
                if (!semver.matches()) {
                    throw new InputException("--tag: tag template '" + template + "' needs a semantic version X.Y.Z, but --version is '"
                            + v + "'");
                }
                return semver.group(name.equals("major") ? 1 : name.equals("minor") ? 2 : 3);
            }
            case "git_sha":
            case "git_sha_full": {
                String sha = gitSha.get();
                if (sha == null || !SHA.matcher(sha).matches()) {
                    throw new InputException("--tag: tag template '" + template + "' needs the git commit "
                            + "(GIT_COMMIT, or run inside a git checkout)");
                }
                return name.equals("git_sha") && sha.length() > 12 ? sha.substring(0, 12) : sha;
            }
            case "component":
                return require(template, name, component, "a component name (--component)");
            default:
                throw new InputException("--tag: tag template '" + template + "' has an unknown placeholder {" + name + "} (known: {"
                        + String.join("}, {", KNOWN) + "})");
        }
    }

    private static String require(String template, String name, String value, String what) throws InputException {
        if (value == null) {
            throw new InputException("--tag: tag template '" + template + "' uses {" + name + "}, which needs " + what);
        }
        return value;
    }

    /** {@code GIT_COMMIT}, else the HEAD commit of the checkout around {@code dir}, else null. */
    static String gitCommit(Map<String, String> env, Path dir) {
        String fromEnv = blankToNull(env.get("GIT_COMMIT"));
        if (fromEnv != null) {
            return fromEnv.trim().toLowerCase(java.util.Locale.ROOT);
        }
        return Git.head(dir);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Supplier<String> memoize(Supplier<String> supplier) {
        return new Supplier<>() {
            private boolean done;
            private String value;

            @Override
            public synchronized String get() {
                if (!done) {
                    value = supplier.get();
                    done = true;
                }
                return value;
            }
        };
    }
}
