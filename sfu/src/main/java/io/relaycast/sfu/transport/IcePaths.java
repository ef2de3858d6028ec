package io.relaycast.sfu.transport;

import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.ice.DatagramHandler;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.IceSessionListener;
import io.relaycast.sfu.ice.IceEndReason;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.ice.IceSessions;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ICE sessions of one transport: the one media goes out on, and during an ICE restart (RFC 8445 section 9) the
 * new one beside it. {@link #begin} creates the new session (fresh ufrag and password, a new ice4j agent on the same
 * shared port), {@link #complete} gives it the peer's new credentials and starts its checks, and when it selects a
 * pair {@link #onConnected} makes it current (one volatile write, which the send path reads per packet) and has the
 * old one freed on the registry's timer. Signaling calls under the transport's monitor; the ICE callbacks and the
 * packet path never take it.
 */
final class IcePaths {
    private final IceSessions sessions;
    private final IceRole role;
    /** The session media goes out on; replaced when a restarted session selects a pair (read per packet). */
    private volatile IceSession current;
    /** A restart's session until it connects (or fails); written by signaling, cleared by ICE callbacks. */
    private final AtomicReference<IceSession> restarting = new AtomicReference<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger requested = new AtomicInteger();
    private volatile long restartStartedNanos;
    private volatile long lastRestartMillis = -1;

    IcePaths(IceSessions sessions, IceRole role, IceSession first) {
        this.sessions = sessions;
        this.role = role;
        this.current = first;
    }

    IceSession current() {
        return current;
    }

    /** The session a trickled candidate belongs to: the restart's during a restart (RFC 8838 section 4.4). */
    IceSession forTrickle() {
        IceSession next = restarting.get();
        return next != null ? next : current;
    }

    IceSession restarting() {
        return restarting.get();
    }

    /**
     * A new session for a restart, reporting to {@code listener} and delivering to {@code handler}; one requested
     * while an earlier one still waits replaces it (the newer credentials are the ones the peer will answer).
     *
     * @param ended the transport's end flag: a close that ran meanwhile may have missed the new session
     */
    IceSession begin(IceSessionListener listener, DatagramHandler handler, AtomicBoolean ended)
            throws IOException, RestartRefusedException {
        IceSession next = sessions.create(role, listener);
        next.setDatagramHandler(handler);
        IceSession previous = restarting.getAndSet(next);
        if (previous != null) {
            sessions.free(previous.localUfrag()); // signaling thread: not an ice4j callback, freeing is allowed
        }
        if (ended.get()) {
            restarting.compareAndSet(next, null);
            sessions.free(next.localUfrag());
            throw new RestartRefusedException(RestartRefusal.ENDED, "the peer connection has ended; join again");
        }
        restartStartedNanos = System.nanoTime();
        requested.incrementAndGet();
        return next;
    }

    /**
     * The peer's side of the restart (RFC 8839 section 4.4.1.1.1): its new credentials and candidates start the
     * new session's checks; media stays on the current one until it connects.
     */
    void complete(String remoteUfrag, String remotePassword, Collection<String> remoteCandidates,
                  boolean endOfCandidates, Collection<DtlsFingerprint> fingerprints,
                  Collection<DtlsFingerprint> remoteFingerprints) throws RestartRefusedException {
        IceSession next = restarting.get();
        if (next == null || next.remoteUfrag() != null) {
            throw new RestartRefusedException(RestartRefusal.NO_RESTART_PENDING,
                    "no ICE restart is waiting for the peer's credentials");
        }
        if (!Set.copyOf(fingerprints).equals(Set.copyOf(remoteFingerprints))) {
            throw new RestartRefusedException(RestartRefusal.FINGERPRINT_CHANGED, "the DTLS fingerprint changed;"
                    + " an ICE restart keeps the DTLS association (RFC 8842 section 4): join again for a new one");
        }
        if (remoteUfrag != null && remoteUfrag.equals(current.remoteUfrag())) {
            throw new RestartRefusedException(RestartRefusal.CREDENTIALS_UNCHANGED,
                    "an ICE restart needs a new ice-ufrag and ice-pwd (RFC 8445 section 9)");
        }
        if (!next.setRemoteCredentials(remoteUfrag, remotePassword)) {
            throw new RestartRefusedException(RestartRefusal.INVALID_CREDENTIALS,
                    "a=ice-ufrag / a=ice-pwd are not valid ice-chars of 4+ / 22+ characters (RFC 8839 section 5.4)");
        }
        for (String candidate : remoteCandidates) {
            next.addRemoteCandidate(candidate);
        }
        if (endOfCandidates) {
            next.endOfRemoteCandidates();
        }
        next.start();
    }

    /** Drops a restart whose completion was refused; the current path stays. */
    void cancel(IceSession next) {
        if (restarting.compareAndSet(next, null)) {
            sessions.free(next.localUfrag());
        }
    }

    /**
     * On an ice4j thread: {@code session} selected its pair. True when it was a restart's session, now current
     * (the old one is freed on the registry's timer, not here: this is one of the new agent's threads).
     */
    boolean onConnected(IceSession session, boolean transportEnded) {
        if (!restarting.compareAndSet(session, null)) {
            return false; // the first session, or a restart already superseded by a newer one
        }
        IceSession old = current;
        current = session; // the send path reads this per packet: everything after this goes out on the new pair
        restarts.incrementAndGet();
        lastRestartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStartedNanos);
        // RFC 8445 section 9: the old pairs are discarded once the new ones work
        sessions.freeLater(old);
        if (transportEnded) {
            sessions.freeLater(session); // close() ran meanwhile and freed only the old one
            return false;
        }
        return true;
    }

    /**
     * On an ice4j or timer thread: a session ended. The reason the transport fails for, or null when another
     * session can still carry it (a failed restart over a working path, a replaced session, a restart under way).
     */
    String onEnded(IceSession session, IceEndReason reason) {
        String why = "ICE " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (restarting.compareAndSet(session, null)) {
            // the restart failed; the old path may still work (a restart asked for while it was merely slow)
            return current.state().isEnded() ? why + " (after an ICE restart)" : null;
        }
        if (session != current) {
            return null; // a replaced session: consent on the old path was expected to end
        }
        if (restarting.get() != null) {
            return null; // the path broke and a restart is under way: its own connect timeout bounds the wait
        }
        return why;
    }

    int restarts() {
        return restarts.get();
    }

    int requested() {
        return requested.get();
    }

    /** Frees every session (signaling thread). */
    void close() {
        IceSession next = restarting.getAndSet(null);
        if (next != null) {
            sessions.free(next.localUfrag());
        }
        sessions.free(current.localUfrag());
    }

    void debugState(Map<String, Object> m) {
        m.put("ice", current.debugState());
        IceSession next = restarting.get();
        if (next != null) {
            m.put("iceRestarting", next.debugState());
        }
        m.put("iceRestarts", restarts.get());
        m.put("iceRestartsRequested", requested.get());
        if (lastRestartMillis >= 0) {
            m.put("lastIceRestartMs", lastRestartMillis);
        }
    }
}
