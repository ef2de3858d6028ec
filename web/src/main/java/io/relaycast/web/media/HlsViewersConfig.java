package io.relaycast.web.media;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code relaycast.viewers.hls-sessions}: how long an HLS player may stay silent before its viewer session closes,
 * and how many sessions one remote address may hold on a node.
 */
public record HlsViewersConfig(long timeoutMillis, int perAddress) {

    public static HlsViewersConfig from(Config c) {
        long timeout = c.getDuration("timeout").toMillis();
        if (timeout < 5_000 || timeout > 600_000) {
            throw new ConfigException.BadValue(c.origin(), "timeout", "must be 5s-10m, was " + timeout + " ms");
        }
        int per = c.getInt("per-address");
        if (per < 1) {
            throw new ConfigException.BadValue(c.origin(), "per-address", "must be at least 1");
        }
        return new HlsViewersConfig(timeout, per);
    }
}
