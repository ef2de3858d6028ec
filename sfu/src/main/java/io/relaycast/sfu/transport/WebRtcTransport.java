package io.relaycast.sfu.transport;

import io.relaycast.sfu.demux.PacketClassifier;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsHandshakeException;
import io.relaycast.sfu.dtls.DtlsServerSession;
import io.relaycast.sfu.ice.CandidateStatus;
import io.relaycast.sfu.ice.DatagramHandler;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.ice.SelectedPair;
import io.relaycast.sfu.ice.SendStatus;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;

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
 * One peer connection's transport: {@link IceSession} (the path) + {@link DtlsServerSession} (the keys) +
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
 * <p>We are always the DTLS server (a=setup:passive toward publishers, active demanded of viewers; RFC 5763 section
 * 5): the handshake thread starts on the first DTLS record from the peer, which the browser sends once ICE works.
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
    }

    private final IceSessions sessions;
    private final IceSession ice;
    private final DtlsCertificate certificate;
    private final DtlsConfig dtlsConfig;
    private final Executor handshakeExecutor;
    private final Listener listener;
    private final AtomicBoolean ended = new AtomicBoolean();

    private volatile DtlsServerSession dtls;
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

    private WebRtcTransport(IceSessions sessions, IceSession ice, DtlsCertificate certificate, DtlsConfig dtlsConfig,
                            Executor handshakeExecutor, Listener listener) {
        this.sessions = sessions;
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
        WebRtcTransport transport = new WebRtcTransport(sessions, ice, certificate, dtlsConfig, handshakeExecutor,
                listener);
        iceListener.transport = transport;
        ice.setDatagramHandler(transport);
        return transport;
    }

    /** Routes ICE events to the transport created after the session (the session must exist first). */
    private static final class IceListener implements IceSession.Listener {
        volatile WebRtcTransport transport;

        @Override
        public void onConnected(IceSession session, SelectedPair pair) {
            // nothing to do: the browser, DTLS client, speaks first (RFC 5763 section 5)
        }

        @Override
        public void onFailed(IceSession session, IceSession.EndReason reason) {
            WebRtcTransport t = transport;
            if (t != null) {
                t.fail("ICE " + reason.name().toLowerCase().replace('_', ' '));
            }
        }

        @Override
        public void onClosed(IceSession session, IceSession.EndReason reason) {
            WebRtcTransport t = transport;
            if (t != null) {
                t.fail("ICE " + reason.name().toLowerCase().replace('_', ' '));
            }
        }
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
     * The peer's ICE credentials and SDP candidates, and its DTLS fingerprints; then ICE starts.
     *
     * @return false when the credentials are not valid RFC 8839 values
     */
    public synchronized boolean connect(String remoteUfrag, String remotePassword, Collection<String> remoteCandidates,
                                        boolean endOfCandidates, Collection<DtlsFingerprint> remoteFingerprints) {
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
        // created now, started on the first DTLS record: offer() queues until then (RFC 6347 section 4.2.4)
        dtls = new DtlsServerSession(certificate, remoteFingerprints, this::sendDtls, dtlsConfig, new DtlsEvents());
        if (ended.get()) {
            dtls.close();
        }
        ice.start();
        return true;
    }

    /** True once {@link #connect} has taken the peer's description. */
    public boolean hasRemoteDescription() {
        return dtls != null;
    }

    /** A trickled remote candidate (RFC 8838); see {@link IceSession#addRemoteCandidate}. */
    public CandidateStatus addRemoteCandidate(String candidateLine) {
        return ice.addRemoteCandidate(candidateLine);
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
                    unprotectFailures.increment();
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
                    unprotectFailures.increment();
                    return;
                }
                rtcpIn.increment();
                media.onRtcp(buf, off, plain);
            }
            case DTLS -> {
                DtlsServerSession d = dtls;
                if (d == null) {
                    droppedBeforeKeys.increment(); // before the remote description: the client retransmits
                    return;
                }
                dtlsIn.increment();
                d.offer(buf, off, len);
                if (d.state() == DtlsServerSession.State.NEW) {
                    d.start(handshakeExecutor);
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
    private final class DtlsEvents implements DtlsServerSession.Listener {
        @Override
        public void onHandshakeComplete(SrtpKeyingMaterial keys) {
            if (ended.get()) {
                return;
            }
            // RFC 5764 section 4.2: we are the DTLS server, so our side of the exported keys is the server's
            srtp = new SrtpSession(keys, SrtpRole.SERVER);
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
        public void onClosed(DtlsServerSession.CloseCause cause) {
            if (cause != DtlsServerSession.CloseCause.LOCAL) {
                fail(cause == DtlsServerSession.CloseCause.PEER_CLOSE_NOTIFY ? "the peer closed DTLS" : "DTLS error");
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
        DtlsServerSession d = dtls;
        if (d != null) {
            d.close();
        }
        SrtpSession s = srtp;
        if (s != null) {
            s.close();
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
        DtlsServerSession d = dtls;
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
        packets.put("protectFailures", protectFailures.sum());
        packets.put("sendFailures", sendFailures.sum());
        m.put("packets", packets);
        return m;
    }
}
