package io.relaycast.signaling.viewer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** {@code relaycast.viewers}: join rate limit per viewer (protects the SFU from reload storms). */
public record ViewerConfig(int joinsPerWindow, long joinWindowMillis) {

    public static ViewerConfig from(Config c) {
        int joins = c.getInt("join-rate-limit.joins");
        long window = c.getDuration("join-rate-limit.window").toMillis();
        if (joins < 1) {
            throw new ConfigException.BadValue(c.origin(), "join-rate-limit.joins", "must be at least 1");
        }
        if (window < 1) {
            throw new ConfigException.BadValue(c.origin(), "join-rate-limit.window", "must be positive");
        }
        return new ViewerConfig(joins, window);
    }
}
