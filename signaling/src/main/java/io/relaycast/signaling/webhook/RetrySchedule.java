package io.relaycast.signaling.webhook;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter. After the n-th failed attempt (n = 1, 2, ...) the next one waits
 * {@code min(initialDelay * multiplier^(n-1), maxDelay)}, scaled by a random factor in
 * {@code [1 - jitter, 1 + jitter]} so that endpoints that failed together do not retry in lock-step.
 * A delivery is given up only after an attempt made at least {@code giveUpAfter} after the event failed, so
 * it is retried for at least that long. Defaults: 5 s, x6, capped at 6 h, +-20 %, 24 h: retries after about
 * 5 s, 30 s, 3 min, 18 min, 1.8 h, then every 6 h until a day has passed (decision 162).
 */
public record RetrySchedule(Duration initialDelay, double multiplier, Duration maxDelay, double jitter,
                            Duration giveUpAfter) {

    /** Milliseconds to wait after the {@code failedAttempts}-th failed attempt. */
    public long delayMillis(int failedAttempts, RandomGenerator random) {
        double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
        double capped = Math.min(base, maxDelay.toMillis());
        double factor = 1.0 + jitter * (2 * random.nextDouble() - 1);
        return Math.max(1, Math.round(capped * factor));
    }

    /** True when a delivery whose event was created at {@code eventCreatedAt} has been retried long enough. */
    public boolean givesUp(long eventCreatedAt, long failedAt) {
        return failedAt - eventCreatedAt >= giveUpAfter.toMillis();
    }
}
