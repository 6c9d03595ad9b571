package io.jenkins.plugins.grocker.purge;

import io.jenkins.plugins.grocker.image.Digest;
import java.util.List;

/**
 * The audit record of one purge, and the {@code --output-json} of {@code grocker purge}: who purged which
 * repositories under which policy, what went and why, what stayed and why, and how it ended. Immutable; written
 * with Jackson.
 *
 * @param time when it ended, ISO-8601 UTC
 * @param outcome {@code purged}, {@code dry-run}, {@code changed} (tags moved since they were read: nothing deleted
 *     from that repository) or {@code failed} (the registry refused or failed; later deletions not attempted)
 */
public record PurgeRecord(String time, String who, String build, boolean dryRun, Policy policy, List<Repository> repositories,
        String outcome, String error) {
    public PurgeRecord {
        repositories = List.copyOf(repositories);
    }

    /** The policy in force: keepLast and olderThan (null when not given), the patterns. */
    public record Policy(Integer keepLast, String olderThan, String candidates, List<String> protect) {
        public Policy {
            protect = List.copyOf(protect);
        }
    }

    /** One repository: each deletion with its outcome, each kept tag with its reason. */
    public record Repository(String repository, List<Deletion> deletions, List<PurgePlan.Kept> kept, String outcome) {
        public Repository {
            deletions = List.copyOf(deletions);
            kept = List.copyOf(kept);
        }
    }

    /**
     * One manifest deleted (or to delete, in a dry run).
     *
     * @param outcome {@code deleted}, {@code already-gone}, {@code failed}, {@code not-attempted} or {@code planned}
     */
    public record Deletion(Digest digest, List<String> tags, String reason, Digest attachmentOf, String outcome) {
        public Deletion {
            tags = List.copyOf(tags);
        }
    }
}
