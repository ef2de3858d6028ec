package io.relaycast.signaling.viewer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code relaycast.viewers}: join rate limit per viewer (protects the SFU from reload storms; anonymous REST joins
 * count per remote address), and the bounds of anonymous REST sessions, which no connection closes.
 */
public record ViewerConfig(int joinsPerWindow, long joinWindowMillis, int anonymousApiPerAddress,
                           long anonymousApiTtlMillis) {

    public ViewerConfig(int joinsPerWindow, long joinWindowMillis) {
        this(joinsPerWindow, joinWindowMillis, 5, 300_000);
    }

    public static ViewerConfig from(Config c) {
        int joins = c.getInt("join-rate-limit.joins");
        long window = c.getDuration("join-rate-limit.window").toMillis();
        if (joins < 1) {
            throw new ConfigException.BadValue(c.origin(), "join-rate-limit.joins", "must be at least 1");
        }
        if (window < 1) {
            throw new ConfigException.BadValue(c.origin(), "join-rate-limit.window", "must be positive");
        }
        int perAddress = c.getInt("anonymous-api-sessions.per-address");
        long ttl = c.getDuration("anonymous-api-sessions.ttl").toMillis();
        if (perAddress < 1) {
            throw new ConfigException.BadValue(c.origin(), "anonymous-api-sessions.per-address", "must be at least 1");
        }
        if (ttl < 10_000) {
            throw new ConfigException.BadValue(c.origin(), "anonymous-api-sessions.ttl", "must be at least 10s");
        }
        return new ViewerConfig(joins, window, perAddress, ttl);
    }
}
