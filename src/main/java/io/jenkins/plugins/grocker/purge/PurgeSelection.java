package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.image.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a purge removes from one repository: a pure function of the repository's tags and manifests, the
 * policy and the current time.
 *
 * <ol>
 *   <li>Tags are sorted into release tags and other non-candidate tags (kept), candidate tags ({@code gk-<key>})
 *       and attachment tags ({@code sha256-<hex>} referrers tags and cosign's {@code .sig}/{@code .att}/{@code .sbom},
 *       which belong to the manifest they name).</li>
 *   <li>Candidates are ranked per platform, newest first; the policy keeps the newest N and/or the young ones.</li>
 *   <li>Everything a kept tag reaches is kept: index children, and the attachments of anything kept, and what
 *       those reach, to a fixed point.</li>
 *   <li>A candidate tag's manifest that nothing kept reaches is deleted, after its attachments.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class PurgeSelection {
    private static final Pattern ATTACHMENT = Pattern.compile("sha256-([a-f0-9]{64})(\\.sig|\\.att|\\.sbom)?");

    private PurgeSelection() {}

    /** The plan for {@code state} under {@code policy} at {@code now}. */
    public static PurgePlan select(RepositoryState state, PurgePolicy policy, Instant now) {
        Map<Digest, List<String>> tagsByDigest = new HashMap<>();
        state.tags().forEach((tag, digest) -> tagsByDigest.computeIfAbsent(digest, d -> new ArrayList<>()).add(tag));
        Map<String, Digest> attachmentSubject = new TreeMap<>(); // attachment tag -> subject digest
        Map<String, String> keptReasons = new LinkedHashMap<>(); // tag -> reason
        Map<String, Digest> rootTags = new LinkedHashMap<>(); // tag -> digest, kept tags that protect what they reach
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, Digest> e : state.tags().entrySet()) {
            String tag = e.getKey();
            Matcher attachment = ATTACHMENT.matcher(tag);
            String release = policy.releasePattern(tag);
            if (release != null) {
                keptReasons.put(tag, "release tag (matches '" + release + "')");
                rootTags.put(tag, e.getValue());
            } else if (attachment.matches()) {
                attachmentSubject.put(tag, Digest.ofSha256Hex(attachment.group(1)));
            } else if (!policy.isCandidate(tag)) {
                keptReasons.put(tag, "not a cache tag");
                rootTags.put(tag, e.getValue());
            } else {
                candidates.add(tag);
            }
        }

        Map<String, String> condemned = new LinkedHashMap<>(); // candidate tag -> why the policy lets it go
        rankCandidates(state, policy, now, candidates, keptReasons, rootTags, condemned);

        // everything kept tags reach, attachments of kept manifests included
        Map<Digest, String> reachedFrom = reach(state, rootTags, attachmentSubject);

        List<PurgePlan.Deletion> deletions = new ArrayList<>();
        Set<Digest> deleted = new LinkedHashSet<>();
        List<Digest> doomed = new ArrayList<>();
        for (Map.Entry<String, String> e : condemned.entrySet()) {
            String tag = e.getKey();
            Digest digest = state.tags().get(tag);
            String root = reachedFrom.get(digest);
            if (root != null) {
                keptReasons.put(tag, "reached from kept tag " + root);
            } else if (!doomed.contains(digest)) {
                doomed.add(digest);
            }
        }
        doomed.sort(Comparator.comparing((Digest d) -> state.node(d).created(), Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Comparator.naturalOrder()));
        for (Digest digest : doomed) {
            deleteAttachments(state, digest, attachmentSubject, tagsByDigest, reachedFrom, deleted, deletions);
            List<String> tags = sorted(tagsByDigest.get(digest));
            String why = tags.stream().map(condemned::get).filter(java.util.Objects::nonNull).findFirst().orElse("superseded");
            deletions.add(new PurgePlan.Deletion(digest, tags, why, null));
            deleted.add(digest);
        }

        for (Map.Entry<String, Digest> e : attachmentSubject.entrySet()) {
            String tag = e.getKey();
            Digest digest = state.tags().get(tag);
            if (deleted.contains(digest)) {
                continue;
            }
            Digest subject = e.getValue();
            keptReasons.put(tag, reachedFrom.containsKey(subject) ? "attached to " + short12(subject) + ", which is kept"
                    : deleted.contains(subject) ? "also reached from kept tag " + reachedFrom.get(digest)
                    : "attached to " + short12(subject) + ", which no tag of this repository names (left alone)");
        }
        List<PurgePlan.Kept> kept = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(keptReasons).entrySet()) {
            kept.add(new PurgePlan.Kept(e.getKey(), state.tags().get(e.getKey()), e.getValue()));
        }
        return new PurgePlan(state.repository(), deletions, kept);
    }

    /** Applies the policy to the candidate tags, per platform: kept ones become roots, the others are condemned. */
    private static void rankCandidates(RepositoryState state, PurgePolicy policy, Instant now, List<String> candidates,
            Map<String, String> keptReasons, Map<String, Digest> rootTags, Map<String, String> condemned) {
        Map<String, List<String>> byPlatform = new TreeMap<>();
        for (String tag : candidates) {
            io.jenkins.plugins.grocker.image.Platform platform = state.node(state.tags().get(tag)).platform();
            byPlatform.computeIfAbsent(platform == null ? "an unknown platform" : platform.toString(), p -> new ArrayList<>()).add(tag);
        }
        Instant cutoff = policy.olderThan() == null ? null : now.minus(policy.olderThan());
        for (Map.Entry<String, List<String>> group : byPlatform.entrySet()) {
            List<String> tags = group.getValue();
            // newest first; an image of unknown age counts as the newest; ties by tag for a stable order
            tags.sort(Comparator.comparing((String t) -> state.node(state.tags().get(t)).created(),
                    Comparator.nullsFirst(Comparator.<Instant>reverseOrder())).thenComparing(Comparator.naturalOrder()));
            for (int rank = 0; rank < tags.size(); rank++) {
                String tag = tags.get(rank);
                Instant created = state.node(state.tags().get(tag)).created();
                boolean newest = policy.keepLast() != null && rank < policy.keepLast();
                boolean young = cutoff != null && (created == null || created.isAfter(cutoff));
                if (newest || young) {
                    keptReasons.put(tag, newest ? "one of the " + policy.keepLast() + " newest for " + group.getKey()
                            : created == null ? "age unknown" : "younger than " + human(policy.olderThan()));
                    rootTags.put(tag, state.tags().get(tag));
                } else {
                    List<String> why = new ArrayList<>();
                    if (policy.keepLast() != null) {
                        why.add("not one of the " + policy.keepLast() + " newest for " + group.getKey());
                    }
                    if (cutoff != null) {
                        why.add("older than " + human(policy.olderThan()));
                    }
                    condemned.put(tag, String.join(" and ", why) + (created == null ? "" : " (made " + created + ")"));
                }
            }
        }
    }

    /**
     * Digest → the kept tag it is reached from: each root's manifest, what it references, and the manifests of
     * the attachment tags of anything reached, until nothing changes.
     */
    private static Map<Digest, String> reach(RepositoryState state, Map<String, Digest> rootTags, Map<String, Digest> attachmentSubject) {
        Map<Digest, String> reachedFrom = new HashMap<>();
        Deque<Digest> queue = new ArrayDeque<>();
        rootTags.forEach((tag, digest) -> {
            if (reachedFrom.putIfAbsent(digest, tag) == null) {
                queue.add(digest);
            }
        });
        boolean changed = true;
        while (changed) {
            while (!queue.isEmpty()) {
                Digest digest = queue.poll();
                for (Digest child : state.node(digest).references()) {
                    if (reachedFrom.putIfAbsent(child, reachedFrom.get(digest)) == null) {
                        queue.add(child);
                    }
                }
            }
            changed = false;
            for (Map.Entry<String, Digest> e : attachmentSubject.entrySet()) {
                Digest attachment = state.tags().get(e.getKey());
                if (reachedFrom.containsKey(e.getValue()) && !reachedFrom.containsKey(attachment)) {
                    reachedFrom.put(attachment, reachedFrom.get(e.getValue()));
                    queue.add(attachment);
                    changed = true;
                }
            }
        }
        return reachedFrom;
    }

    /** Adds the deletions of what is attached to {@code subject} (depth first: attachments of attachments first). */
    private static void deleteAttachments(RepositoryState state, Digest subject, Map<String, Digest> attachmentSubject,
            Map<Digest, List<String>> tagsByDigest, Map<Digest, String> reachedFrom, Set<Digest> deleted,
            List<PurgePlan.Deletion> deletions) {
        for (Map.Entry<String, Digest> e : attachmentSubject.entrySet()) {
            if (!e.getValue().equals(subject)) {
                continue;
            }
            Digest holder = state.tags().get(e.getKey());
            if (reachedFrom.containsKey(holder) || deleted.contains(holder)) {
                continue;
            }
            deleted.add(holder); // before recursing: a cycle of attachments ends here
            deleteAttachments(state, holder, attachmentSubject, tagsByDigest, reachedFrom, deleted, deletions);
            for (Digest artifact : state.node(holder).references()) {
                if (!reachedFrom.containsKey(artifact) && deleted.add(artifact)) {
                    deleteAttachments(state, artifact, attachmentSubject, tagsByDigest, reachedFrom, deleted, deletions);
                    deletions.add(new PurgePlan.Deletion(artifact, sorted(tagsByDigest.get(artifact)),
                            "artifact attached to " + short12(subject) + ", which goes", subject));
                }
            }
            deletions.add(new PurgePlan.Deletion(holder, sorted(tagsByDigest.get(holder)),
                    "attachment tag of " + short12(subject) + ", which goes", subject));
        }
    }

    private static List<String> sorted(List<String> tags) {
        return tags == null ? List.of() : tags.stream().sorted().toList();
    }

    static String short12(Digest digest) {
        return "sha256:" + digest.shortForm();
    }

    /** {@code 30d}, {@code 12h}, {@code 45m} or ISO-8601 for anything else. */
    static String human(Duration d) {
        if (d.toMinutesPart() == 0 && d.toSecondsPart() == 0 && d.toHoursPart() == 0 && d.toDays() > 0) {
            return d.toDays() + "d";
        }
        if (d.toMinutesPart() == 0 && d.toSecondsPart() == 0 && d.toHours() > 0) {
            return d.toHours() + "h";
        }
        if (d.toSecondsPart() == 0 && d.toMinutes() > 0) {
            return d.toMinutes() + "m";
        }
        return d.toString();
    }
}
