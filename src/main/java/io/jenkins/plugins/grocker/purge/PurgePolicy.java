package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.InputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What may go and what must stay. Only tags matching {@code candidates} (by default the content-addressed
 * {@code gk-<key>} tags) can ever be removed, and only when
 * <ul>
 *   <li>with {@code keepLast}: they are not among the {@code keepLast} newest candidates of their image and
 *       platform, and</li>
 *   <li>with {@code olderThan}: the image is older than that (an image of unknown age is never old enough).</li>
 * </ul>
 * Given both, a candidate goes only when both say so. Whatever the policy, a release tag (matching
 * {@code releaseTags}) is never removed, nor anything any kept tag reaches. Immutable.
 */
public record PurgePolicy(Pattern candidates, List<Pattern> releaseTags, Integer keepLast, Duration olderThan) {
    /** The tags the engine writes for its content-addressed cache. */
    public static final String DEFAULT_CANDIDATES = "gk-[0-9a-f]+";
    /** {@code v*} (a v then a digit) and semantic versions, as for promotion's guard. */
    public static final List<String> DEFAULT_RELEASE_TAGS = List.of("v[0-9].*", "[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?");

    public PurgePolicy {
        Objects.requireNonNull(candidates, "candidates");
        releaseTags = List.copyOf(releaseTags);
        if (keepLast == null && olderThan == null) {
            throw new IllegalArgumentException("a purge policy needs keepLast, olderThan or both");
        }
        if (keepLast != null && keepLast < 0) {
            throw new IllegalArgumentException("keepLast must not be negative: " + keepLast);
        }
        if (olderThan != null && olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative: " + olderThan);
        }
    }

    /**
     * A policy from command-line values.
     *
     * @param candidates regular expression a whole tag must match to be removable, or null for {@code gk-<hex>}
     * @param releaseTags regular expressions of release tags, or null/empty for {@link #DEFAULT_RELEASE_TAGS}
     * @throws InputException when neither {@code keepLast} nor {@code olderThan} is given, or a pattern is invalid
     */
    public static PurgePolicy of(String candidates, List<String> releaseTags, Integer keepLast, Duration olderThan)
            throws InputException {
        if (keepLast == null && olderThan == null) {
            throw new InputException("purge needs --keep-last N, --older-than AGE or both; without them it would remove every cache tag");
        }
        if (keepLast != null && keepLast < 0) {
            throw new InputException("--keep-last: must be 0 or more, not " + keepLast);
        }
        if (olderThan != null && olderThan.isNegative()) {
            throw new InputException("--older-than: must not be negative");
        }
        List<Pattern> release = new ArrayList<>();
        for (String p : releaseTags == null || releaseTags.isEmpty() ? DEFAULT_RELEASE_TAGS : releaseTags) {
            release.add(compile(p, "--protect"));
        }
        return new PurgePolicy(compile(candidates == null ? DEFAULT_CANDIDATES : candidates, "--candidates"), release,
                keepLast, olderThan);
    }

    private static Pattern compile(String regex, String option) throws InputException {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InputException(option + ": '" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    /**
     * An age such as {@code 30d}, {@code 2w}, {@code 12h} or {@code 90m}, or an ISO-8601 duration ({@code P30D}).
     *
     * @throws InputException naming {@code option} when the text is none of these
     */
    public static Duration parseAge(String text, String option) throws InputException {
        String t = text == null ? "" : text.trim();
        java.util.regex.Matcher m = Pattern.compile("([0-9]{1,6})([mhdw])").matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            Duration d = Duration.parse(t);
            if (!d.isNegative()) {
                return d;
            }
        } catch (java.time.format.DateTimeParseException e) {
            // reported below
        }
        throw new InputException(option + ": '" + text + "' is not an age (e.g. 30d, 2w, 12h, 90m)");
    }

    /** The release pattern a tag matches, or null. */
    String releasePattern(String tag) {
        return releaseTags.stream().filter(p -> p.matcher(tag).matches()).map(Pattern::pattern).findFirst().orElse(null);
    }

    boolean isCandidate(String tag) {
        return candidates.matcher(tag).matches();
    }
}
