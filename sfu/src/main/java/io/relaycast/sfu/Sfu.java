package io.relaycast.sfu;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.MediaSocketStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.forward.ForwardingConfig;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.room.MediaPacket;
import io.relaycast.sfu.config.SocketBufferConfig;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsRole;
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
import io.relaycast.sfu.sdp.IceRestartSdp;
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
import java.util.concurrent.ThreadFactory;
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

    private final IceHarvesters harvesters;
    private final IceSessions sessions;
    private final DtlsCertificate certificate = DtlsCertificate.processWide();
    private final DtlsConfig dtlsConfig;
    private final Fingerprint fingerprint;
    private final ScheduledExecutorService timer;
    private final io.relaycast.sfu.dtls.DtlsHandshakePool handshakes;
    private final PublisherAnswerBuilder publisherAnswers;
    private final SubscriberOfferBuilder subscriberOffers = new SubscriberOfferBuilder();
    private final SubscriberAnswerReader subscriberAnswers;
    private final ViewerAnswerBuilder viewerAnswers;
    private final SocketBufferConfig socketBuffers;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final int publisherMaxKbps;
    private final ForwardingWorkers<MediaPacket> forwarding;
    private final io.relaycast.sfu.ingest.LocalIngest localIngest;

    private Sfu(IceHarvesters harvesters, IceConfig ice, SdpLimits limits, MediaConfig media,
                ForwardingConfig forwardingConfig) {
        this.harvesters = harvesters;
        this.sessions = new IceSessions(harvesters, ice);
        String sdp = certificate.sdpFingerprint(); // "sha-256 AB:CD:..."
        this.fingerprint = Fingerprint.sha256(sdp.substring(sdp.indexOf(' ') + 1));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("sfu-timer"));
        // limits per node and per remote address, and a short timeout, so silent peers cannot starve it (issue 11)
        this.dtlsConfig = DtlsConfig.defaults().withHandshakeTimeout(media.dtls().handshakeTimeout());
        this.handshakes = new io.relaycast.sfu.dtls.DtlsHandshakePool(media.dtls(), daemon("sfu-dtls"));
        this.publisherMaxKbps = media.publisherMaxKbps() > 0 ? media.publisherMaxKbps()
                : MediaConfig.DEFAULT_PUBLISHER_MAX_KBPS;
        this.publisherAnswers = new PublisherAnswerBuilder(SupportedCodecs.defaults(), limits,
                media.publisherStartKbps(), media.publisherMaxKbps());
        this.subscriberAnswers = new SubscriberAnswerReader(limits);
        this.viewerAnswers = new ViewerAnswerBuilder(limits);
        this.forwarding = new ForwardingWorkers<>(forwardingConfig, MediaPacket.MAX_LENGTH, MediaPacket::new);
        this.socketBuffers = media.socketBuffers();
        this.localIngest = new io.relaycast.sfu.ingest.LocalIngest(publisherAnswers, fingerprint,
                new io.relaycast.sfu.ingest.LocalIngest.Rooms() {
                    public Room open(String streamId) {
                        return openRoom(streamId);
                    }

                    public void dropIfEmpty(Room room) {
                        Sfu.this.dropIfEmpty(room);
                    }
                });
    }

    /**
     * Binds the media port and starts the SFU.
     *
     * @throws IOException when the UDP port cannot be bound (taken, no usable address)
     */
    public static Sfu start(MediaConfig media, IceConfig ice) throws IOException {
        return start(media, ice, ForwardingConfig.defaults());
    }

    /**
     * Binds the media port and starts the SFU with {@code forwarding} threads fanning streams out.
     *
     * @throws IOException when the UDP port cannot be bound (taken, no usable address)
     */
    public static Sfu start(MediaConfig media, IceConfig ice, ForwardingConfig forwarding) throws IOException {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(forwarding, "forwarding");
        SrtpCryptoSetup.configure(SrtpCryptoBackend.AUTO);
        IceHarvesters harvesters = new IceHarvesters(media, ice, forwarding.threads());
        try {
            Sfu sfu = new Sfu(harvesters, ice, SdpLimits.DEFAULTS, media, forwarding);
            LOG.info("SFU ready on UDP port {}{} (DTLS {}, SRTP on {}, {} forwarding threads)", harvesters.port(),
                    harvesters.tcp() == null ? "" : " and ICE-TCP port " + harvesters.tcp().port(), certificate(sfu),
                    SrtpCryptoSetup.effective(), forwarding.threads());
            return sfu;
        } catch (RuntimeException e) {
            harvesters.close();
            throw e;
        }
    }

    private static String certificate(Sfu sfu) {
        return sfu.certificate.sdpFingerprint();
    }

    /** The ICE-TCP port (RFC 6544), or 0 when {@code tcp-port} is off. */
    public int tcpPort() {
        return harvesters.tcp() == null ? 0 : harvesters.tcp().port();
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
        String restarted = publisherIceRestart(streamId, peerId, sdpOffer);
        if (restarted != null) {
            return restarted;
        }
        PeerEvents events = new PeerEvents();
        WebRtcTransport transport = newTransport(IceRole.forOfferer(false), events);
        Room room = null;
        try {
            PublisherAnswer answer = publisherAnswers.answer(sdpOffer, local(transport));
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
                    connect(transport, answer.remote(), fingerprints, dtlsRole(answer.isDtlsServer()));
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

    @Override
    public io.relaycast.sfu.api.LocalPublication publishLocal(String streamId, String peerId, String sdpOffer,
                                                           CandidateSink sink) throws MediaException {
        ensureOpen();
        return localIngest.publish(streamId, peerId, sdpOffer, sink);
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
            List<DtlsFingerprint> fingerprints = fingerprints(answer.remote());
            Subscriber subscriber = new Subscriber(peerId, transport, candidates, room, ssrcs, null, tracks);
            subscriber.negotiated(answer.track(MediaKind.AUDIO).orElse(null), answer.track(MediaKind.VIDEO).orElse(null),
                    tracks);
            events.bind(subscriber, room);
            transport.setMediaHandler(subscriber);
            connect(transport, answer.remote(), fingerprints, dtlsRole(answer.isDtlsServer()));
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
        WebRtcTransport transport = webRtc(subscriber);
        if (subscriber.offer() != null && transport.hasRemoteDescription() && transport.isRestartingIce()) {
            acceptRestartAnswer(subscriber, transport, sdpAnswer);
            return;
        }
        if (subscriber.offer() == null || transport.hasRemoteDescription()) {
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
        // the viewer answered a=setup:active to our actpass (SubscriberAnswerReader insists): we are the server
        connect(webRtc(subscriber), answer.remote(), fingerprints(answer.remote()), DtlsRole.SERVER);
    }

    @Override
    public String restartIce(String streamId, String peerId) throws MediaException {
        ensureOpen();
        Room room = rooms.get(streamId);
        Subscriber subscriber = room == null ? null : room.subscriber(peerId);
        if (subscriber == null) {
            throw unknownPeer(streamId, peerId);
        }
        if (subscriber.offer() == null) {
            throw new MediaException("INVALID_STATE", "this viewer made the offer (WHEP): it restarts ICE itself,"
                    + " with a PATCH carrying its new ice-ufrag and ice-pwd (RFC 9725 section 4.4.1)");
        }
        WebRtcTransport transport = webRtc(subscriber);
        io.relaycast.sfu.ice.IceSession next = restart(transport, streamId, peerId);
        // the same offer, m-lines, codecs, SSRCs, fingerprint and setup; only the ICE credentials and the session
        // version change (RFC 8839 section 4.4.1.1.1, RFC 3264 section 8). Our candidates are the same addresses on
        // the same shared port and are in the SDP; they are not trickled again: trickled before the browser has the
        // new offer, they would land in the old generation
        String sdp = IceRestartSdp.withNewCredentials(subscriber.offer().serialize(), next.localUfrag(),
                next.localPassword(), transport.iceRestartsRequested());
        LOG.info("stream {}: viewer {} restarts ICE ({} -> {})", streamId, peerId, transport.localUfrag(),
                next.localUfrag());
        return sdp;
    }

    private static io.relaycast.sfu.ice.IceSession restart(WebRtcTransport transport, String streamId, String peerId)
            throws MediaException {
        try {
            return transport.restartIce();
        } catch (IOException e) {
            throw new MediaException("MEDIA_UNAVAILABLE", "no ICE candidate on the media port: " + e.getMessage());
        } catch (WebRtcTransport.RestartRefusedException e) {
            throw restartRefused(e, streamId, peerId);
        }
    }

    private static MediaException restartRefused(WebRtcTransport.RestartRefusedException e, String streamId,
                                                 String peerId) {
        String code = switch (e.refusal()) {
            case ENDED -> "UNKNOWN_PEER";
            case NOT_NEGOTIATED, NO_RESTART_PENDING -> "INVALID_STATE";
            case INVALID_CREDENTIALS -> "INVALID_ICE_CREDENTIALS";
            case CREDENTIALS_UNCHANGED -> "ICE_CREDENTIALS_UNCHANGED";
            case FINGERPRINT_CHANGED -> "FINGERPRINT_CHANGED";
        };
        String message = e.refusal() == WebRtcTransport.RestartRefusal.ENDED
                ? "peer " + peerId + " in stream " + streamId + " has ended: " + e.getMessage() : e.getMessage();
        return new MediaException(code, message);
    }

    /** The viewer's answer to a restart offer: only its new ICE credentials and candidates are taken. */
    private void acceptRestartAnswer(Subscriber subscriber, WebRtcTransport transport, String sdpAnswer)
            throws MediaException {
        SubscriberAnswer answer;
        try {
            // the restart offer differs from the first only in ICE credentials and version: same checks apply
            answer = subscriberAnswers.read(subscriber.offer(), sdpAnswer);
        } catch (SdpException e) {
            throw new MediaException(e.code(), e.getMessage());
        }
        RemoteTransport remote = answer.remote();
        List<String> lines = new ArrayList<>();
        for (io.relaycast.sfu.sdp.IceCandidate c : remote.candidates()) {
            lines.add(c.toCandidateString());
        }
        try {
            transport.completeIceRestart(remote.iceUfrag(), remote.icePwd(), lines, remote.endOfCandidates(),
                    fingerprints(remote));
        } catch (WebRtcTransport.RestartRefusedException e) {
            throw restartRefused(e, "", subscriber.peerId());
        }
    }

    @Override
    public IceRestartAnswer restartIceAnswering(String streamId, String peerId, String remoteUfrag,
                                                String remotePassword, List<String> remoteCandidates,
                                                boolean endOfCandidates) throws MediaException {
        ensureOpen();
        Peer peer = peer(streamId, peerId);
        if (peer == null) {
            throw unknownPeer(streamId, peerId);
        }
        if (peer instanceof Subscriber s && s.offer() != null) {
            throw new MediaException("INVALID_STATE", "we made this viewer's offer: ask for a restart offer instead");
        }
        WebRtcTransport transport = webRtc(peer);
        io.relaycast.sfu.ice.IceSession next = restart(transport, streamId, peerId);
        try {
            transport.completeIceRestart(remoteUfrag, remotePassword, remoteCandidates, endOfCandidates,
                    transport.remoteFingerprints());
        } catch (WebRtcTransport.RestartRefusedException e) {
            transport.cancelIceRestart(next);
            throw restartRefused(e, streamId, peerId);
        }
        LOG.info("stream {}: peer {} restarts ICE ({} -> {})", streamId, peerId, transport.localUfrag(),
                next.localUfrag());
        return new IceRestartAnswer(next.localUfrag(), next.localPassword(), next.localCandidates());
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

    @Override
    public boolean isPublisher(String streamId, String peerId) {
        Room room = rooms.get(streamId);
        Publisher p = room == null ? null : room.publisher();
        return p != null && p.peerId().equals(peerId);
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
    public MediaSocketStats socketStats() {
        return new MediaSocketStats(harvesters.port(), harvesters.receiveBufferBytes(),
                socketBuffers.receiveBytes(), harvesters.kernelDrops());
    }

    @Override
    public StreamStats streamStats(String streamId) {
        Room room = rooms.get(streamId);
        return room == null || room.isClosed() ? null : room.stats();
    }

    @Override
    public List<StreamStats> streamStats() {
        List<StreamStats> all = new ArrayList<>();
        for (Room room : rooms.values()) {
            if (!room.isClosed()) {
                all.add(room.stats());
            }
        }
        return all;
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

    /**
     * A publisher's re-offer on its live peer connection with a new ice-ufrag (the browser's {@code
     * pc.restartIce()}, RFC 8445 section 9 / RFC 8839 section 4.4.1.1.1): answered with new ICE credentials of
     * ours, on the same transport, DTLS association and publication. Null when the offer is not that (another
     * peer, the same ufrag, or a new certificate, i.e. a new peer connection): it is then published as usual,
     * replacing the old publication.
     */
    private String publisherIceRestart(String streamId, String peerId, String sdpOffer) throws MediaException {
        Room room = rooms.get(streamId);
        Publisher current = room == null ? null : room.publisher();
        if (current == null || !current.peerId().equals(peerId)) {
            return null;
        }
        WebRtcTransport transport = webRtc(current);
        String oldUfrag = transport.remoteUfrag();
        String offeredUfrag;
        try {
            SessionDescription offer = new io.relaycast.sfu.sdp.SdpParser().parse(sdpOffer);
            offeredUfrag = offer.media().isEmpty() ? null : offer.media().get(0).attribute("ice-ufrag")
                    .orElse(offer.attribute("ice-ufrag").orElse(null));
        } catch (SdpException | RuntimeException e) {
            return null; // the usual path reports what is wrong with it
        }
        if (oldUfrag == null || offeredUfrag == null || offeredUfrag.equals(oldUfrag)
                || offeredUfrag.equals(transport.restartingRemoteUfrag()) || transport.isEnded()) {
            return null;
        }
        io.relaycast.sfu.ice.IceSession next = restart(transport, streamId, peerId);
        try {
            PublisherAnswer answer = publisherAnswers.answer(sdpOffer, local(next));
            List<String> lines = new ArrayList<>();
            for (io.relaycast.sfu.sdp.IceCandidate c : answer.remote().candidates()) {
                lines.add(c.toCandidateString());
            }
            transport.completeIceRestart(answer.remote().iceUfrag(), answer.remote().icePwd(), lines,
                    answer.remote().endOfCandidates(), fingerprints(answer.remote()));
            LOG.info("stream {}: publisher {} restarts ICE ({} -> {})", streamId, peerId, transport.localUfrag(),
                    next.localUfrag());
            return answer.answerSdp();
        } catch (WebRtcTransport.RestartRefusedException e) {
            transport.cancelIceRestart(next);
            if (e.refusal() == WebRtcTransport.RestartRefusal.FINGERPRINT_CHANGED) {
                return null; // a new peer connection from the same socket: a new publication
            }
            throw restartRefused(e, streamId, peerId);
        } catch (SdpException e) {
            transport.cancelIceRestart(next);
            throw new MediaException(e.code(), e.getMessage());
        } catch (MediaException | RuntimeException e) {
            transport.cancelIceRestart(next);
            throw e;
        }
    }

    private LocalTransport local(io.relaycast.sfu.ice.IceSession session) {
        return local(session.localUfrag(), session.localPassword(), session.localCandidates());
    }

    private LocalTransport local(WebRtcTransport transport) {
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

    /** Our side of the negotiated a=setup (RFC 5763 section 5): passive runs the DTLS server. */
    private static DtlsRole dtlsRole(boolean weArePassive) {
        return weArePassive ? DtlsRole.SERVER : DtlsRole.CLIENT;
    }

    private static void connect(WebRtcTransport transport, RemoteTransport remote, List<DtlsFingerprint> fingerprints,
                                DtlsRole localRole) throws MediaException {
        List<String> lines = new ArrayList<>();
        for (io.relaycast.sfu.sdp.IceCandidate c : remote.candidates()) {
            lines.add(c.toCandidateString());
        }
        if (!transport.connect(remote.iceUfrag(), remote.icePwd(), lines, remote.endOfCandidates(), fingerprints,
                localRole)) {
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
            Room room = rooms.computeIfAbsent(streamId, id -> new Room(id, timer, forwarding));
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
        if (harvesters.tcp() != null) {
            m.put("iceTcp", harvesters.tcp().debugState());
        }
        m.put("open", !closed);
        m.put("iceSessions", sessions.size());
        m.put("dtlsHandshakesRunning", handshakes.running());
        m.put("dtlsHandshakesRefused", handshakes.refused());
        m.put("srtpBackend", String.valueOf(SrtpCryptoSetup.effective()));
        m.put("forwarding", forwarding.debugState());
        m.put("sendSockets", harvesters.sendSocketsState());
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
        handshakes.close();
        forwarding.close();
        LOG.info("SFU stopped");
    }
}
