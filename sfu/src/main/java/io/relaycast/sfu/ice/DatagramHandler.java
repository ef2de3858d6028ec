package io.relaycast.sfu.ice;

/**
 * Receives the non-STUN datagrams (DTLS, SRTP, SRTCP) of one {@link IceSession}.
 *
 * <p>Called on the shared harvester's read thread, so it must not block. The bytes belong to a pooled buffer and
 * are valid only during the call: a handler that keeps them must copy them.
 */
@FunctionalInterface
public interface DatagramHandler {
    void onDatagram(byte[] buf, int off, int len);

    /** Drops everything; the handler of a session nobody has wired yet. */
    DatagramHandler DROP = (buf, off, len) -> { };
}
