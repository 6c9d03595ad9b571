package io.jenkins.plugins.grocker.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PurgeSelectionTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** A small repository builder: tags and manifests by readable names, digests derived from the names. */
    private static final class Repo {
        final Map<String, Digest> tags = new LinkedHashMap<>();
        final Map<Digest, RepositoryState.Node> manifests = new HashMap<>();

        /** An image manifest made {@code daysAgo} days ago (null: unknown), tagged with {@code tags}. */
        Repo image(String name, String platform, Integer daysAgo, String... tags) {
            manifests.put(d(name), new RepositoryState.Node(d(name), List.of(), platform == null ? null : Platform.of("linux", platform.substring(6), null),
                    daysAgo == null ? null : NOW.minus(Duration.ofDays(daysAgo))));
            for (String tag : tags) {
                this.tags.put(tag, d(name));
            }
            return this;
        }

        /** An index over {@code children}, tagged with {@code tags}. */
        Repo index(String name, List<String> children, String... tags) {
            manifests.put(d(name), new RepositoryState.Node(d(name), children.stream().map(PurgeSelectionTest::d).toList(), null, null));
            for (String tag : tags) {
                this.tags.put(tag, d(name));
            }
            return this;
        }

        /** An artifact (an SBOM) about {@code subject}, and the referrers tag's index that lists it. */
        Repo attach(String artifact, String subject) {
            manifests.put(d(artifact), new RepositoryState.Node(d(artifact), List.of(), null, null));
            String tag = "sha256-" + d(subject).hex();
            String holder = "referrers-of-" + subject;
            List<Digest> listed = new ArrayList<>();
            RepositoryState.Node old = manifests.get(d(holder));
            if (old != null) {
                listed.addAll(old.references());
            }
            listed.add(d(artifact));
            manifests.put(d(holder), new RepositoryState.Node(d(holder), listed, null, null));
            tags.put(tag, d(holder));
            return this;
        }

        Repo tag(String tag, String name) {
            tags.put(tag, d(name));
            return this;
        }

        PurgePlan plan(Integer keepLast, Duration olderThan) throws InputException {
            return PurgeSelection.select(state(), PurgePolicy.of(null, null, keepLast, olderThan), NOW);
        }

        RepositoryState state() {
            return new RepositoryState("team/app", tags, manifests);
        }
    }

    /** A digest made from a readable name. */
    static Digest d(String name) {
        String hex = String.format("%064x", new java.math.BigInteger(1, name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return Digest.ofSha256Hex(hex.substring(hex.length() - 64));
    }

    private static List<String> names(PurgePlan plan, Repo repo) {
        Map<Digest, String> byDigest = new HashMap<>();
        for (String name : nameSet(repo)) {
            byDigest.put(d(name), name);
        }
        return plan.digests().stream().map(digest -> byDigest.getOrDefault(digest, digest.toString())).toList();
    }

    private static Set<String> nameSet(Repo repo) {
        Set<String> names = new HashSet<>();
        // every name used in these tests
        for (String p : List.of("a", "b", "c", "d", "e", "f", "i", "j", "r", "s", "sbom", "prov", "sig", "x")) {
            for (int i = 0; i < 10; i++) {
                names.add(p + i);
                names.add("referrers-of-" + p + i);
            }
        }
        return names;
    }

    private static String reason(PurgePlan plan, String tag) {
        return plan.kept().stream().filter(k -> k.tag().equals(tag)).map(PurgePlan.Kept::reason).findFirst().orElse(null);
    }

    @Test
    void keepsTheNewestNPerPlatformAndDeletesTheRestOldestFirst() throws Exception {
        Repo repo = new Repo()
                .image("a1", "linux/amd64", 40, "gk-a1").image("a2", "linux/amd64", 30, "gk-a2")
                .image("a3", "linux/amd64", 20, "gk-a3").image("a4", "linux/amd64", 10, "gk-a4")
                .image("b1", "linux/arm64", 41, "gk-b1").image("b2", "linux/arm64", 11, "gk-b2")
                .image("b3", "linux/arm64", 5, "gk-b3");

        PurgePlan plan = repo.plan(2, null);

        assertThat(names(plan, repo)).containsExactly("b1", "a1", "a2");
        assertThat(plan.deletions().get(1).tags()).containsExactly("gk-a1");
        assertThat(plan.deletions().get(1).reason()).isEqualTo("not one of the 2 newest for linux/amd64 (made 2026-10-19T12:00:00Z)");
        assertThat(reason(plan, "gk-a3")).isEqualTo("one of the 2 newest for linux/amd64");
        assertThat(reason(plan, "gk-b2")).isEqualTo("one of the 2 newest for linux/arm64");
    }

    @Test
    void neverDeletesAReleaseTagEvenWhenEveryTagIsACandidate() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 400, "v1.0", "gk-a1").image("a2", "linux/amd64", 300, "1.2.3")
                .image("a3", "linux/amd64", 200, "old");
        PurgePolicy everything = PurgePolicy.of(".*", null, 0, null);

        PurgePlan plan = PurgeSelection.select(repo.state(), everything, NOW);

        assertThat(names(plan, repo)).containsExactly("a3");
        assertThat(reason(plan, "v1.0")).isEqualTo("release tag (matches 'v[0-9].*')");
        assertThat(reason(plan, "1.2.3")).startsWith("release tag");
        assertThat(reason(plan, "gk-a1")).isEqualTo("reached from kept tag v1.0");
    }

    @Test
    void keepsTheChildrenOfAnIndexThatAKeptTagNames() throws Exception {
        Repo repo = new Repo()
                .image("a1", "linux/amd64", 90, "gk-a1").image("b1", "linux/arm64", 90, "gk-b1")
                .image("a2", "linux/amd64", 50, "gk-a2").image("b2", "linux/arm64", 50, "gk-b2")
                .image("a3", "linux/amd64", 1, "gk-a3").image("b3", "linux/arm64", 1, "gk-b3")
                .index("i1", List.of("a1", "b1"), "3.11")   // a spec tag still on the oldest build
                .index("i2", List.of("a2", "b2"));          // an index no tag names any more

        PurgePlan plan = repo.plan(1, null);

        assertThat(names(plan, repo)).containsExactlyInAnyOrder("a2", "b2");
        assertThat(reason(plan, "gk-a1")).isEqualTo("reached from kept tag 3.11");
        assertThat(reason(plan, "3.11")).isEqualTo("not a cache tag");
    }

    @Test
    void olderThanAloneDeletesOldImagesAndKeepsThoseOfUnknownAge() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 40, "gk-a1").image("a2", "linux/amd64", 10, "gk-a2")
                .image("a3", "linux/amd64", null, "gk-a3");

        PurgePlan plan = repo.plan(null, Duration.ofDays(30));

        assertThat(names(plan, repo)).containsExactly("a1");
        assertThat(plan.deletions().get(0).reason()).isEqualTo("older than 30d (made 2026-10-19T12:00:00Z)");
        assertThat(reason(plan, "gk-a2")).isEqualTo("younger than 30d");
        assertThat(reason(plan, "gk-a3")).isEqualTo("age unknown");
    }

    @Test
    void withBothLimitsAnImageGoesOnlyWhenItIsBeyondTheNewestNAndOld() throws Exception {
        Repo repo = new Repo()
                .image("a1", "linux/amd64", 60, "gk-a1")   // beyond N and old: goes
                .image("a2", "linux/amd64", 20, "gk-a2")   // beyond N but young: stays
                .image("a3", "linux/amd64", 15, "gk-a3")
                .image("b1", "linux/arm64", 90, "gk-b1");  // old but the newest arm64: stays

        PurgePlan plan = repo.plan(1, Duration.ofDays(30));

        assertThat(names(plan, repo)).containsExactly("a1");
        assertThat(plan.deletions().get(0).reason()).isEqualTo(
                "not one of the 1 newest for linux/amd64 and older than 30d (made 2026-09-29T12:00:00Z)");
        assertThat(reason(plan, "gk-a2")).isEqualTo("younger than 30d");
        assertThat(reason(plan, "gk-b1")).isEqualTo("one of the 1 newest for linux/arm64");
    }

    @Test
    void deletesTheAttachmentsOfADeletedImageBeforeTheImage() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 40, "gk-a1").image("a2", "linux/amd64", 1, "gk-a2")
                .attach("sbom1", "a1").attach("prov1", "a1").attach("sbom2", "a2")
                .image("sig1", null, null).tag("sha256-" + d("a1").hex() + ".sig", "sig1");

        PurgePlan plan = repo.plan(1, null);

        assertThat(names(plan, repo)).containsExactly("sbom1", "prov1", "referrers-of-a1", "sig1", "a1");
        assertThat(plan.deletions().get(2).tags()).containsExactly("sha256-" + d("a1").hex());
        assertThat(plan.deletions().get(2).attachmentOf()).isEqualTo(d("a1"));
        assertThat(plan.deletions().get(0).reason()).isEqualTo("artifact attached to " + "sha256:" + d("a1").shortForm() + ", which goes");
        assertThat(reason(plan, "sha256-" + d("a2").hex())).isEqualTo("attached to " + "sha256:" + d("a2").shortForm() + ", which is kept");
    }

    @Test
    void anArtifactThatAKeptImageAlsoListsStays() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 40, "gk-a1").image("a2", "linux/amd64", 1, "gk-a2")
                .attach("sbom1", "a1").attach("sbom1", "a2");

        PurgePlan plan = repo.plan(1, null);

        assertThat(names(plan, repo)).containsExactly("referrers-of-a1", "a1");
    }

    @Test
    void leavesAttachmentsOfManifestsItDoesNotKnowAlone() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 1, "gk-a1").attach("sbom1", "x1");

        PurgePlan plan = repo.plan(0, null);

        assertThat(names(plan, repo)).containsExactly("a1");
        assertThat(reason(plan, "sha256-" + d("x1").hex())).endsWith("which no tag of this repository names (left alone)");
    }

    @Test
    void aDigestWithAKeptCacheTagKeepsItsOtherCacheTags() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 40, "gk-a1", "gk-a1b").image("a2", "linux/amd64", 10, "gk-a2");
        repo.manifests.put(d("a1"), new RepositoryState.Node(d("a1"), List.of(), Platform.LINUX_AMD64, NOW.minus(Duration.ofDays(5))));

        PurgePlan plan = repo.plan(1, null);

        assertThat(names(plan, repo)).containsExactly("a2");
        assertThat(reason(plan, "gk-a1")).isEqualTo("one of the 1 newest for linux/amd64");
        assertThat(reason(plan, "gk-a1b")).isEqualTo("reached from kept tag gk-a1");
    }

    @Test
    void otherTagsAreKeptWithWhatTheyReach() throws Exception {
        Repo repo = new Repo().image("a1", "linux/amd64", 400, "latest", "gk-a1").image("a2", "linux/amd64", 300, "feature-x")
                .image("a3", "linux/amd64", 200, "gk-a3");

        PurgePlan plan = repo.plan(0, null);

        assertThat(names(plan, repo)).containsExactly("a3");
        assertThat(plan.kept()).extracting(PurgePlan.Kept::tag).containsExactly("feature-x", "gk-a1", "latest");
    }

    @Test
    void aPolicyNeedsALimit() {
        assertThatThrownBy(() -> PurgePolicy.of(null, null, null, null)).isInstanceOf(InputException.class)
                .hasMessage("purge needs --keep-last N, --older-than AGE or both; without them it would remove every cache tag");
        assertThatThrownBy(() -> PurgePolicy.of("gk-[", null, 1, null)).isInstanceOf(InputException.class)
                .hasMessageStartingWith("--candidates: 'gk-[' is not a regular expression");
        assertThatThrownBy(() -> PurgePolicy.of(null, null, -1, null)).hasMessage("--keep-last: must be 0 or more, not -1");
    }

    @Test
    void parsesAges() throws Exception {
        assertThat(PurgePolicy.parseAge("30d", "--older-than")).isEqualTo(Duration.ofDays(30));
        assertThat(PurgePolicy.parseAge("2w", "--older-than")).isEqualTo(Duration.ofDays(14));
        assertThat(PurgePolicy.parseAge("12h", "--older-than")).isEqualTo(Duration.ofHours(12));
        assertThat(PurgePolicy.parseAge("P3D", "--older-than")).isEqualTo(Duration.ofDays(3));
        assertThatThrownBy(() -> PurgePolicy.parseAge("soon", "--older-than")).isInstanceOf(InputException.class)
                .hasMessage("--older-than: 'soon' is not an age (e.g. 30d, 2w, 12h, 90m)");
    }

    /**
     * Random repositories (fixed seed): whatever the policy, nothing a kept tag reaches is deleted, no release tag
     * or other non-cache tag loses its manifest, and every deletion is a cache tag's image or an attachment.
     */
    @Test
    void neverDeletesWhatAKeptTagReachesInRandomRepositories() throws Exception {
        Random random = new Random(12);
        int deletions = 0;
        int reachedKept = 0;
        int attachmentsDeleted = 0;
        for (int round = 0; round < 500; round++) {
            Repo repo = new Repo();
            int images = 1 + random.nextInt(12);
            for (int i = 0; i < images; i++) {
                repo.image("m" + i, random.nextBoolean() ? "linux/amd64" : "linux/arm64",
                        random.nextInt(8) == 0 ? null : random.nextInt(100), "gk-" + Integer.toHexString(i + 16));
            }
            for (int i = 0; i < 3; i++) {
                List<String> children = List.of("m" + random.nextInt(images), "m" + random.nextInt(images));
                repo.index("x" + i, children);
                switch (random.nextInt(4)) {
                    case 0 -> repo.tag("v1." + i, "x" + i);
                    case 1 -> repo.tag("latest-" + i, "x" + i);
                    case 2 -> repo.tag("1.0." + i, "m" + random.nextInt(images));
                    default -> { }
                }
            }
            for (int i = 0; i < 3; i++) {
                repo.attach("s" + i, "m" + random.nextInt(images));
            }
            Integer keepLast = random.nextBoolean() ? random.nextInt(4) : null;
            Duration age = keepLast == null || random.nextBoolean() ? Duration.ofDays(random.nextInt(90)) : null;

            PurgePlan plan = repo.plan(keepLast, age);

            Set<Digest> deleted = new HashSet<>(plan.digests());
            deletions += deleted.size();
            reachedKept += (int) plan.kept().stream().filter(k -> k.reason().startsWith("reached from")).count();
            attachmentsDeleted += (int) plan.deletions().stream().filter(x -> x.attachmentOf() != null).count();
            assertThat(deleted).hasSameSizeAs(plan.digests()); // each digest once
            for (PurgePlan.Kept kept : plan.kept()) {
                for (Digest reached : closure(repo, kept.digest())) {
                    assertThat(deleted).as("round %d: %s reached from kept tag %s", round, reached, kept.tag()).doesNotContain(reached);
                }
            }
            for (PurgePlan.Deletion deletion : plan.deletions()) {
                assertThat(deletion.tags()).allMatch(t -> t.startsWith("gk-") || t.startsWith("sha256-"));
            }
            Set<String> allTags = new HashSet<>(repo.tags.keySet());
            plan.deletions().forEach(x -> x.tags().forEach(allTags::remove));
            plan.kept().forEach(k -> allTags.remove(k.tag()));
            assertThat(allTags).as("every tag is either kept or deleted").isEmpty();
        }
        // the rounds exercised every rule
        assertThat(deletions).isGreaterThan(500);
        assertThat(reachedKept).isGreaterThan(100);
        assertThat(attachmentsDeleted).isGreaterThan(100);
    }

    private static Set<Digest> closure(Repo repo, Digest digest) {
        Set<Digest> seen = new HashSet<>();
        List<Digest> todo = new ArrayList<>(List.of(digest));
        while (!todo.isEmpty()) {
            Digest next = todo.remove(todo.size() - 1);
            if (seen.add(next)) {
                todo.addAll(repo.state().node(next).references());
            }
        }
        return seen;
    }
}
