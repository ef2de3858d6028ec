package io.relaycast.signaling.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/**
 * {@code relaycast.cluster}: how this node names itself to the others (id, HTTP URL, media host) and how fast a
 * dead node leaves the routing ({@code heartbeat} and {@code ttl}). The registry is the Redis one when
 * {@code relaycast.redis.url} is set, else the in-memory one of a single node. The {@code relay} sub-block belongs
 * to the inter-node media relay and is read by its own config class, not here.
 *
 * @param name      nodes sharing one Redis form one cluster per name (staging and production may share a Redis)
 * @param nodeId    empty: the id kept in {@code data-dir/node-id}
 * @param nodeUrl   empty: {@code http.public-url}, else {@code http://localhost:<port>}
 * @param mediaHost empty: {@code media.public-ip}, else the host of the node URL
 */
public record ClusterConfig(String name, String nodeId, String nodeUrl, String mediaHost, Duration heartbeat,
                            Duration ttl) {

    public static final ClusterConfig DEFAULTS = new ClusterConfig("relaycast", "", "", "", Duration.ofSeconds(1),
            Duration.ofSeconds(4));

    public static ClusterConfig from(Config c) {
        String name = c.getString("name").trim();
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException.BadValue(c.origin(), "name", "must be 1-64 of A-Z a-z 0-9 . _ -, was '" + name + "'");
        }
        String id = c.getString("node-id").trim();
        if (!id.isEmpty() && !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException.BadValue(c.origin(), "node-id", "must be 1-64 of A-Z a-z 0-9 . _ -, was '" + id + "'");
        }
        String url = c.getString("node-url").trim().replaceAll("/+$", "");
        if (!url.isEmpty() && !url.matches("https?://[^/\\s]+")) {
            throw new ConfigException.BadValue(c.origin(), "node-url", "must be scheme://host[:port] with no path, was '" + url + "'");
        }
        Duration heartbeat = c.getDuration("heartbeat");
        Duration ttl = c.getDuration("ttl");
        if (heartbeat.toMillis() < 100) {
            throw new ConfigException.BadValue(c.origin(), "heartbeat", "must be at least 100ms");
        }
        // two missed heartbeats must not remove a live node (a GC pause, a slow Redis round trip)
        if (ttl.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new ConfigException.BadValue(c.origin(), "ttl", "must be at least 3 heartbeats (" + heartbeat.multipliedBy(3) + ")");
        }
        return new ClusterConfig(name, id, url, c.getString("media-host").trim(), heartbeat, ttl);
    }
}
