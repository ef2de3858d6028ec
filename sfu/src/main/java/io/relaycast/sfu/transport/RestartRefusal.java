package io.relaycast.sfu.transport;

/** Why {@link WebRtcTransport#restartIce} or {@link WebRtcTransport#completeIceRestart} refused; the SFU maps each to an error code. */
public enum RestartRefusal {
    /** The transport has ended (ICE failed for good, DTLS closed, or closed by signaling). */
    ENDED,
    /** The first negotiation has not finished (no remote description yet): there is nothing to restart. */
    NOT_NEGOTIATED,
    /** {@link WebRtcTransport#completeIceRestart} without a restart waiting for the peer's credentials. */
    NO_RESTART_PENDING,
    /** The peer's new credentials are not RFC 8839 section 5.4 values. */
    INVALID_CREDENTIALS,
    /** The peer kept its old ufrag: RFC 8445 section 9 says a restart changes both ufrag and password. */
    CREDENTIALS_UNCHANGED,
    /** A new fingerprint means a new DTLS association (RFC 8842 section 4), which we do not do mid-call. */
    FINGERPRINT_CHANGED
}
