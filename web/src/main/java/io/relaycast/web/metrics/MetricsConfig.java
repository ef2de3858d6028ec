package io.relaycast.web.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/**
 * {@code relaycast.metrics}: where {@code /metrics} is served and who may read it, and the HLS viewer sessions the
 * series count.
 *
 * @param port           0: {@code /metrics} on the HTTP port; above 0: on its own management port (and no longer
 *                       on the HTTP port); -1: a free management port (tests)
 * @param host           the management port's address (empty: the HTTP host)
 * @param bearerToken    empty: no token asked; otherwise scrapes need {@code Authorization: Bearer <token>}
 * @param perStreamTop   how many live streams get their own {@code relaycast_stream_viewers} series (the largest)
 */
public record MetricsConfig(int port, String host, String bearerToken, int perStreamTop) {

    public static MetricsConfig from(Config c) {
        int port = c.getInt("port");
        if (port < -1 || port > 65535) {
            throw new ConfigException.BadValue(c.origin(), "port", "must be -1 (any), 0 (the HTTP port) or 1-65535, was " + port);
        }
        String token = c.getString("bearer-token").trim();
        if (!token.isEmpty() && token.length() < 16) {
            throw new ConfigException.BadValue(c.origin(), "bearer-token", "must be at least 16 characters (or empty for none)");
        }
        int top = c.getInt("per-stream-top");
        if (top < 0 || top > 200) {
            throw new ConfigException.BadValue(c.origin(), "per-stream-top", "must be 0-200 (bounded label values), was " + top);
        }
        return new MetricsConfig(port, c.getString("host").trim(), token, top);
    }

    public boolean ownPort() {
        return port != 0;
    }

    /** How often the database-backed gauges (live streams, viewers) are re-read at most. */
    public static final Duration GAUGE_CACHE = Duration.ofSeconds(2);
}
