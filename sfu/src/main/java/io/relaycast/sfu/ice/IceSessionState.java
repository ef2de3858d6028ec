package io.relaycast.sfu.ice;

/** Where an {@link IceSession} is; FAILED and CLOSED are final. */
public enum IceSessionState {
    /** Local candidates gathered, checks not started yet (waiting for the remote description). */
    NEW,
    /** Connectivity checks running (RFC 8445 §7). */
    CHECKING,
    /** A pair is selected; payload flows over it while consent stays fresh (RFC 7675). */
    CONNECTED,
    /** No pair could be selected: checks failed or did not succeed within the connect timeout. */
    FAILED,
    /** Consent expired, or the SFU closed the session. */
    CLOSED;

    public boolean isEnded() {
        return this == FAILED || this == CLOSED;
    }
}
