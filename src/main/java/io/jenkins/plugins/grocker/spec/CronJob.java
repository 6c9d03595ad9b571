package io.jenkins.plugins.grocker.spec;

import java.util.List;

/**
 * One job of the application's {@code cron} service. Immutable.
 *
 * @param schedule five cron fields or a shorthand such as {@code @daily}
 * @param command a {@code String} (a crontab line's command, run by {@code /bin/sh -c}) or a {@code List<String>}
 *     (run as is)
 */
public record CronJob(String schedule, Object command) {
    public CronJob {
        if (command instanceof List<?> words) {
            command = List.copyOf(words);
        }
    }
}
