package io.relaycast.sfu.ice;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where one ICE session stands: NEW → CHECKING → CONNECTED on a selected path (a UDP pair or an ICE-TCP
 * connection) → FAILED or CLOSED, with why it ended, when consent was last confirmed (RFC 7675 section 5.1) and the
 * connect and consent deadlines. Transitions happen under this object's monitor, which is never held while calling
 * ice4j or a listener (ice4j's threads call back with their own locks held); reads are volatile.
 */
final class SessionState {
    private final long createdNanos = System.nanoTime();
    private final long connectTimeoutNanos;
    private final long consentTimeoutNanos;
    private volatile IceSessionState state = IceSessionState.NEW;
    private volatile IceEndReason endReason;
    private volatile SelectedPair selectedPair;
    private volatile long lastConsentNanos;
    /** The ICE-TCP connection selected instead of a UDP pair (RFC 6544), or null: see {@link IceTcpServer}. */
    private volatile IceTcpConnection tcpPath;

    SessionState(IceConfig config) {
        this.connectTimeoutNanos = config.connectTimeout().toNanos();
        this.consentTimeoutNanos = config.consentTimeout().toNanos();
    }

    IceSessionState get() {
        return state;
    }

    IceEndReason endReason() {
        return endReason;
    }

    SelectedPair selectedPair() {
        return selectedPair;
    }

    IceTcpConnection tcpPath() {
        return tcpPath;
    }

    /** NEW → CHECKING; false in any other state. */
    synchronized boolean toChecking() {
        if (state != IceSessionState.NEW) {
            return false;
        }
        state = IceSessionState.CHECKING;
        return true;
    }

    /**
     * → CONNECTED on {@code selected} (for ICE-TCP, {@code tcp}, only from CHECKING); {@code inLock} runs under
     * the monitor first (the UDP route takes the pair). The selecting check is the first consent.
     */
    synchronized boolean select(SelectedPair selected, IceTcpConnection tcp, Runnable inLock) {
        if (state.isEnded() || state == IceSessionState.CONNECTED || tcp != null && state != IceSessionState.CHECKING) {
            return false;
        }
        lastConsentNanos = System.nanoTime();
        selectedPair = selected;
        if (tcp != null) {
            tcpPath = tcp;
        } else if (inLock != null) {
            inLock.run();
        }
        state = IceSessionState.CONNECTED;
        return true;
    }

    /** → a final state, once; false when it had already ended. */
    synchronized boolean end(IceSessionState finalState, IceEndReason reason) {
        if (state.isEnded()) {
            return false;
        }
        state = finalState;
        endReason = reason;
        return true;
    }

    /** An authenticated consent response on the selected path (RFC 7675 section 5.1). */
    void consent(long nowNanos) {
        lastConsentNanos = nowNanos;
    }

    /** The deadline that passed at {@code nowNanos}, or null: connect timeout, or consent expired (30 s, RFC 7675). */
    IceEndReason overdue(long nowNanos) {
        IceSessionState s = state;
        if ((s == IceSessionState.NEW || s == IceSessionState.CHECKING)
                && nowNanos - createdNanos >= connectTimeoutNanos) {
            return IceEndReason.CONNECT_TIMEOUT;
        }
        if (s == IceSessionState.CONNECTED && nowNanos - lastConsentNanos >= consentTimeoutNanos) {
            return IceEndReason.CONSENT_EXPIRED;
        }
        return null;
    }

    void putInto(Map<String, Object> m) {
        m.put("state", state.name());
        IceEndReason why = endReason;
        m.put("endReason", why == null ? null : why.name());
        SelectedPair pair = selectedPair;
        m.put("selectedPair", pair == null ? null : pair.toString());
        if (state == IceSessionState.CONNECTED) {
            m.put("msSinceConsent", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastConsentNanos));
        }
        IceTcpConnection tcp = tcpPath;
        if (tcp != null) {
            m.put("tcpPath", tcp.toString());
            m.put("tcpFramesDropped", tcp.framesDropped());
        }
    }
}
