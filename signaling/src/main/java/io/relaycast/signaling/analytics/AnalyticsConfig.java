package io.relaycast.signaling.analytics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** {@code relaycast.analytics}: how often the SFU's stats of each live stream are stored (0: never). */
public record AnalyticsConfig(long sfuSampleIntervalMillis) {

    public static AnalyticsConfig from(Config c) {
        long interval = c.getDuration("sfu-sample-interval").toMillis();
        if (interval != 0 && interval < 1000) {
            throw new ConfigException.BadValue(c.origin(), "sfu-sample-interval", "must be 0 (off) or at least 1s");
        }
        return new AnalyticsConfig(interval);
    }
}
