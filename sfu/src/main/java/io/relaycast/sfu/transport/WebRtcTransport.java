package io.relaycast.sfu.transport;

import io.relaycast.sfu.demux.PacketClassifier;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsHandshakeException;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.dtls.DtlsSession;
import io.relaycast.sfu.ice.CandidateStatus;
import io.relaycast.sfu.ice.DatagramHandler;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.ice.SelectedPair;
import io.relaycast.sfu.ice.SendStatus;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.srtp.SrtpStatus;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One peer connection's transport: {@link IceSession} (the path) + {@link DtlsSession} (the keys) +
 * {@link SrtpSession} (the packets), joined by small handler interfaces.
 *
 * <p>Receive path, on the shared port's read thread: the ICE session pushes every non-STUN datagram from a validated
 * address to {@link #onDatagram}, which classifies it by its first byte (RFC 7983 section 7): DTLS records go to the
 * DTLS session, SRTP and SRTCP (RFC 5761 section 4 tells them apart by the second byte) are authenticated and
 * decrypted in place (RFC 3711 section 3.3) and handed to the {@link MediaHandler}; anything else is counted and
 * dropped. Nothing throws and nothing is allocated per packet on our side.
 *
 * <p>Send path: {@link #sendRtp} / {@link #sendRtcp} protect in place in the caller's buffer (which must leave
 * {@link #rtpOverhead()} octets free after the packet) and send on the selected pair.
 *
 * <p>DTLS role from the negotiated a=setup (RFC 5763 section 5): as server (toward browsers and every viewer) the
 * handshake starts on the first DTLS record from the peer, which it sends once ICE works; as client (a publisher
 * that offered passive) it starts when ICE selects a pair, with our ClientHello.
 *
 * <p>ICE restart (RFC 8445 section 9): {@link #restartIce()} creates a second {@link IceSession} (new ufrag and
 * password, a new ice4j agent on the same shared port) while the current one keeps carrying media; {@link
 * #completeIceRestart} gives it the peer's new credentials and starts its checks. When it selects a pair it becomes
 * the current session (one volatile write the send path reads) and the old one is freed on the registry's timer.
 * DTLS and SRTP are untouched: with an unchanged fingerprint the restart keeps the DTLS association (RFC 8842
 * section 4), and SRTP contexts belong to the association, not to the path. Both sessions deliver to {@link
 * #onDatagram} until the old one is freed, so no packet of either path is refused during the switch. Signaling
 * serializes on this object's monitor; the ICE callbacks and the packet path never take it.
 */
public final class WebRtcTransport implements PacketTransport, DatagramHandler, AutoCloseable {

    /** Decrypted media from the peer. The bytes are lent for the call only (copy to keep); runs on the read thread. */
    public interface MediaHandler {
        void onRtp(byte[] buf, int off, int len);

        void onRtcp(byte[] buf, int off, int len);

        MediaHandler DROP = new MediaHandler() {
            @Override
            public void onRtp(byte[] buf, int off, int len) {
            }

            @Override
            public void onRtcp(byte[] buf, int off, int len) {
            }
        };
    }

    /** Transport life cycle, each at most once. Called on ICE, DTLS or timer threads: hand heavy work off. */
    public interface Listener {
        /** SRTP keys are in place: media may flow both ways. */
        void onReady(WebRtcTransport transport);

        /** ICE failed or lost consent, the DTLS handshake failed, or the peer closed DTLS: the peer is gone. */
        void onFailed(WebRtcTransport transport, String reason);

        /**
         * An ICE restart moved media to a new path (on an ice4j thread). What the old path lost while it was broken
         * is gone, so a viewer's decoder wants a keyframe; saying so now saves it waiting to ask.
         */
        default void onPathChanged(WebRtcTransport transport) {
        }
    }

    private final IceSessions sessions;
    private final IceRole role;
    /** The session media goes out on; replaced when a restarted session selects a pair (read per packet). */
    private volatile IceSession ice;
    /** A restart's session until it connects (or fails); written by signaling, cleared by ICE callbacks. */
    private final java.util.concurrent.atomic.AtomicReference<IceSession> restarting =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** The peer's fingerprints the DTLS session checks; a restart must not change them (guarded by this). */
    private List<DtlsFingerprint> remoteFingerprints;
    private final java.util.concurrent.atomic.AtomicInteger iceRestarts = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger iceRestartsRequested =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile long restartStartedNanos;
    private volatile long lastRestartMillis = -1;
    private final DtlsCertificate certificate;
    private final DtlsConfig dtlsConfig;
    private final Executor handshakeExecutor;
    private final Listener listener;
    private final AtomicBoolean ended = new AtomicBoolean();

    private volatile DtlsSession dtls;
    private volatile SrtpSession srtp;
    private volatile MediaHandler media = MediaHandler.DROP;
    private volatile String endReason;

    private final LongAdder rtpIn = new LongAdder();
    private final LongAdder rtcpIn = new LongAdder();
    private final LongAdder dtlsIn = new LongAdder();
    private final LongAdder rtpOut = new LongAdder();
    private final LongAdder rtcpOut = new LongAdder();
    private final LongAdder droppedUnknown = new LongAdder();
    private final LongAdder droppedBeforeKeys = new LongAdder();
    private final LongAdder unprotectFailures = new LongAdder();
    private final LongAdder protectFailures = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder unprotectReplays = new LongAdder();

    private WebRtcTransport(IceSessions sessions, IceRole role, IceSession ice, DtlsCertificate certificate,
                            DtlsConfig dtlsConfig, Executor handshakeExecutor, Listener listener) {
        this.sessions = sessions;
        this.role = role;
        this.ice = ice;
        this.certificate = certificate;
        this.dtlsConfig = dtlsConfig;
        this.handshakeExecutor = handshakeExecutor;
        this.listener = listener;
    }

    /**
     * Creates the ICE session (candidates are gathered at once from the shared port) and wires its payload here.
     *
     * @throws IOException when ICE cannot gather a candidate
     */
    public static WebRtcTransport create(IceSessions sessions, IceRole role, DtlsCertificate certificate,
                                         DtlsConfig dtlsConfig, Executor handshakeExecutor, Listener listener)
            throws IOException {
        Objects.requireNonNull(listener, "listener");
        IceListener iceListener = new IceListener();
        IceSession ice = sessions.create(role, iceListener);
        WebRtcTransport transport = new WebRtcTransport(sessions, role, ice, certificate, dtlsConfig,
                handshakeExecutor, listener);
        iceListener.transport = transport;
        ice.setDatagramHandler(transport);
        return transport;
    }

    /**
     * Routes ICE events to the transport created after the session (the session must exist first). One listener
     * serves every session of the transport, the restarted ones too: the session argument tells them apart.
     */
    private static final class IceListener implements IceSession.Listener {
        volatile WebRtcTransport transport;

        @Override
        public void onConnected(IceSession session, SelectedPair pair) {
            // a restarted session: media moves to it (the first one: nothing changes there)
            WebRtcTransport t = transport;
            if (t == null) {
                return;
            }
            // as DTLS server we wait for the peer's ClientHello; as client we speak first, now that there is a
            // path (RFC 5763 section 5). A later session finds the handshake started: start() is idempotent.
            DtlsSession d = t.dtls;
            if (d != null && d.role() == DtlsRole.CLIENT) {
                d.start(t.handshakeExecutor());
            }
            t.iceConnected(session);
        }

        @Override
        public void onFailed(IceSession session, IceSession.EndReason reason) {
            WebRtcTransport t = transport;
            if (t != null) {
                t.iceEnded(session, reason);
            }
        }

        @Override
        public void onClosed(IceSession session, IceSession.EndReason reason) {
            WebRtcTransport t = transport;
            if (t != null) {
                t.iceEnded(session, reason);
            }
        }
    }

    /** Why {@link #restartIce} or {@link #completeIceRestart} refused; the SFU maps each to an error code. */
    public enum RestartRefusal {
        /** The transport has ended (ICE failed for good, DTLS closed, or closed by signaling). */
        ENDED,
        /** The first negotiation has not finished (no remote description yet): there is nothing to restart. */
        NOT_NEGOTIATED,
        /** {@link #completeIceRestart} without a restart waiting for the peer's credentials. */
        NO_RESTART_PENDING,
        /** The peer's new credentials are not RFC 8839 section 5.4 values. */
        INVALID_CREDENTIALS,
        /** The peer kept its old ufrag: RFC 8445 section 9 says a restart changes both ufrag and password. */
        CREDENTIALS_UNCHANGED,
        /** A new fingerprint means a new DTLS association (RFC 8842 section 4), which we do not do mid-call. */
        FINGERPRINT_CHANGED
    }

    /** A refused restart request, with the reason signaling reports. */
    public static final class RestartRefusedException extends Exception {
        private final RestartRefusal refusal;

        RestartRefusedException(RestartRefusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        public RestartRefusal refusal() {
            return refusal;
        }
    }

    /**
     * Starts an ICE restart (RFC 8445 section 9.1): a new session with fresh local credentials on the same shared
     * port; the current one keeps carrying media until the new one selects a pair. A restart requested while an
     * earlier one still waits replaces it (the newer credentials are the ones the peer will answer).
     *
     * @return the new session: its ufrag, password and candidates go into the new offer or answer
     * @throws IOException when ICE cannot gather a candidate
     */
    public synchronized IceSession restartIce() throws IOException, RestartRefusedException {
        if (ended.get()) {
            throw new RestartRefusedException(RestartRefusal.ENDED, "the peer connection has ended; join again");
        }
        if (dtls == null) {
            throw new RestartRefusedException(RestartRefusal.NOT_NEGOTIATED,
                    "ICE restart before the first offer/answer finished; answer the first offer instead");
        }
        IceListener listener = new IceListener();
        IceSession next = sessions.create(role, listener);
        listener.transport = this;
        next.setDatagramHandler(this);
        IceSession previous = restarting.getAndSet(next);
        if (previous != null) {
            sessions.free(previous.localUfrag()); // signaling thread: not an ice4j callback, freeing is allowed
        }
        if (ended.get()) { // closed meanwhile: close() may have missed the new session
            restarting.compareAndSet(next, null);
            sessions.free(next.localUfrag());
            throw new RestartRefusedException(RestartRefusal.ENDED, "the peer connection has ended; join again");
        }
        restartStartedNanos = System.nanoTime();
        iceRestartsRequested.incrementAndGet();
        return next;
    }

    /**
     * The peer's side of the restart: its new credentials, candidates and fingerprints (RFC 8839 section
     * 4.4.1.1.1). The new session starts its checks; media stays on the current one until it connects.
     */
    public synchronized void completeIceRestart(String remoteUfrag, String remotePassword,
                                                Collection<String> remoteCandidates, boolean endOfCandidates,
                                                Collection<DtlsFingerprint> fingerprints)
            throws RestartRefusedException {
        if (ended.get()) {
            throw new RestartRefusedException(RestartRefusal.ENDED, "the peer connection has ended; join again");
        }
        IceSession next = restarting.get();
        if (next == null || next.remoteUfrag() != null) {
            throw new RestartRefusedException(RestartRefusal.NO_RESTART_PENDING,
                    "no ICE restart is waiting for the peer's credentials");
        }
        if (!java.util.Set.copyOf(fingerprints).equals(java.util.Set.copyOf(remoteFingerprints))) {
            throw new RestartRefusedException(RestartRefusal.FINGERPRINT_CHANGED, "the DTLS fingerprint changed;"
                    + " an ICE restart keeps the DTLS association (RFC 8842 section 4): join again for a new one");
        }
        if (remoteUfrag != null && remoteUfrag.equals(ice.remoteUfrag())) {
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

    /** Drops a restart whose completion was refused (the peer's request was bad); the current path stays. */
    public synchronized void cancelIceRestart(IceSession next) {
        if (restarting.compareAndSet(next, null)) {
            sessions.free(next.localUfrag());
        }
    }

    /** The peer's ufrag on the current session (null before the remote description). */
    public String remoteUfrag() {
        return ice.remoteUfrag();
    }

    /** The peer's ufrag on a restart still under way, or null. */
    public String restartingRemoteUfrag() {
        IceSession next = restarting.get();
        return next == null ? null : next.remoteUfrag();
    }

    /** Restarts asked for so far (each gets the next SDP session version). */
    public int iceRestartsRequested() {
        return iceRestartsRequested.get();
    }

    /** The fingerprints the peer gave first (a restart without a new SDP keeps them). */
    public synchronized List<DtlsFingerprint> remoteFingerprints() {
        return remoteFingerprints == null ? List.of() : remoteFingerprints;
    }

    /** True while a restarted session waits for the peer or its checks. */
    public boolean isRestartingIce() {
        return restarting.get() != null;
    }

    /** Completed ICE restarts: how often media moved to a new session. */
    public int iceRestarts() {
        return iceRestarts.get();
    }

    /** On an ice4j thread: a restarted session selected its pair, so media moves to it and the old one goes. */
    private void iceConnected(IceSession session) {
        if (!restarting.compareAndSet(session, null)) {
            return; // the first session, or a restart already superseded by a newer one
        }
        IceSession old = ice;
        ice = session; // the send path reads this per packet: everything after this goes out on the new pair
        iceRestarts.incrementAndGet();
        lastRestartMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStartedNanos);
        // not freed here: this is one of the new agent's threads, and the old agent's are its own; the
        // registry's timer frees it (RFC 8445 section 9: the old pairs are discarded once the new ones work)
        sessions.freeLater(old);
        if (ended.get()) {
            sessions.freeLater(session); // close() ran meanwhile and freed only the old one
            return;
        }
        try {
            listener.onPathChanged(this);
        } catch (RuntimeException e) {
            // the listener's own problem; the restart itself is done
        }
    }

    /** On an ice4j or timer thread: a session ended; the transport ends only if no session can carry it. */
    private void iceEnded(IceSession session, IceSession.EndReason reason) {
        String why = "ICE " + reason.name().toLowerCase().replace('_', ' ');
        if (restarting.compareAndSet(session, null)) {
            // the restart failed; the old path may still work (a restart asked for while it was merely slow)
            if (ice.state().isEnded()) {
                fail(why + " (after an ICE restart)");
            }
            return;
        }
        if (session != ice) {
            return; // a replaced session: consent on the old path was expected to end
        }
        if (restarting.get() != null) {
            return; // the path broke and a restart is under way: its own connect timeout bounds the wait
        }
        fail(why);
    }

    public String localUfrag() {
        return ice.localUfrag();
    }

    public String localPassword() {
        return ice.localPassword();
    }

    /** Our candidates as {@code candidate:...} values, all known up front (single shared port). */
    public List<String> localCandidates() {
        return ice.localCandidates();
    }

    public void setMediaHandler(MediaHandler handler) {
        this.media = handler == null ? MediaHandler.DROP : handler;
    }

    /**
     * The peer's ICE credentials and SDP candidates, its DTLS fingerprints and our DTLS role from the negotiated
     * a=setup; then ICE starts.
     *
     * @return false when the credentials are not valid RFC 8839 values
     */
    public synchronized boolean connect(String remoteUfrag, String remotePassword, Collection<String> remoteCandidates,
                                        boolean endOfCandidates, Collection<DtlsFingerprint> remoteFingerprints,
                                        DtlsRole localRole) {
        if (dtls != null) {
            throw new IllegalStateException("the remote description is already set");
        }
        if (!ice.setRemoteCredentials(remoteUfrag, remotePassword)) {
            return false;
        }
        for (String candidate : remoteCandidates) {
            ice.addRemoteCandidate(candidate);
        }
        if (endOfCandidates) {
            ice.endOfRemoteCandidates();
        }
        this.remoteFingerprints = List.copyOf(remoteFingerprints);
        // created now; a server starts on the first DTLS record (offer() queues until then, RFC 6347 section
        // 4.2.4), a client once ICE has a path
        dtls = new DtlsSession(localRole, certificate, remoteFingerprints, this::sendDtls, dtlsConfig, new DtlsEvents());
        if (ended.get()) {
            dtls.close();
        }
        ice.start();
        return true;
    }

    /** Where a handshake with the current peer runs: limited per remote address when the pool can (issue 11). */
    private Executor handshakeExecutor() {
        SelectedPair pair = ice.selectedPair();
        return handshakeExecutor instanceof io.relaycast.sfu.dtls.DtlsHandshakePool pool
                ? pool.forPeer(pair == null ? null : pair.remote().getAddress()) : handshakeExecutor;
    }

    /** True once {@link #connect} has taken the peer's description. */
    public boolean hasRemoteDescription() {
        return dtls != null;
    }

    /**
     * A trickled remote candidate (RFC 8838); see {@link IceSession#addRemoteCandidate}. During an ICE restart it
     * belongs to the new generation (RFC 8838 section 4.4): the browser trickles the candidates it gathers for it.
     */
    public CandidateStatus addRemoteCandidate(String candidateLine) {
        IceSession next = restarting.get();
        return (next != null ? next : ice).addRemoteCandidate(candidateLine);
    }

    /** True once SRTP keys are in place and until the transport ends. */
    @Override
    public boolean isReady() {
        return srtp != null && !ended.get();
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** Octets {@link #sendRtp} needs free after the packet (the SRTP auth tag); 16 before the keys are known. */
    @Override
    public int rtpOverhead() {
        SrtpSession s = srtp;
        return s == null ? 16 : s.rtpOverhead();
    }

    /** Octets {@link #sendRtcp} needs free after the packet (SRTCP index and tag). */
    @Override
    public int rtcpOverhead() {
        SrtpSession s = srtp;
        return s == null ? 20 : s.rtcpOverhead();
    }

    /** Counted by kind, never logged: a replay (the same packet over two paths) is ordinary, not an error. */
    private void unprotectFailed(int status) {
        if (status == SrtpStatus.REPLAY_FAIL.code() || status == SrtpStatus.REPLAY_OLD.code()) {
            unprotectReplays.increment();
        } else {
            unprotectFailures.increment();
        }
    }

    /** The shared port's push callback: demultiplex by first byte (RFC 7983 section 7). */
    @Override
    public void onDatagram(byte[] buf, int off, int len) {
        switch (PacketClassifier.classify(buf, off, len)) {
            case RTP -> {
                SrtpSession s = srtp;
                if (s == null) {
                    droppedBeforeKeys.increment();
                    return;
                }
                int plain = s.unprotectRtp(buf, off, len); // in place: the lent buffer is ours until we return
                if (plain < 0) {
                    unprotectFailed(plain);
                    return;
                }
                rtpIn.increment();
                media.onRtp(buf, off, plain);
            }
            case RTCP -> {
                SrtpSession s = srtp;
                if (s == null) {
                    droppedBeforeKeys.increment();
                    return;
                }
                int plain = s.unprotectRtcp(buf, off, len);
                if (plain < 0) {
                    unprotectFailed(plain);
                    return;
                }
                rtcpIn.increment();
                media.onRtcp(buf, off, plain);
            }
            case DTLS -> {
                DtlsSession d = dtls;
                if (d == null) {
                    droppedBeforeKeys.increment(); // before the remote description: the client retransmits
                    return;
                }
                dtlsIn.increment();
                d.offer(buf, off, len);
                if (d.state() == DtlsSession.State.NEW) {
                    d.start(handshakeExecutor());
                }
            }
            default -> droppedUnknown.increment(); // ZRTP, TURN channel data, noise (RFC 7983 section 7)
        }
    }

    /**
     * Protects the RTP packet in place and sends it. {@code buf} must have {@link #rtpOverhead()} free octets after
     * the packet.
     *
     * @return true when it went out
     */
    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null || ended.get()) {
            return false;
        }
        int n = s.protectRtp(buf, off, len);
        if (n < 0) {
            protectFailures.increment();
            return false;
        }
        if (ice.send(buf, off, n) != SendStatus.SENT) {
            sendFailures.increment();
            return false;
        }
        rtpOut.increment();
        return true;
    }

    @Override
    public int sendRtpKeepProtected(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null || ended.get()) {
            return -1;
        }
        int n = s.protectRtp(buf, off, len);
        if (n < 0) {
            protectFailures.increment();
            return -1;
        }
        if (ice.send(buf, off, n) != SendStatus.SENT) {
            sendFailures.increment();
            return -1;
        }
        rtpOut.increment();
        return n;
    }

    @Override
    public boolean sendProtectedRtp(byte[] buf, int off, int len) {
        if (srtp == null || ended.get()) {
            return false;
        }
        if (ice.send(buf, off, len) != SendStatus.SENT) {
            sendFailures.increment();
            return false;
        }
        rtpOut.increment();
        return true;
    }

    /** Protects the (compound) RTCP packet in place (RFC 3711 section 3.4) and sends it. */
    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null || ended.get()) {
            return false;
        }
        int n = s.protectRtcp(buf, off, len);
        if (n < 0) {
            protectFailures.increment();
            return false;
        }
        if (ice.send(buf, off, n) != SendStatus.SENT) {
            sendFailures.increment();
            return false;
        }
        rtcpOut.increment();
        return true;
    }

    private void sendDtls(byte[] buf, int off, int len) throws IOException {
        SendStatus status = ice.send(buf, off, len);
        if (status == SendStatus.IO_ERROR) {
            throw new IOException("DTLS datagram not sent: " + status);
        }
        // NOT_CONNECTED: lost like on any network; bctls retransmits the flight (RFC 6347 section 4.2.4)
    }

    /** DTLS session events: keys → SRTP session; failure or peer close → the transport ends. */
    private final class DtlsEvents implements DtlsSession.Listener {
        @Override
        public void onHandshakeComplete(SrtpKeyingMaterial keys) {
            if (ended.get()) {
                return;
            }
            // RFC 5764 section 4.2: our half of the exported keys is the one of our DTLS role
            srtp = new SrtpSession(keys, dtls.role().srtpRole());
            if (ended.get()) {
                srtp.close();
                return;
            }
            listener.onReady(WebRtcTransport.this);
        }

        @Override
        public void onHandshakeFailed(DtlsHandshakeException error) {
            fail("DTLS handshake failed: " + error.getMessage());
        }

        @Override
        public void onClosed(DtlsSession.CloseCause cause) {
            if (cause != DtlsSession.CloseCause.LOCAL) {
                fail(cause == DtlsSession.CloseCause.PEER_CLOSE_NOTIFY ? "the peer closed DTLS" : "DTLS error");
            }
        }
    }

    private void fail(String reason) {
        if (ended.compareAndSet(false, true)) {
            endReason = reason;
            listener.onFailed(this, reason);
        }
    }

    /**
     * Closes DTLS (close_notify, RFC 5246 section 7.2.1), wipes the SRTP keys and frees the ICE session. Does not
     * call the listener. Idempotent. Do not call from an ICE callback (see {@link IceSession.Listener}).
     */
    @Override
    public void close() {
        if (ended.compareAndSet(false, true)) {
            endReason = "closed";
        }
        media = MediaHandler.DROP;
        DtlsSession d = dtls;
        if (d != null) {
            d.close();
        }
        SrtpSession s = srtp;
        if (s != null) {
            s.close();
        }
        IceSession next = restarting.getAndSet(null);
        if (next != null) {
            sessions.free(next.localUfrag());
        }
        sessions.free(ice.localUfrag());
    }

    /** JSON-friendly state: ICE, DTLS, SRTP and packet counters. */
    @Override
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ready", isReady());
        m.put("endReason", endReason);
        m.put("ice", ice.debugState());
        IceSession next = restarting.get();
        if (next != null) {
            m.put("iceRestarting", next.debugState());
        }
        m.put("iceRestarts", iceRestarts.get());
        m.put("iceRestartsRequested", iceRestartsRequested.get());
        if (lastRestartMillis >= 0) {
            m.put("lastIceRestartMs", lastRestartMillis);
        }
        DtlsSession d = dtls;
        m.put("dtls", d == null ? null : d.debugState());
        SrtpSession s = srtp;
        m.put("srtp", s == null ? null : s.debugState());
        Map<String, Object> packets = new LinkedHashMap<>();
        packets.put("rtpIn", rtpIn.sum());
        packets.put("rtcpIn", rtcpIn.sum());
        packets.put("dtlsIn", dtlsIn.sum());
        packets.put("rtpOut", rtpOut.sum());
        packets.put("rtcpOut", rtcpOut.sum());
        packets.put("droppedUnknown", droppedUnknown.sum());
        packets.put("droppedBeforeKeys", droppedBeforeKeys.sum());
        packets.put("unprotectFailures", unprotectFailures.sum());
        packets.put("unprotectReplays", unprotectReplays.sum());
        packets.put("protectFailures", protectFailures.sum());
        packets.put("sendFailures", sendFailures.sum());
        m.put("packets", packets);
        return m;
    }
}
