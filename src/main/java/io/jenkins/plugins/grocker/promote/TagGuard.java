package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.InputException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides whether a tag may move. Release tags (matching one of the protected patterns, by default
 * {@code v<digit>…} and semantic versions {@code X.Y.Z[-pre]}) never move to another digest without
 * {@code --force}; with {@code movedNeedsForce} (promotion) no existing tag does. A tag that does not exist yet,
 * or already points at the digest, is always fine. Immutable.
 */
public final class TagGuard {
    /** {@code v*} (a v then a digit) and semantic versions. */
    public static final List<String> DEFAULT_PROTECTED = List.of("v[0-9].*", "[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?");

    private final List<Pattern> protectedTags;
    private final boolean force;
    private final boolean movedNeedsForce;

    private TagGuard(List<Pattern> protectedTags, boolean force, boolean movedNeedsForce) {
        this.protectedTags = List.copyOf(protectedTags);
        this.force = force;
        this.movedNeedsForce = movedNeedsForce;
    }

    /**
     * @param patterns regular expressions a whole tag must match to be protected; null or empty for the defaults
     */
    public static TagGuard of(List<String> patterns, boolean force, boolean movedNeedsForce) throws InputException {
        List<String> sources = patterns == null || patterns.isEmpty() ? DEFAULT_PROTECTED : patterns;
        List<Pattern> compiled = new java.util.ArrayList<>();
        for (String p : sources) {
            try {
                compiled.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new InputException("--protect: '" + p + "' is not a regular expression: " + e.getDescription());
            }
        }
        return new TagGuard(compiled, force, movedNeedsForce);
    }

    /** The pattern that protects this tag, if any. */
    public Optional<String> protectedBy(String tag) {
        return protectedTags.stream().filter(p -> p.matcher(tag).matches()).map(Pattern::pattern).findFirst();
    }

    /**
     * Why {@code target} may not move from {@code previous} to {@code digest}, or empty when it may.
     *
     * @param previous the digest the tag points at now, or null
     */
    public Optional<String> refusal(String target, String tag, Digest previous, Digest digest) {
        if (previous == null || previous.equals(digest) || force) {
            return Optional.empty();
        }
        Optional<String> pattern = protectedBy(tag);
        if (pattern.isPresent()) {
            return Optional.of(target + " is a release tag (matches '" + pattern.get() + "') on " + short12(previous)
                    + "; it does not move to " + short12(digest) + " without --force");
        }
        if (movedNeedsForce) {
            return Optional.of(target + " already points to " + short12(previous) + ", not " + short12(digest)
                    + "; use --force to move it");
        }
        return Optional.empty();
    }

    /** The guards in words, for the report: what moves only with {@code --force}, or that {@code --force} was given. */
    public List<String> describe() {
        if (force) {
            return List.of("--force: every guard was lifted (release tags and tags on another digest could move)");
        }
        List<String> words = new java.util.ArrayList<>();
        words.add("release tags (" + String.join(", ", protectedTags.stream().map(Pattern::pattern).toList())
                + ") move to another digest only with --force");
        if (movedNeedsForce) {
            words.add("a tag that already points to another digest moves only with --force");
        }
        return words;
    }

    static String short12(Digest digest) {
        return digest == null ? "none" : "sha256:" + digest.shortForm();
    }
}
