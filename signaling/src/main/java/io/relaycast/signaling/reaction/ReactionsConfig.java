package io.relaycast.signaling.reaction;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** {@code relaycast.reactions}: the per-user, per-stream rate limit. */
public record ReactionsConfig(int perWindow, long windowMillis) {

    public static ReactionsConfig from(Config c) {
        int n = c.getInt("rate-limit.reactions");
        long w = c.getDuration("rate-limit.window").toMillis();
        if (n < 1) {
            throw new ConfigException.BadValue(c.origin(), "rate-limit.reactions", "must be at least 1");
        }
        if (w < 1) {
            throw new ConfigException.BadValue(c.origin(), "rate-limit.window", "must be positive");
        }
        return new ReactionsConfig(n, w);
    }
}
