package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.RegistryAdmin;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link PurgePlan}: first checks that the repository's tags still name what they named when it was read
 * (a build or promotion in between could have made a condemned manifest reachable again; then nothing is
 * deleted), then deletes in the plan's order and stops at the first refusal. Thread-safe as
 * {@link RegistryClient} is.
 */
public final class Purger {
    private final RepositoryScanner scanner;
    private final RegistryAdmin admin;

    public Purger(RegistryClient client) {
        this.scanner = new RepositoryScanner(Objects.requireNonNull(client, "client"));
        this.admin = new RegistryAdmin(client);
    }

    /**
     * What happened to each planned deletion, and how the purge ended.
     *
     * @param outcome {@code purged}, {@code changed} (the tags moved since the scan: nothing deleted) or {@code failed}
     * @param error the one-line error of a failed or changed purge, or null
     */
    public record Result(String repository, List<Step> steps, String outcome, String error) {
        public Result {
            steps = List.copyOf(steps);
        }

        public long deleted() {
            return steps.stream().filter(s -> s.outcome().equals("deleted")).count();
        }
    }

    /**
     * One deletion.
     *
     * @param outcome {@code deleted}, {@code already-gone}, {@code failed} or {@code not-attempted}
     */
    public record Step(Digest digest, List<String> tags, String outcome) {
        public Step {
            tags = List.copyOf(tags);
        }
    }

    /** Deletes what {@code plan} says, if {@code scanned} still describes the repository's tags. */
    public Result execute(ImageReference repo, RepositoryState scanned, PurgePlan plan) {
        List<Step> steps = new ArrayList<>();
        try {
            Map<String, Digest> now = scanner.tags(repo);
            if (!now.equals(scanned.tags())) {
                plan.deletions().forEach(d -> steps.add(new Step(d.digest(), d.tags(), "not-attempted")));
                return new Result(repo.repository(), steps, "changed", "the tags of " + repo.name()
                        + " changed since they were read (" + difference(scanned.tags(), now) + "); nothing was deleted: run purge again");
            }
        } catch (RegistryException e) {
            plan.deletions().forEach(d -> steps.add(new Step(d.digest(), d.tags(), "not-attempted")));
            return new Result(repo.repository(), steps, "failed", e.getMessage());
        }
        String error = null;
        for (PurgePlan.Deletion deletion : plan.deletions()) {
            if (error != null) {
                steps.add(new Step(deletion.digest(), deletion.tags(), "not-attempted"));
                continue;
            }
            try {
                boolean deleted = admin.deleteManifest(repo, deletion.digest());
                steps.add(new Step(deletion.digest(), deletion.tags(), deleted ? "deleted" : "already-gone"));
            } catch (RegistryException e) {
                steps.add(new Step(deletion.digest(), deletion.tags(), "failed"));
                error = e.getMessage();
            }
        }
        return new Result(repo.repository(), steps, error == null ? "purged" : "failed", error);
    }

    private static String difference(Map<String, Digest> before, Map<String, Digest> now) {
        for (Map.Entry<String, Digest> e : now.entrySet()) {
            Digest old = before.get(e.getKey());
            if (old == null) {
                return "new tag " + e.getKey();
            }
            if (!old.equals(e.getValue())) {
                return "tag " + e.getKey() + " moved";
            }
        }
        for (String tag : before.keySet()) {
            if (!now.containsKey(tag)) {
                return "tag " + tag + " is gone";
            }
        }
        return "no difference";
    }
}
