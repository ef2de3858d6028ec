package io.relaycast.sfu.dtls;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of a {@link DtlsSession}.
 *
 * @param mtu largest datagram we send (bctls fragments handshake messages to fit, RFC 6347 §4.1.1.1). 1200
 *        leaves room for IPv6, UDP and TURN headers on any real path, the figure browsers use too.
 * @param receiveQueueCapacity datagrams buffered between the ICE thread and the DTLS stack; beyond that,
 *        datagrams are dropped as the network would drop them.
 * @param handshakeTimeout how long a handshake may take, counted from {@link DtlsSession#start}, before it
 *        fails with {@link DtlsHandshakeException.Reason#TIMEOUT}.
 */
public record DtlsConfig(int mtu, int receiveQueueCapacity, Duration handshakeTimeout) {
    /** DTLS records cannot usefully be smaller: a handshake fragment header alone is 25 octets. */
    private static final int MIN_MTU = 256;
    /** Largest UDP payload over IPv4. */
    private static final int MAX_MTU = 65507;

    public DtlsConfig {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu must be within " + MIN_MTU + ".." + MAX_MTU + ": " + mtu);
        }
        if (receiveQueueCapacity < 1) {
            throw new IllegalArgumentException("receiveQueueCapacity must be positive");
        }
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                || handshakeTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
    }

    public static DtlsConfig defaults() {
        return new DtlsConfig(1200, 64, Duration.ofSeconds(30));
    }

    public DtlsConfig withMtu(int newMtu) {
        return new DtlsConfig(newMtu, receiveQueueCapacity, handshakeTimeout);
    }

    public DtlsConfig withHandshakeTimeout(Duration timeout) {
        return new DtlsConfig(mtu, receiveQueueCapacity, timeout);
    }
}
