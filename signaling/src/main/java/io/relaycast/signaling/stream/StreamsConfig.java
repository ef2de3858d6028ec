package io.relaycast.signaling.stream;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** {@code relaycast.streams}: who may go live and the defaults of new streams. */
public record StreamsConfig(int minFollowersToStream, int defaultSlowModeSeconds, int maxPageSize,
                            int maxLivePerAccount) {

    public StreamsConfig(int minFollowersToStream, int defaultSlowModeSeconds, int maxPageSize) {
        this(minFollowersToStream, defaultSlowModeSeconds, maxPageSize, 5);
    }

    public static StreamsConfig from(Config c) {
        int min = c.getInt("min-followers-to-stream");
        if (min < 0) {
            throw new ConfigException.BadValue(c.origin(), "min-followers-to-stream", "must be 0 or more, was " + min);
        }
        int slow = c.getInt("default-slow-mode-seconds");
        if (slow < 1 || slow > 3600) {
            throw new ConfigException.BadValue(c.origin(), "default-slow-mode-seconds", "must be 1-3600, was " + slow);
        }
        int page = c.getInt("max-page-size");
        if (page < 1 || page > 1000) {
            throw new ConfigException.BadValue(c.origin(), "max-page-size", "must be 1-1000, was " + page);
        }
        int live = c.getInt("max-live-per-account");
        if (live < 1) {
            throw new ConfigException.BadValue(c.origin(), "max-live-per-account", "must be at least 1, was " + live);
        }
        return new StreamsConfig(min, slow, page, live);
    }
}
