package io.relaycast.sfu.transport;

import io.relaycast.sfu.demux.PacketClassifier;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.dtls.DtlsSession;
import io.relaycast.sfu.ice.CandidateStatus;
import io.relaycast.sfu.ice.DatagramHandler;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.IceSessionListener;
import io.relaycast.sfu.ice.IceEndReason;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpSession;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

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
    /** The current ICE session and, during a restart, the next one. */
    private final IcePaths paths;
    /** The peer's fingerprints the DTLS session checks; a restart must not change them (guarded by this). */
    private List<DtlsFingerprint> remoteFingerprints;
    private final DtlsBinding dtls;
    private final Listener listener;
    private final AtomicBoolean ended = new AtomicBoolean();

    private volatile String endReason;

    private final TransportCounters counters = new TransportCounters();
    private final SrtpPackets packets;

    private WebRtcTransport(IceSessions sessions, IceRole role, IceSession ice, DtlsCertificate certificate,
                            DtlsConfig dtlsConfig, Executor handshakeExecutor, Listener listener) {
        this.sessions = sessions;
        this.paths = new IcePaths(sessions, role, ice);
        this.packets = new SrtpPackets(paths, counters, ended);
        this.dtls = new DtlsBinding(certificate, dtlsConfig, handshakeExecutor, paths, counters);
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
        TransportIceEvents iceListener = new TransportIceEvents();
        IceSession ice = sessions.create(role, iceListener);
        WebRtcTransport transport = new WebRtcTransport(sessions, role, ice, certificate, dtlsConfig,
                handshakeExecutor, listener);
        iceListener.transport = transport;
        ice.setDatagramHandler(transport);
        return transport;
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
        if (dtls.session() == null) {
            throw new RestartRefusedException(RestartRefusal.NOT_NEGOTIATED,
                    "ICE restart before the first offer/answer finished; answer the first offer instead");
        }
        TransportIceEvents listener = new TransportIceEvents();
        listener.transport = this;
        return paths.begin(listener, this, ended);
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
        paths.complete(remoteUfrag, remotePassword, remoteCandidates, endOfCandidates, fingerprints,
                remoteFingerprints);
    }

    /** Drops a restart whose completion was refused (the peer's request was bad); the current path stays. */
    public synchronized void cancelIceRestart(IceSession next) {
        paths.cancel(next);
    }

    /** The peer's ufrag on the current session (null before the remote description). */
    public String remoteUfrag() {
        return paths.current().remoteUfrag();
    }

    /** The peer's ufrag on a restart still under way, or null. */
    public String restartingRemoteUfrag() {
        IceSession next = paths.restarting();
        return next == null ? null : next.remoteUfrag();
    }

    /** Restarts asked for so far (each gets the next SDP session version). */
    public int iceRestartsRequested() {
        return paths.requested();
    }

    /** The fingerprints the peer gave first (a restart without a new SDP keeps them). */
    public synchronized List<DtlsFingerprint> remoteFingerprints() {
        return remoteFingerprints == null ? List.of() : remoteFingerprints;
    }

    /** True while a restarted session waits for the peer or its checks. */
    public boolean isRestartingIce() {
        return paths.restarting() != null;
    }

    /** Completed ICE restarts: how often media moved to a new session. */
    public int iceRestarts() {
        return paths.restarts();
    }

    /**
     * On an ice4j thread: a session selected its pair. As DTLS server we wait for the peer's ClientHello; as client
     * we speak first, now that there is a path (RFC 5763 section 5); a later session finds the handshake started
     * (start() is idempotent). A restarted session takes the media and the old one goes.
     */
    void iceConnected(IceSession session) {
        dtls.onPath();
        if (!paths.onConnected(session, ended.get())) {
            return;
        }
        try {
            listener.onPathChanged(this);
        } catch (RuntimeException e) {
            // the listener's own problem; the restart itself is done
        }
    }

    /** On an ice4j or timer thread: a session ended; the transport ends only if no session can carry it. */
    void iceEnded(IceSession session, IceEndReason reason) {
        String failure = paths.onEnded(session, reason);
        if (failure != null) {
            fail(failure);
        }
    }

    public String localUfrag() {
        return paths.current().localUfrag();
    }

    public String localPassword() {
        return paths.current().localPassword();
    }

    /** Our candidates as {@code candidate:...} values, all known up front (single shared port). */
    public List<String> localCandidates() {
        return paths.current().localCandidates();
    }

    public void setMediaHandler(MediaHandler handler) {
        packets.media = handler == null ? MediaHandler.DROP : handler;
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
        if (dtls.session() != null) {
            throw new IllegalStateException("the remote description is already set");
        }
        IceSession ice = paths.current();
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
        DtlsSession d = dtls.create(localRole, remoteFingerprints, new TransportDtlsEvents(this));
        if (ended.get()) {
            d.close();
        }
        ice.start();
        return true;
    }

    /** True once {@link #connect} has taken the peer's description. */
    public boolean hasRemoteDescription() {
        return dtls.session() != null;
    }

    /**
     * A trickled remote candidate (RFC 8838); see {@link IceSession#addRemoteCandidate}. During an ICE restart it
     * belongs to the new generation (RFC 8838 section 4.4): the browser trickles the candidates it gathers for it.
     */
    public CandidateStatus addRemoteCandidate(String candidateLine) {
        return paths.forTrickle().addRemoteCandidate(candidateLine);
    }

    /** True once SRTP keys are in place and until the transport ends. */
    @Override
    public boolean isReady() {
        return packets.srtp != null && !ended.get();
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** Octets {@link #sendRtp} needs free after the packet (the SRTP auth tag); 16 before the keys are known. */
    @Override
    public int rtpOverhead() {
        return packets.rtpOverhead();
    }

    /** Octets {@link #sendRtcp} needs free after the packet (SRTCP index and tag). */
    @Override
    public int rtcpOverhead() {
        return packets.rtcpOverhead();
    }

    /** The shared port's push callback: demultiplex by first byte (RFC 7983 section 7). */
    @Override
    public void onDatagram(byte[] buf, int off, int len) {
        switch (PacketClassifier.classify(buf, off, len)) {
            case RTP -> packets.receiveRtp(buf, off, len);
            case RTCP -> packets.receiveRtcp(buf, off, len);
            case DTLS -> dtls.onRecord(buf, off, len);
            default -> counters.droppedUnknown.increment(); // ZRTP, TURN channel data, noise (RFC 7983 section 7)
        }
    }

    /** Protects the RTP packet in place and sends it ({@link #rtpOverhead()} octets free after it). */
    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        return packets.sendRtp(buf, off, len);
    }

    @Override
    public int sendRtpKeepProtected(byte[] buf, int off, int len) {
        return packets.sendRtpKeepProtected(buf, off, len);
    }

    @Override
    public boolean sendProtectedRtp(byte[] buf, int off, int len) {
        return packets.sendProtectedRtp(buf, off, len);
    }

    /** Protects the (compound) RTCP packet in place (RFC 3711 section 3.4) and sends it. */
    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        return packets.sendRtcp(buf, off, len);
    }

    /** On the DTLS thread: the handshake exported the keys (RFC 5764 section 4.2: ours are our DTLS role's). */
    void keysReady(SrtpKeyingMaterial keys) {
        if (ended.get()) {
            return;
        }
        SrtpSession srtp = new SrtpSession(keys, dtls.session().role().srtpRole());
        packets.srtp = srtp;
        if (ended.get()) {
            srtp.close();
            return;
        }
        listener.onReady(this);
    }

    void fail(String reason) {
        if (ended.compareAndSet(false, true)) {
            endReason = reason;
            listener.onFailed(this, reason);
        }
    }

    /**
     * Closes DTLS (close_notify, RFC 5246 section 7.2.1), wipes the SRTP keys and frees the ICE session. Does not
     * call the listener. Idempotent. Do not call from an ICE callback (see {@link IceSessionListener}).
     */
    @Override
    public void close() {
        if (ended.compareAndSet(false, true)) {
            endReason = "closed";
        }
        packets.media = MediaHandler.DROP;
        dtls.close();
        SrtpSession s = packets.srtp;
        if (s != null) {
            s.close();
        }
        paths.close();
    }

    /** JSON-friendly state: ICE, DTLS, SRTP and packet counters. */
    @Override
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ready", isReady());
        m.put("endReason", endReason);
        paths.debugState(m);
        m.put("dtls", dtls.debugState());
        SrtpSession s = packets.srtp;
        m.put("srtp", s == null ? null : s.debugState());
        m.put("packets", counters.debugState());
        return m;
    }
}
