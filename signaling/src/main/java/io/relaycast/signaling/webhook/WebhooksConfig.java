package io.relaycast.signaling.webhook;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/**
 * {@code relaycast.webhooks}: who may be called, how fast attempts time out and retries back off, when an
 * endpoint that keeps failing is disabled, and how the dispatcher polls the outbox.
 */
public record WebhooksConfig(
        boolean enabled,
        boolean allowPrivateTargets,
        Duration attemptTimeout,
        Duration pollInterval,
        Duration lease,
        int workers,
        int maxInFlightPerEndpoint,
        int maxEndpoints,
        RetrySchedule retry,
        int disableAfterFailures,
        Duration disableAfter) {

    public static WebhooksConfig from(Config c) {
        WebhooksConfig w = new WebhooksConfig(
                c.getBoolean("enabled"),
                c.getBoolean("allow-private-targets"),
                c.getDuration("attempt-timeout"),
                c.getDuration("poll-interval"),
                c.getDuration("lease"),
                c.getInt("workers"),
                c.getInt("max-in-flight-per-endpoint"),
                c.getInt("max-endpoints"),
                new RetrySchedule(c.getDuration("retry.initial-delay"), c.getDouble("retry.multiplier"),
                        c.getDuration("retry.max-delay"), c.getDouble("retry.jitter"), c.getDuration("retry.give-up-after")),
                c.getInt("disable-after-failures"),
                c.getDuration("disable-after"));
        w.validate(c);
        return w;
    }

    private void validate(Config c) {
        positive(c, "attempt-timeout", attemptTimeout);
        positive(c, "poll-interval", pollInterval);
        if (lease.compareTo(attemptTimeout.multipliedBy(2)) < 0) {
            // a lease that can run out while its attempt is still waiting would let a second node send it too
            throw new ConfigException.BadValue(c.origin(), "lease", "must be at least twice attempt-timeout");
        }
        atLeastOne(c, "workers", workers);
        atLeastOne(c, "max-in-flight-per-endpoint", maxInFlightPerEndpoint);
        atLeastOne(c, "max-endpoints", maxEndpoints);
        atLeastOne(c, "disable-after-failures", disableAfterFailures);
        positive(c, "retry.initial-delay", retry.initialDelay());
        if (retry.multiplier() < 1.0) {
            throw new ConfigException.BadValue(c.origin(), "retry.multiplier", "must be at least 1");
        }
        if (retry.maxDelay().compareTo(retry.initialDelay()) < 0) {
            throw new ConfigException.BadValue(c.origin(), "retry.max-delay", "must be at least retry.initial-delay");
        }
        if (retry.jitter() < 0 || retry.jitter() >= 1) {
            throw new ConfigException.BadValue(c.origin(), "retry.jitter", "must be 0 <= jitter < 1");
        }
        if (disableAfter.isNegative()) {
            throw new ConfigException.BadValue(c.origin(), "disable-after", "must not be negative");
        }
    }

    private static void positive(Config c, String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException.BadValue(c.origin(), key, "must be positive");
        }
    }

    private static void atLeastOne(Config c, String key, int v) {
        if (v < 1) {
            throw new ConfigException.BadValue(c.origin(), key, "must be at least 1");
        }
    }
}
