package io.jenkins.plugins.grocker.image;

import io.jenkins.plugins.grocker.InputException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed image reference {@code [registry/]repository[:tag][@digest]}, following the rules of the
 * distribution reference grammar: the first path component names a registry when it contains a dot or a
 * colon or is {@code localhost}; otherwise the image is on Docker Hub ({@code docker.io}, with
 * {@code library/} for one-component names). Immutable.
 */
public final class ImageReference {
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?");

    private final String registry;
    private final String repository;
    private final String tag;
    private final Digest digest;

    private ImageReference(String registry, String repository, String tag, Digest digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }

    /** A reference to a repository in a registry, without tag or digest. */
    public static ImageReference of(String registry, String repository) throws InputException {
        return parse(registry + "/" + repository);
    }

    /**
     * Parses a reference.
     *
     * @throws InputException naming what is wrong, for the caller to prefix with the field
     */
    public static ImageReference parse(String text) throws InputException {
        if (text == null || text.isBlank()) {
            throw new InputException("an image reference is empty");
        }
        String rest = text.trim();
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String given = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!Digest.isValid(given)) {
                throw new InputException("'" + text + "' has an invalid digest '" + given + "' (expected sha256:<64 hex digits>)");
            }
            digest = Digest.of(given);
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InputException("'" + text + "' has an invalid tag '" + tag + "'");
            }
        }
        String registry = DOCKER_HUB;
        String path = rest;
        int first = rest.indexOf('/');
        if (first > 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost") || head.startsWith("[")) {
                if (!HOST.matcher(head).matches()) {
                    throw new InputException("'" + text + "' has an invalid registry host '" + head + "'");
                }
                registry = head;
                path = rest.substring(first + 1);
            }
        }
        if (path.isEmpty()) {
            throw new InputException("'" + text + "' names no repository");
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new InputException("'" + text + "' has an invalid repository name '" + path
                        + "' (lowercase letters, digits and . _ - separators)");
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (path.length() + registry.length() + 1 > 255) {
            throw new InputException("'" + text + "' is longer than 255 characters");
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** Registry host and optional port, e.g. {@code 127.0.0.1:5000} or {@code docker.io}. */
    public String registry() {
        return registry;
    }

    /** Repository path inside the registry, e.g. {@code flowcore/python-base}. */
    public String repository() {
        return repository;
    }

    /** The tag, or null. */
    public String tag() {
        return tag;
    }

    /** The digest, or null. */
    public Digest digest() {
        return digest;
    }

    /** What to ask the registry for: the digest if there is one, else the tag, else {@code latest}. */
    public String reference() {
        return digest != null ? digest.toString() : tag != null ? tag : "latest";
    }

    public ImageReference withTag(String newTag) throws InputException {
        if (!TAG.matcher(newTag).matches()) {
            throw new InputException("'" + newTag + "' is not a valid tag");
        }
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, java.util.Objects.requireNonNull(newDigest, "digest"));
    }

    /** The repository without tag or digest: {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference r && r.registry.equals(registry) && r.repository.equals(repository)
                && Objects.equals(r.tag, tag) && Objects.equals(r.digest, digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }
}
