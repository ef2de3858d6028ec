package io.relaycast.sfu.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code relaycast.cluster.relay}: the relay of a live stream from its origin node to edge nodes (issue 15). Every
 * limit of the relay is here, with its default documented in {@code config/relaycast.conf}.
 *
 * @param secret           the key shared by every node: it signs relay requests (HMAC-SHA256) and is the input of
 *                         the relay's SRTP keys; empty turns relaying off (a node then serves only local streams)
 * @param tokenTtl         how long a signed relay request is accepted after it was made (clock skew included)
 * @param grace            how long an edge keeps a relay after its last viewer left (a reload comes back to it)
 * @param maxRelaysPerNode relays this node serves as an origin at once (each is one UDP socket and one thread)
 * @param idleTimeout      an origin drops a relay whose edge has sent nothing authenticated for this long; an edge
 *                         re-requests a relay that has sent nothing for this long
 * @param keepalive        how often the edge sends its receiver report upstream (the origin's proof of life)
 * @param reconnectTimeout how long an edge with viewers keeps asking for a relay that ended (publisher
 *                         reconnecting, origin moving) before giving up
 * @param requestTimeout   the HTTP control request's connect + answer timeout
 * @param bindHost         the address relay sockets bind to (both sides)
 * @param advertiseHost    the origin's relay address given to edges; empty: the node's media host from the registry
 * @param socketBuffer     SO_RCVBUF and SO_SNDBUF asked for on relay sockets (0: the kernel's defaults, about 208 KiB:
 *                         a few hundred packets, which a relay thread starved for a moment on a busy machine overran,
 *                         and every packet lost between nodes costs the edge's viewers a keyframe)
 */
public record RelayConfig(byte[] secret, Duration tokenTtl, Duration grace, int maxRelaysPerNode,
                          Duration idleTimeout, Duration keepalive, Duration reconnectTimeout,
                          Duration requestTimeout, String bindHost, String advertiseHost, int socketBuffer) {
    public static final int DEFAULT_SOCKET_BUFFER = 4 * 1024 * 1024;
    /** Below this a shared secret is guessable offline from one captured request. */
    public static final int MIN_SECRET_BYTES = 32;

    public RelayConfig {
        secret = secret.clone();
        if (socketBuffer < 0) {
            throw new IllegalArgumentException("socket-buffer must not be negative");
        }
    }

    /** Asks for {@link #socketBuffer} on a relay socket (the kernel caps it at net.core.rmem_max / wmem_max). */
    public void applyBuffers(java.nio.channels.DatagramChannel channel) throws java.io.IOException {
        if (socketBuffer > 0) {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, socketBuffer);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, socketBuffer);
        }
    }

    /** True when this node relays (a secret is configured). */
    public boolean enabled() {
        return secret.length > 0;
    }

    public static RelayConfig from(Config c) {
        String s = c.getString("secret");
        byte[] secret = s.getBytes(StandardCharsets.UTF_8);
        if (secret.length > 0 && secret.length < MIN_SECRET_BYTES) {
            throw new ConfigException.BadValue(c.origin(), "secret", "must be at least " + MIN_SECRET_BYTES
                    + " bytes (or empty to turn relaying off)");
        }
        Duration ttl = between(c, "token-ttl", Duration.ofSeconds(5), Duration.ofMinutes(10));
        Duration grace = between(c, "grace", Duration.ZERO, Duration.ofMinutes(10));
        int max = c.getInt("max-relays-per-node");
        if (max < 1 || max > 1024) {
            throw new ConfigException.BadValue(c.origin(), "max-relays-per-node", "must be 1-1024, was " + max);
        }
        Duration idle = between(c, "idle-timeout", Duration.ofSeconds(2), Duration.ofMinutes(5));
        Duration keepalive = between(c, "keepalive", Duration.ofMillis(100), Duration.ofSeconds(10));
        if (keepalive.multipliedBy(2).compareTo(idle) > 0) {
            throw new ConfigException.BadValue(c.origin(), "keepalive", "must be at most half of idle-timeout");
        }
        Duration reconnect = between(c, "reconnect-timeout", Duration.ofSeconds(1), Duration.ofMinutes(10));
        Duration request = between(c, "request-timeout", Duration.ofMillis(100), Duration.ofMinutes(1));
        long buffer = c.hasPath("socket-buffer") ? c.getBytes("socket-buffer") : DEFAULT_SOCKET_BUFFER;
        if (buffer != 0 && (buffer < 64 * 1024 || buffer > 512L * 1024 * 1024)) {
            throw new ConfigException.BadValue(c.origin(), "socket-buffer", "must be 0 (kernel default) or 64KiB-512MiB, was "
                    + buffer + " bytes");
        }
        return new RelayConfig(secret, ttl, grace, max, idle, keepalive, reconnect, request,
                c.getString("bind-host").trim(), c.getString("advertise-host").trim(), (int) buffer);
    }

    private static Duration between(Config c, String key, Duration min, Duration max) {
        Duration d = c.getDuration(key);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException.BadValue(c.origin(), key, "must be between " + min + " and " + max + ", was " + d);
        }
        return d;
    }
}
