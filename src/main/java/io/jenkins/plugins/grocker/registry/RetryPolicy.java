package io.jenkins.plugins.grocker.registry;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long to wait before sending an idempotent request again: after a 429 or 5xx answer or a
 * broken connection, up to {@code attempts} sends in all, waiting {@code baseDelay × 2^(n-1)} (capped at
 * {@code maxDelay}) with "equal jitter" (half fixed, half random), or what a {@code Retry-After} header asks
 * for (capped at {@link #MAX_RETRY_AFTER}). Immutable and thread-safe.
 */
public record RetryPolicy(int attempts, Duration baseDelay, Duration maxDelay) {
    /** Four sends, 250 ms, 500 ms, 1 s apart (plus jitter). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(8));
    /** One send, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
    }

    /** 429 Too Many Requests and the 5xx a proxy or an overloaded registry gives. */
    static boolean retryableStatus(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The wait after the {@code failed}-th failed send (1-based). */
    Duration delay(int failed, Optional<String> retryAfter) {
        Optional<Duration> asked = retryAfter.flatMap(RetryPolicy::parseRetryAfter);
        if (asked.isPresent()) {
            return asked.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked.get();
        }
        long base = baseDelay.toMillis() << Math.min(failed - 1, 20);
        long capped = Math.min(base, maxDelay.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + (capped - half <= 0 ? 0 : ThreadLocalRandom.current().nextLong(capped - half + 1)));
    }

    /** Seconds ({@code 120}) or an HTTP date. */
    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    static void sleep(Duration delay, String registry) throws io.jenkins.plugins.grocker.RegistryException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.jenkins.plugins.grocker.RegistryException("interrupted while waiting to retry registry " + registry, e);
        }
    }
}
