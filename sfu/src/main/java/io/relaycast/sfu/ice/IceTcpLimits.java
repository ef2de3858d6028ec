package io.relaycast.sfu.ice;

import java.time.Duration;

/**
 * The limits of ICE-TCP ({@code relaycast.media.ice.tcp-limits}, {@link IceTcpServer}), per node, remote address
 * and session.
 *
 * @param maxConnections   open connections, authenticated or not; more are accepted and closed at once
 * @param authTimeout      how long a connection may take to send its authenticating first frame
 * @param maxFirstFrame    the longest first frame (a Binding request is a few hundred octets)
 * @param maxFrame         the longest frame on an authenticated connection (DTLS records and SRTP packets)
 * @param outputBuffer     octets queued per connection while its socket is full; beyond that packets drop
 * @param nominationDelay  how long UDP gets before we nominate a TCP pair as the controlling agent
 */
public record IceTcpLimits(int maxConnections, Duration authTimeout, int maxFirstFrame, int maxFrame, int outputBuffer,
                           Duration nominationDelay, int maxConnectionsPerAddress, int maxConnectionsPerSession) {
    public IceTcpLimits {
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxConnectionsPerSession < 1) {
            throw new IllegalArgumentException("ICE-TCP connection limits must be at least 1");
        }
        if (authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("ICE-TCP auth-timeout must be positive");
        }
        if (maxFirstFrame < 128 || maxFrame < maxFirstFrame || outputBuffer < maxFrame) {
            throw new IllegalArgumentException("ICE-TCP sizes: 128 <= max-first-frame <= max-frame <= output-buffer");
        }
    }

    /** Without per-address and per-session caps beyond the node's (tests of the other limits). */
    public IceTcpLimits(int maxConnections, Duration authTimeout, int maxFirstFrame, int maxFrame, int outputBuffer,
                        Duration nominationDelay) {
        this(maxConnections, authTimeout, maxFirstFrame, maxFrame, outputBuffer, nominationDelay, maxConnections,
                maxConnections);
    }

    public static IceTcpLimits defaults() {
        return new IceTcpLimits(1024, Duration.ofSeconds(5), 1024, 8192, 256 * 1024, Duration.ofMillis(500), 16, 4);
    }

    /** {@code relaycast.media.ice.tcp-limits}; absent keys keep {@link #defaults()}. */
    public static IceTcpLimits from(com.typesafe.config.Config c) {
        IceTcpLimits d = defaults();
        return new IceTcpLimits(
                c.hasPath("max-connections") ? c.getInt("max-connections") : d.maxConnections,
                c.hasPath("auth-timeout") ? c.getDuration("auth-timeout") : d.authTimeout,
                c.hasPath("max-first-frame") ? (int) (long) c.getBytes("max-first-frame") : d.maxFirstFrame,
                c.hasPath("max-frame") ? (int) (long) c.getBytes("max-frame") : d.maxFrame,
                c.hasPath("output-buffer") ? (int) (long) c.getBytes("output-buffer") : d.outputBuffer,
                d.nominationDelay,
                c.hasPath("max-connections-per-address") ? c.getInt("max-connections-per-address")
                        : d.maxConnectionsPerAddress,
                c.hasPath("max-connections-per-session") ? c.getInt("max-connections-per-session")
                        : d.maxConnectionsPerSession);
    }
}
