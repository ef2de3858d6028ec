package io.relaycast.signaling.moderation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/** {@code relaycast.moderation}: the longest timeout a moderator may give (longer: ban without a duration). */
public record ModerationConfig(Duration maxTimeout) {
    public static ModerationConfig from(Config c) {
        Duration max = c.getDuration("max-timeout");
        if (max.isNegative() || max.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "max-timeout", "must be positive");
        }
        return new ModerationConfig(max);
    }
}
