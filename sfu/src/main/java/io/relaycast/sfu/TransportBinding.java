package io.relaycast.sfu;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane.CandidateSink;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.ice.CandidateStatus;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsHandshakePool;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.room.Peer;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.Subscriber;
import io.relaycast.sfu.sdp.Fingerprint;
import io.relaycast.sfu.sdp.LocalTransport;
import io.relaycast.sfu.sdp.MediaDescription;
import io.relaycast.sfu.sdp.RemoteTransport;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.transport.WebRtcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Binds peers to transports: creates a {@link WebRtcTransport} on the shared port, describes our side of it for
 * the SDP ({@link LocalTransport}), connects it to what the remote description says (ICE credentials, candidates,
 * DTLS fingerprints and role), trickles our candidates to signaling, and routes the transport's events to its peer
 * ({@link PeerEvents}), freeing a peer whose transport failed on the timer thread.
 */
final class TransportBinding {
    private static final Logger LOG = LoggerFactory.getLogger(TransportBinding.class);

    private final IceSessions sessions;
    private final DtlsCertificate certificate;
    private final DtlsConfig dtlsConfig;
    private final DtlsHandshakePool handshakes;
    private final Fingerprint fingerprint;
    private final ScheduledExecutorService timer;
    private final RoomRegistry rooms;

    TransportBinding(IceSessions sessions, DtlsCertificate certificate, DtlsConfig dtlsConfig,
                     DtlsHandshakePool handshakes, ScheduledExecutorService timer, RoomRegistry rooms) {
        this.sessions = sessions;
        this.certificate = certificate;
        this.dtlsConfig = dtlsConfig;
        this.handshakes = handshakes;
        this.timer = timer;
        this.rooms = rooms;
        String sdp = certificate.sdpFingerprint(); // "sha-256 AB:CD:..."
        this.fingerprint = Fingerprint.sha256(sdp.substring(sdp.indexOf(' ') + 1));
    }

    /** Our certificate's fingerprint as the SDP carries it. */
    Fingerprint fingerprint() {
        return fingerprint;
    }

    /** A new transport in {@code role}, reporting to {@code events} (bound to its peer once that exists). */
    WebRtcTransport newTransport(IceRole role, PeerEvents events) throws MediaException {
        try {
            return WebRtcTransport.create(sessions, role, certificate, dtlsConfig, handshakes, events);
        } catch (IOException e) {
            throw new MediaException("MEDIA_UNAVAILABLE", "no ICE candidate on the media port: " + e.getMessage());
        }
    }

    PeerEvents newEvents() {
        return new PeerEvents();
    }

    LocalTransport local(IceSession session) {
        return local(session.localUfrag(), session.localPassword(), session.localCandidates());
    }

    LocalTransport local(WebRtcTransport transport) {
        return local(transport.localUfrag(), transport.localPassword(), transport.localCandidates());
    }

    private LocalTransport local(String ufrag, String password, List<String> lines) {
        List<io.relaycast.sfu.sdp.IceCandidate> candidates = new ArrayList<>();
        for (String line : lines) {
            try {
                candidates.add(io.relaycast.sfu.sdp.IceCandidate.parse(line));
            } catch (SdpException e) {
                LOG.warn("skipping a local candidate the SDP layer refuses: {} ({})", line, e.getMessage());
            }
        }
        return new LocalTransport(ufrag, password, fingerprint, candidates);
    }

    /** The remote description's fingerprints we can check, strongest hash first (RFC 8122 section 5). */
    static List<DtlsFingerprint> fingerprints(RemoteTransport remote) throws MediaException {
        List<DtlsFingerprint> out = new ArrayList<>();
        for (Fingerprint f : remote.fingerprints()) {
            try {
                out.add(DtlsFingerprint.parse(f.toAttributeValue()));
            } catch (IllegalArgumentException e) {
                // a hash we do not accept (e.g. md5): another line may carry one we do (RFC 8122 section 5)
            }
        }
        if (out.isEmpty()) {
            throw new MediaException("MISSING_FINGERPRINT", "no a=fingerprint with a SHA-1/SHA-2 hash (RFC 8122)");
        }
        return List.copyOf(DtlsFingerprint.strongest(out));
    }

    /** Our side of the negotiated a=setup (RFC 5763 section 5): passive runs the DTLS server. */
    static DtlsRole dtlsRole(boolean weArePassive) {
        return weArePassive ? DtlsRole.SERVER : DtlsRole.CLIENT;
    }

    static List<String> candidateLines(RemoteTransport remote) {
        List<String> lines = new ArrayList<>();
        for (io.relaycast.sfu.sdp.IceCandidate c : remote.candidates()) {
            lines.add(c.toCandidateString());
        }
        return lines;
    }

