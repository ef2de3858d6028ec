package io.relaycast.signaling.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;
import java.util.List;

/**
 * {@code relaycast.signaling}: where the Socket.IO gateway listens, how browsers reach it, and its limits.
 * Two size limits on purpose: {@code max-frame-bytes} is the transport's (a bigger frame closes that
 * connection, WebSocket 1009), {@code max-event-bytes} the application's (a bigger event is answered with
 * {@code stream:error PAYLOAD_TOO_LARGE} and the connection lives on).
 */
public record SignalingConfig(String host, int port, String publicUrl, List<String> corsAllowedOrigins,
                              int maxFrameBytes, int maxEventBytes, Duration handshakeTimeout,
                              Duration pingInterval, Duration pingTimeout, Duration viewerCountInterval,
                              int handlerThreads, int handlerQueue, Duration publisherGrace,
                              int qualityUpdates, Duration qualityUpdateWindow, int workerThreads,
                              int acceptBacklog, int maxOutboundBytes) {

    public static SignalingConfig from(Config c) {
        return from(c, c.getString("host"));
    }

    /** @param host the address to listen on, as resolved by the server (an empty configured host means loopback in dev mode) */
    public static SignalingConfig from(Config c, String host) {
        int port = c.getInt("port");
        if (port < 0 || port > 65535) {
            throw new ConfigException.BadValue(c.origin(), "port", "must be 0-65535, was " + port);
        }
        String url = c.getString("public-url").trim();
        if (!url.isEmpty() && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException.BadValue(c.origin(), "public-url", "must be an http(s) URL");
        }
        List<String> origins = c.getStringList("cors-allowed-origins");
        for (String o : origins) {
            if (!o.matches("https?://[^/\\s]+")) {
                throw new ConfigException.BadValue(c.origin(), "cors-allowed-origins",
                        "'" + o + "' must be scheme://host[:port] with no path (and '*' is not allowed)");
            }
        }
        long frame = c.getBytes("max-frame-bytes");
        if (frame < 4096 || frame > 64L * 1024 * 1024) {
            throw new ConfigException.BadValue(c.origin(), "max-frame-bytes", "must be 4 KiB-64 MiB");
        }
        long event = c.getBytes("max-event-bytes");
        if (event < 1024 || event > frame) {
            throw new ConfigException.BadValue(c.origin(), "max-event-bytes", "must be 1 KiB up to max-frame-bytes");
        }
        Duration handshake = positive(c, "handshake-timeout");
        Duration ping = positive(c, "ping-interval");
        Duration pingTimeout = positive(c, "ping-timeout");
        Duration counts = positive(c, "viewer-count-interval");
        int threads = c.getInt("handler-threads");
        if (threads < 1 || threads > 256) {
            throw new ConfigException.BadValue(c.origin(), "handler-threads", "must be 1-256");
        }
        int queue = c.getInt("handler-queue");
        if (queue < 100) {
            throw new ConfigException.BadValue(c.origin(), "handler-queue", "must be at least 100");
        }
        // stream:quality-update per connection (issue 11): a broadcaster's stats every few seconds, not a flood
        int updates = c.hasPath("quality-update-rate-limit.updates") ? c.getInt("quality-update-rate-limit.updates") : 10;
        if (updates < 1) {
            throw new ConfigException.BadValue(c.origin(), "quality-update-rate-limit.updates", "must be at least 1");
        }
        Duration updateWindow = c.hasPath("quality-update-rate-limit.window")
                ? positive(c, "quality-update-rate-limit.window") : Duration.ofSeconds(10);
        int workers = c.getInt("worker-threads");
        if (workers < 0 || workers > 256) {
            throw new ConfigException.BadValue(c.origin(), "worker-threads", "must be 0 (two per core) to 256");
        }
        int backlog = c.getInt("accept-backlog");
        if (backlog < 1 || backlog > 65535) {
            throw new ConfigException.BadValue(c.origin(), "accept-backlog", "must be 1-65535");
        }
        // a connection's unsent bytes (WebSocket): a client that stops reading is closed above this (decision 281)
        long outbound = c.hasPath("max-outbound-bytes") ? c.getBytes("max-outbound-bytes") : 1024 * 1024;
        if (outbound < 64 * 1024 || outbound > 64L * 1024 * 1024) {
            throw new ConfigException.BadValue(c.origin(), "max-outbound-bytes", "must be 64 KiB-64 MiB");
        }
        return new SignalingConfig(host.isEmpty() ? "0.0.0.0" : host, port, url, List.copyOf(origins), (int) frame, (int) event,
                handshake, ping, pingTimeout, counts, threads, queue, positive(c, "publisher-grace"), updates, updateWindow,
                workers, backlog, (int) outbound);
    }

    private static Duration positive(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException.BadValue(c.origin(), key, "must be positive");
        }
        return d;
    }
}
