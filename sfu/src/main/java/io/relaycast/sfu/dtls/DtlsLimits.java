package io.relaycast.sfu.dtls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/**
 * {@code relaycast.media.dtls}: how long and how many DTLS handshakes the node runs (issue 11, item 2). bctls
 * holds a thread for every handshake in progress, so these bound what silent peers can take: a peer that sends a
 * ClientHello and goes quiet holds its thread for {@code handshake-timeout}, one remote address holds at most
 * {@code max-handshakes-per-address} of the node's {@code max-handshakes} threads, and a session runs one
 * handshake at a time (a refused one is retried on the peer's next ClientHello retransmission).
 */
public record DtlsLimits(Duration handshakeTimeout, int maxHandshakes, int maxHandshakesPerAddress) {
    public static final DtlsLimits DEFAULTS = new DtlsLimits(Duration.ofSeconds(10), 256, 8);

    public DtlsLimits {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || handshakeTimeout.toMinutes() > 5) {
            throw new IllegalArgumentException("handshake-timeout must be positive and at most 5 minutes: " + handshakeTimeout);
        }
        if (maxHandshakes < 1 || maxHandshakes > 4096) {
            throw new IllegalArgumentException("max-handshakes must be 1-4096: " + maxHandshakes);
        }
        if (maxHandshakesPerAddress < 1 || maxHandshakesPerAddress > maxHandshakes) {
            throw new IllegalArgumentException("max-handshakes-per-address must be 1..max-handshakes: " + maxHandshakesPerAddress);
        }
    }

    /** Reads the {@code dtls} section; keys that are absent keep their defaults. */
    public static DtlsLimits from(Config c) {
        try {
            return new DtlsLimits(
                    c.hasPath("handshake-timeout") ? c.getDuration("handshake-timeout") : DEFAULTS.handshakeTimeout,
                    c.hasPath("max-handshakes") ? c.getInt("max-handshakes") : DEFAULTS.maxHandshakes,
                    c.hasPath("max-handshakes-per-address") ? c.getInt("max-handshakes-per-address")
                            : DEFAULTS.maxHandshakesPerAddress);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), "dtls", e.getMessage());
        }
    }
}
