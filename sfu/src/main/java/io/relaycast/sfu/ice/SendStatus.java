package io.relaycast.sfu.ice;

/** The outcome of {@link IceSession#send}; the hot path reports, it does not throw. */
public enum SendStatus {
    SENT,
    /** No validated pair yet, or the session has ended (RFC 7675 §5.1: stop sending once consent is lost). */
    NOT_CONNECTED,
    /** The socket refused the datagram (counted in the session's debug state). */
    IO_ERROR
}
