package io.relaycast.sfu;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.ice.CandidateStatus;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.sfu.ice.IceHarvesters;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.room.Peer;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.LayerSelector;
import io.relaycast.sfu.room.Subscriber;
import io.relaycast.sfu.sdp.Fingerprint;
import io.relaycast.sfu.sdp.LocalTransport;
import io.relaycast.sfu.sdp.MediaDescription;
import io.relaycast.sfu.sdp.MediaKind;
import io.relaycast.sfu.sdp.PublishedTracks;
import io.relaycast.sfu.sdp.PublisherAnswer;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.RemoteTransport;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SdpLimits;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.SubscriberAnswer;
import io.relaycast.sfu.sdp.SubscriberAnswerReader;
import io.relaycast.sfu.sdp.SubscriberOfferBuilder;
import io.relaycast.sfu.sdp.SupportedCodecs;
import io.relaycast.sfu.sdp.ViewerAnswer;
import io.relaycast.sfu.sdp.ViewerAnswerBuilder;
import io.relaycast.sfu.sdp.ViewerSsrcs;
import io.relaycast.sfu.sdp.ViewerTrack;
import io.relaycast.sfu.srtp.SrtpCryptoBackend;
import io.relaycast.sfu.srtp.SrtpCryptoSetup;
import io.relaycast.sfu.transport.WebRtcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The media plane of one node: a selective forwarding unit for one-to-many broadcasts.
 *
 * <p>It owns the shared UDP port ({@link IceHarvesters}) and the ICE sessions on it, the process's DTLS certificate,
 * the rooms by stream id, and two thread pools: DTLS handshakes (bctls blocks a thread per handshake in progress)
 * and one timer (deferred keyframe requests, freeing peers that failed). The packet path itself runs on the shared
 * port's read thread and never waits for either.
 *
 * <p>Signaling calls the {@link MediaPlane} methods; they build the SDP, create or free transports and change room
 * membership under the room's monitor, which the packet path never takes. A peer that fails on its own (ICE
 * failed, consent expired, DTLS failed or closed by the browser) is removed on the timer thread and reported through
 * its {@link CandidateSink#onPeerClosed}; peers closed by signaling are not reported back.
 */
public final class Sfu implements MediaPlane, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sfu.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** DTLS handshakes in progress at once; more are refused (the browser retries its ClientHello). */
    private static final int MAX_HANDSHAKES = 64;

    private final IceHarvesters harvesters;
    private final IceSessions sessions;
    private final DtlsCertificate certificate = DtlsCertificate.processWide();
    private final DtlsConfig dtlsConfig = DtlsConfig.defaults();
    private final Fingerprint fingerprint;
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor handshakes;
    private final PublisherAnswerBuilder publisherAnswers;
    private final SubscriberOfferBuilder subscriberOffers = new SubscriberOfferBuilder();
    private final SubscriberAnswerReader subscriberAnswers;
    private final ViewerAnswerBuilder viewerAnswers;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final int publisherMaxKbps;

    private Sfu(IceHarvesters harvesters, IceConfig ice, SdpLimits limits, MediaConfig media) {
        this.harvesters = harvesters;
        this.sessions = new IceSessions(harvesters, ice);
        String sdp = certificate.sdpFingerprint(); // "sha-256 AB:CD:..."
        this.fingerprint = Fingerprint.sha256(sdp.substring(sdp.indexOf(' ') + 1));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("sfu-timer"));
        this.handshakes = new ThreadPoolExecutor(0, MAX_HANDSHAKES, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("sfu-dtls"));
        this.publisherMaxKbps = media.publisherMaxKbps() > 0 ? media.publisherMaxKbps()
                : MediaConfig.DEFAULT_PUBLISHER_MAX_KBPS;
        this.publisherAnswers = new PublisherAnswerBuilder(SupportedCodecs.defaults(), limits,
                media.publisherStartKbps(), media.publisherMaxKbps());
        this.subscriberAnswers = new SubscriberAnswerReader(limits);
        this.viewerAnswers = new ViewerAnswerBuilder(limits);
    }

    /**
     * Binds the media port and starts the SFU.
     *
     * @throws IOException when the UDP port cannot be bound (taken, no usable address)
     */
    public static Sfu start(MediaConfig media, IceConfig ice) throws IOException {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(ice, "ice");
        SrtpCryptoSetup.configure(SrtpCryptoBackend.AUTO);
        IceHarvesters harvesters = new IceHarvesters(media, ice);
        try {
            Sfu sfu = new Sfu(harvesters, ice, SdpLimits.DEFAULTS, media);
            LOG.info("SFU ready on UDP port {} (DTLS {}, SRTP on {})", harvesters.port(), certificate(sfu),
                    SrtpCryptoSetup.effective());
            return sfu;
        } catch (RuntimeException e) {
            harvesters.close();
            throw e;
        }
    }

    private static String certificate(Sfu sfu) {
        return sfu.certificate.sdpFingerprint();
    }

    /** The shared UDP port every peer connection uses. */
    public int udpPort() {
        return harvesters.port();
    }

    public boolean isOpen() {
        return !closed;
    }

    // ---- MediaPlane ----

    @Override
    public String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        ensureOpen();
        PeerEvents events = new PeerEvents();
        WebRtcTransport transport = newTransport(IceRole.forOfferer(false), events);
        Room room = null;
        try {
            PublisherAnswer answer = publisherAnswers.answer(sdpOffer, local(transport));
            if (!answer.isDtlsServer()) {
                // the offer said a=setup:passive (ffmpeg's WHIP muxer): we would have to be the DTLS client
                throw new MediaException("DTLS_CLIENT_UNSUPPORTED", "the offer asks the server to be the DTLS client"
                        + " (a=setup:passive); Relaycast is always the DTLS server: offer a=setup:actpass or active");
            }
            List<DtlsFingerprint> fingerprints = fingerprints(answer.remote());
            Publisher publisher;
            Publisher replaced;
            while (true) {
                room = openRoom(streamId);
                synchronized (room) {
                    if (room.isClosed()) {
                        continue;
                    }
                    publisher = new Publisher(peerId, transport, candidates, answer.tracks(), room);
                    publisher.setRembBitrate(publisherMaxKbps * 1000L);
                    events.bind(publisher, room);
                    transport.setMediaHandler(publisher);
                    connect(transport, answer.remote(), fingerprints);
                    replaced = room.setPublisher(publisher);
                }
                break;
            }
            if (replaced != null) {
                LOG.info("stream {}: publisher {} replaces {}", streamId, peerId, replaced.peerId());
                replaced.close();
            }
            LOG.info("stream {}: publisher {} with {}", streamId, peerId, publisher.debugState().get("tracks"));
            trickleOwnCandidates(transport, answer.answer(), candidates);
            return answer.answerSdp();
        } catch (SdpException e) {
            failed(transport, room);
            throw new MediaException(e.code(), e.getMessage());
        } catch (MediaException | RuntimeException e) {
            failed(transport, room);
            throw e;
        }
    }

    /** Undoes a publish that failed half-way: the transport goes, and so does a room it left empty. */
    private void failed(WebRtcTransport transport, Room room) {
        transport.close();
        if (room != null) {
            dropIfEmpty(room);
        }
    }

    @Override
    public String subscribe(String streamId, String peerId, CandidateSink candidates) throws MediaException {
        ensureOpen();
        Room room = rooms.get(streamId);
        Publisher publisher = room == null ? null : room.publisher();
        if (publisher == null) {
            throw notPublished(streamId);
        }
        PeerEvents events = new PeerEvents();
        WebRtcTransport transport = newTransport(IceRole.forOfferer(true), events);
        try {
            PublishedTracks tracks = publisher.tracks();
            ViewerSsrcs ssrcs = viewerSsrcs(tracks);
            SessionDescription offer = subscriberOffers.offer(tracks, local(transport), ssrcs);
            Subscriber subscriber = new Subscriber(peerId, transport, candidates, room, ssrcs, offer, tracks);
            events.bind(subscriber, room);
            transport.setMediaHandler(subscriber);
            addSubscriber(room, subscriber, streamId);
            trickleOwnCandidates(transport, offer, candidates);
            return offer.serialize();
        } catch (MediaException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    @Override
    public String answerViewer(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        ensureOpen();
        Room room = rooms.get(streamId);
        Publisher publisher = room == null ? null : room.publisher();
        if (publisher == null) {
            throw notPublished(streamId);
        }
        PeerEvents events = new PeerEvents();
        WebRtcTransport transport = newTransport(IceRole.forOfferer(false), events);
        try {
            PublishedTracks tracks = publisher.tracks();
            ViewerSsrcs ssrcs = viewerSsrcs(tracks);
            ViewerAnswer answer = viewerAnswers.answer(sdpOffer, tracks, local(transport), ssrcs);
            if (!answer.isDtlsServer()) {
                throw new MediaException("DTLS_CLIENT_UNSUPPORTED", "the offer asks the server to be the DTLS client"
                        + " (a=setup:passive); Relaycast is always the DTLS server: offer a=setup:actpass or active");
            }
            List<DtlsFingerprint> fingerprints = fingerprints(answer.remote());
            Subscriber subscriber = new Subscriber(peerId, transport, candidates, room, ssrcs, null, tracks);
            subscriber.negotiated(answer.track(MediaKind.AUDIO).orElse(null), answer.track(MediaKind.VIDEO).orElse(null),
                    tracks);
            events.bind(subscriber, room);
            transport.setMediaHandler(subscriber);
            connect(transport, answer.remote(), fingerprints);
            addSubscriber(room, subscriber, streamId);
            trickleOwnCandidates(transport, answer.answer(), candidates);
            return answer.answerSdp();
        } catch (SdpException e) {
            transport.close();
            throw new MediaException(e.code(), e.getMessage());
        } catch (MediaException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    @Override
    public void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException {
        ensureOpen();
        Room room = rooms.get(streamId);
        Subscriber subscriber = room == null ? null : room.subscriber(peerId);
        if (subscriber == null) {
            throw unknownPeer(streamId, peerId);
        }
        if (subscriber.offer() == null || webRtc(subscriber).hasRemoteDescription()) {
            throw new MediaException("INVALID_STATE", "this viewer has no offer of ours waiting for an answer");
        }
        SubscriberAnswer answer;
        try {
            answer = subscriberAnswers.read(subscriber.offer(), sdpAnswer);
        } catch (SdpException e) {
            throw new MediaException(e.code(), e.getMessage());
        }
        PublishedTracks offered = subscriber.offeredTracks();
        ViewerTrack audio = answer.track(MediaKind.AUDIO).filter(t -> offered.audio() != null)
                .map(t -> ViewerTrack.fromAnswer(t, offered.audio())).orElse(null);
        ViewerTrack video = answer.track(MediaKind.VIDEO).filter(t -> offered.video() != null)
                .map(t -> ViewerTrack.fromAnswer(t, offered.video())).orElse(null);
        Publisher current = room.publisher();
        subscriber.negotiated(audio, video, current != null ? current.tracks() : offered);
        connect(webRtc(subscriber), answer.remote(), fingerprints(answer.remote()));
    }

    @Override
    public void addRemoteCandidate(String streamId, String peerId, IceCandidate candidate) throws MediaException {
        ensureOpen();
        Peer peer = peer(streamId, peerId);
        if (peer == null) {
            throw unknownPeer(streamId, peerId);
        }
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

    @Override
    public void close(String streamId, String peerId) {
        Room room = rooms.get(streamId);
        if (room == null) {
            return;
        }
        Peer peer = peer(streamId, peerId);
        if (peer != null && remove(room, peer)) {
            peer.close();
            LOG.info("stream {}: {} {} left", streamId, peer instanceof Publisher ? "publisher" : "viewer", peerId);
        }
        dropIfEmpty(room);
    }

    @Override
    public void closeStream(String streamId) {
        Room room = rooms.remove(streamId);
        if (room == null) {
            return;
        }
        List<Object> peers = room.close();
        for (Object peer : peers) {
            ((Peer) peer).close();
        }
        LOG.info("stream {} closed: {} peer(s) disconnected", streamId, peers.size());
    }

    @Override
    public boolean isPublished(String streamId) {
        Room room = rooms.get(streamId);
        return room != null && room.publisher() != null;
    }

    /** The room of a stream, for taps (recorder, HLS bridge); null when nobody publishes or watches it. */
    public Room room(String streamId) {
        return rooms.get(streamId);
    }

    @Override
    public Map<String, Object> mediaStats(String streamId) {
        Room room = rooms.get(streamId);
        return room == null ? null : room.debugState();
    }

    @Override
    public void setQuality(String streamId, String peerId, String quality) throws MediaException {
        LayerSelector.Quality q;
        try {
            q = LayerSelector.Quality.valueOf(quality.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MediaException("INVALID_QUALITY", "quality must be auto, high, medium or low");
        }
        Room room = rooms.get(streamId);
        Subscriber viewer = room == null ? null : room.subscriber(peerId);
        if (viewer == null) {
            throw new MediaException("NOT_IN_STREAM", "no viewer " + peerId + " in stream " + streamId);
        }
        viewer.setQuality(q);
    }

    // ---- plumbing ----

    private void ensureOpen() throws MediaException {
        if (closed) {
            throw new MediaException("MEDIA_UNAVAILABLE", "the media plane is shutting down");
        }
    }

    private WebRtcTransport newTransport(IceRole role, PeerEvents events) throws MediaException {
        try {
            return WebRtcTransport.create(sessions, role, certificate, dtlsConfig, handshakes, events);
        } catch (IOException e) {
            throw new MediaException("MEDIA_UNAVAILABLE", "no ICE candidate on the media port: " + e.getMessage());
        }
    }

    private LocalTransport local(WebRtcTransport transport) {
        List<io.relaycast.sfu.sdp.IceCandidate> candidates = new ArrayList<>();
        for (String line : transport.localCandidates()) {
            try {
                candidates.add(io.relaycast.sfu.sdp.IceCandidate.parse(line));
            } catch (SdpException e) {
                LOG.warn("skipping a local candidate the SDP layer refuses: {} ({})", line, e.getMessage());
            }
        }
        return new LocalTransport(transport.localUfrag(), transport.localPassword(), fingerprint, candidates);
    }

    private static List<DtlsFingerprint> fingerprints(RemoteTransport remote) throws MediaException {
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

    private static void connect(WebRtcTransport transport, RemoteTransport remote, List<DtlsFingerprint> fingerprints)
            throws MediaException {
        List<String> lines = new ArrayList<>();
        for (io.relaycast.sfu.sdp.IceCandidate c : remote.candidates()) {
            lines.add(c.toCandidateString());
        }
        if (!transport.connect(remote.iceUfrag(), remote.icePwd(), lines, remote.endOfCandidates(), fingerprints)) {
            throw new MediaException("INVALID_ICE_CREDENTIALS",
                    "a=ice-ufrag / a=ice-pwd are not valid ice-chars of 4+ / 22+ characters (RFC 8839 section 5.4)");
        }
    }

    /**
     * Tells signaling our candidates for the Socket.IO path, which trickles (RFC 8838); they are in the SDP too,
     * because the browser must send the first check on the shared port and WHIP/WHEP have no server-side trickle.
     */
    private static void trickleOwnCandidates(WebRtcTransport transport, SessionDescription description,
                                             CandidateSink sink) {
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

    private Room openRoom(String streamId) {
        while (true) {
            Room room = rooms.computeIfAbsent(streamId, id -> new Room(id, timer));
            if (!room.isClosed()) {
                return room;
            }
            rooms.remove(streamId, room);
        }
    }

    private void addSubscriber(Room room, Subscriber subscriber, String streamId) throws MediaException {
        Subscriber replaced;
        synchronized (room) {
            if (room.isClosed() || room.publisher() == null) {
                throw notPublished(streamId);
            }
            replaced = room.addSubscriber(subscriber);
        }
        if (replaced != null) {
            replaced.close();
        }
        LOG.info("stream {}: viewer {} joins ({} viewer(s))", streamId, subscriber.peerId(), room.subscriberCount());
    }

    private static ViewerSsrcs viewerSsrcs(PublishedTracks tracks) {
        long audio = tracks.audio() == null ? 0 : randomSsrc();
        long video;
        do {
            video = tracks.video() == null ? 0 : randomSsrc();
        } while (video != 0 && video == audio);
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String token = HexFormat.of().formatHex(id);
        long rtx;
        do {
            // RFC 4588 section 5: retransmissions to the viewer go on their own SSRC (session multiplexing)
            rtx = video == 0 ? 0 : randomSsrc();
        } while (rtx != 0 && (rtx == video || rtx == audio));
        return new ViewerSsrcs(audio, video, rtx, "rc-" + token, "relaycast-" + token);
    }

    private static long randomSsrc() {
        return 1 + (RANDOM.nextInt() & 0xFFFF_FFFFL) % 0xFFFF_FFFEL;
    }

    private Peer peer(String streamId, String peerId) {
        Room room = rooms.get(streamId);
        if (room == null) {
            return null;
        }
        Publisher publisher = room.publisher();
        if (publisher != null && publisher.peerId().equals(peerId)) {
            return publisher;
        }
        return room.subscriber(peerId);
    }

    /** Every peer the SFU creates runs on a {@link WebRtcTransport}; rooms only see its packet side. */
    private static WebRtcTransport webRtc(Peer peer) {
        return (WebRtcTransport) peer.transport();
    }

    private static boolean remove(Room room, Peer peer) {
        return peer instanceof Publisher p ? room.removePublisher(p) : room.removeSubscriber((Subscriber) peer);
    }

    private void dropIfEmpty(Room room) {
        if (room.closeIfEmpty()) {
            rooms.remove(room.streamId(), room);
        }
    }

    /** A peer's transport ended on its own: free it and tell signaling, on the timer thread. */
    private void peerFailed(PeerEvents events, String reason) {
        Peer peer = events.peer;
        Room room = events.room;
        if (peer == null || room == null) {
            return;
        }
        boolean wasMember = remove(room, peer);
        peer.close();
        if (!wasMember) {
            return; // signaling closed it first, or a newer peer replaced it
        }
        LOG.info("stream {}: {} {} gone: {}", room.streamId(), peer instanceof Publisher ? "publisher" : "viewer",
                peer.peerId(), reason);
        dropIfEmpty(room);
        try {
            peer.signaling().onPeerClosed(reason);
        } catch (RuntimeException e) {
            LOG.warn("signaling failed to take the end of peer {}", peer.peerId(), e);
        }
    }

    /** Transport events of one peer; bound to the peer once it exists (its transport is created first). */
    private final class PeerEvents implements WebRtcTransport.Listener {
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
        public void onFailed(WebRtcTransport transport, String reason) {
            // not on the ICE or DTLS thread that reports it: closing frees that very agent or session
            try {
                timer.execute(() -> peerFailed(this, reason));
            } catch (RejectedExecutionException e) {
                // shutting down: close() frees everything
            }
        }
    }

    private static MediaException notPublished(String streamId) {
        return new MediaException("NOT_PUBLISHED", "nobody publishes stream " + streamId + " on this node");
    }

    private static MediaException unknownPeer(String streamId, String peerId) {
        return new MediaException("UNKNOWN_PEER", "no peer " + peerId + " in stream " + streamId);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** JSON-friendly state of everything: the port, ICE sessions, and every room with its peers. */
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("udpPort", harvesters.port());
        m.put("open", !closed);
        m.put("iceSessions", sessions.size());
        m.put("dtlsHandshakesRunning", handshakes.getActiveCount());
        m.put("srtpBackend", String.valueOf(SrtpCryptoSetup.effective()));
        Map<String, Object> all = new LinkedHashMap<>();
        for (Room room : rooms.values()) {
            all.put(room.streamId(), room.debugState());
        }
        m.put("rooms", all);
        return m;
    }

    /** Disconnects every peer, frees the port and stops the threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String streamId : List.copyOf(rooms.keySet())) {
            closeStream(streamId);
        }
        sessions.close();
        harvesters.close();
        timer.shutdownNow();
        handshakes.shutdownNow();
        LOG.info("SFU stopped");
    }
}
