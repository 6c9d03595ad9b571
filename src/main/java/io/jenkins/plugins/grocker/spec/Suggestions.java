package io.jenkins.plugins.grocker.spec;

import java.util.Collection;
import java.util.Optional;

/** Finds the closest valid name for a misspelt or shortened one (prefix, else edit distance). */
final class Suggestions {
    private Suggestions() {}

    static Optional<String> closest(String wrong, Collection<String> valid) {
        String lower = wrong.toLowerCase();
        if (lower.length() >= 3) {
            for (String candidate : valid) {
                if (candidate.toLowerCase().startsWith(lower)) {
                    return Optional.of(candidate);
                }
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : valid) {
            int d = distance(wrong.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(2, wrong.length() / 3);
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
