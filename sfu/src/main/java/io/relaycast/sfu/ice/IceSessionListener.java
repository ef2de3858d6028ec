package io.relaycast.sfu.ice;

/**
 * Child-to-parent events, each at most once. Called on ice4j's threads or the registry's timer, never under a
 * lock of ours: return quickly, and do not {@link IceSession#close()} from inside a callback (freeing an agent from one
 * of its own STUN threads cancels the task running it). {@link IceSessions} frees ended sessions itself.
 */
public interface IceSessionListener {
    /** A pair is selected and payload may flow. */
    void onConnected(IceSession session, SelectedPair pair);

    /** {@link IceEndReason#CHECKS_FAILED} or {@link IceEndReason#CONNECT_TIMEOUT}. */
    void onFailed(IceSession session, IceEndReason reason);

    /** {@link IceEndReason#CONSENT_EXPIRED}; not called for {@link IceSession#close()}, whose caller already knows. */
    void onClosed(IceSession session, IceEndReason reason);
}