    static void connect(WebRtcTransport transport, RemoteTransport remote, List<DtlsFingerprint> fingerprints,
                        DtlsRole localRole) throws MediaException {
        if (!transport.connect(remote.iceUfrag(), remote.icePwd(), candidateLines(remote), remote.endOfCandidates(),
                fingerprints, localRole)) {
            throw new MediaException("INVALID_ICE_CREDENTIALS",
                    "a=ice-ufrag / a=ice-pwd are not valid ice-chars of 4+ / 22+ characters (RFC 8839 section 5.4)");
        }
    }

    /**
     * Tells signaling our candidates for the Socket.IO path, which trickles (RFC 8838); they are in the SDP too,
     * because the browser must send the first check on the shared port and WHIP/WHEP have no server-side trickle.
     */
    static void trickleOwnCandidates(WebRtcTransport transport, SessionDescription description, CandidateSink sink) {
        String mid = null;
        int index = 0;
        List<MediaDescription> media = description.media();
        for (int i = 0; i < media.size(); i++) {
            if (!media.get(i).isRejected() && media.get(i).mid().isPresent()) {
                mid = media.get(i).mid().get();
                index = i;
                break;
            }
        }
        for (String line : transport.localCandidates()) {
            try {
                sink.onLocalCandidate(new IceCandidate(line, mid, index));
            } catch (RuntimeException e) {
                LOG.debug("candidate sink failed", e);
            }
        }
    }

    /** A trickled candidate of the peer (RFC 8838); an empty one ends its candidates. */
    static void addRemoteCandidate(Peer peer, IceCandidate candidate, String streamId, String peerId)
            throws MediaException {
        String line = candidate == null || candidate.isEndOfCandidates() ? "" : candidate.candidate().strip();
        if (!line.isEmpty() && !line.regionMatches(true, 0, "candidate:", 0, 10)) {
            line = "candidate:" + line;
        }
        CandidateStatus status = webRtc(peer).addRemoteCandidate(line);
        switch (status) {
            case MALFORMED -> throw new MediaException("INVALID_CANDIDATE",
                    "not an RFC 8839 candidate: " + abbreviate(line));
            case ACCEPTED, END_OF_CANDIDATES, DUPLICATE -> {
            }
            // tcp, mDNS names, other generations: nothing wrong, just nothing we use (the browser checks us first)
            default -> LOG.debug("stream {} peer {}: candidate {} not used: {}", streamId, peerId, abbreviate(line),
                    status);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** Every peer the SFU creates runs on a {@link WebRtcTransport}; rooms only see its packet side. */
    static WebRtcTransport webRtc(Peer peer) {
        return (WebRtcTransport) peer.transport();
    }

    /** A peer's transport ended on its own: free it and tell signaling, on the timer thread. */
    private void peerFailed(PeerEvents events, String reason) {
        Peer peer = events.peer;
        Room room = events.room;
        if (peer == null || room == null) {
            return;
        }
        boolean wasMember = RoomRegistry.removeFrom(room, peer);
        peer.close();
        if (!wasMember) {
            return; // signaling closed it first, or a newer peer replaced it
        }
        LOG.info("stream {}: {} {} gone: {}", room.streamId(), peer instanceof Publisher ? "publisher" : "viewer",
                peer.peerId(), reason);
        rooms.dropIfEmpty(room);
        try {
            peer.signaling().onPeerClosed(reason);
        } catch (RuntimeException e) {
            LOG.warn("signaling failed to take the end of peer {}", peer.peerId(), e);
        }
    }

    /** Transport events of one peer; bound to the peer once it exists (its transport is created first). */
    final class PeerEvents implements WebRtcTransport.Listener {
        volatile Peer peer;
        volatile Room room;
        private boolean readyEarly;

        synchronized void bind(Peer peer, Room room) {
            this.peer = peer;
            this.room = room;
            if (readyEarly) {
                peer.onTransportReady();
            }
        }

        @Override
        public void onReady(WebRtcTransport transport) {
            Peer p;
            synchronized (this) {
                p = peer;
                if (p == null) {
                    readyEarly = true;
                    return;
                }
            }
            p.onTransportReady();
        }

        @Override
        public void onPathChanged(WebRtcTransport transport) {
            // a viewer back after an ICE restart lost whatever was sent on the broken path: a keyframe lets it
            // decode again at once instead of after its own PLI (throttled per room like every request)
            Room r = room;
            if (peer instanceof Subscriber && r != null) {
                r.requestKeyframe();
            }
        }

        @Override
        public void onFailed(WebRtcTransport transport, String reason) {
            // not on the ICE or DTLS thread that reports it: closing frees that very agent or session
            try {
                timer.execute(() -> peerFailed(this, reason));
            } catch (RejectedExecutionException e) {
                // shutting down: close() frees everything
            }
        }
    }
}
