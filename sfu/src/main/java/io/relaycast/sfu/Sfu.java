package io.relaycast.sfu;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.MediaSocketStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsHandshakePool;
import io.relaycast.sfu.forward.ForwardingConfig;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.sfu.ice.IceHarvesters;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.ingest.LocalIngest;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.room.LayerSelector;
import io.relaycast.sfu.room.MediaPacket;
import io.relaycast.sfu.room.Peer;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.room.RoomListener;
import io.relaycast.sfu.room.Subscriber;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.SdpLimits;
import io.relaycast.sfu.sdp.SubscriberAnswerReader;
import io.relaycast.sfu.sdp.SupportedCodecs;
import io.relaycast.sfu.sdp.ViewerAnswerBuilder;
import io.relaycast.sfu.srtp.SrtpCryptoBackend;
import io.relaycast.sfu.srtp.SrtpCryptoSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The media plane of one node: a selective forwarding unit for one-to-many broadcasts.
 *
 * <p>It owns the shared UDP port ({@link IceHarvesters}) and the ICE sessions on it, the process's DTLS certificate,
 * the rooms ({@link RoomRegistry}), and two thread pools: DTLS handshakes (bctls blocks a thread per handshake in
 * progress) and one timer (deferred keyframe requests, freeing peers that failed). The packet path itself runs on
 * the shared port's read thread and the forwarding workers, and never waits for either.
 *
 * <p>Signaling calls the {@link MediaPlane} methods; this class hands each to the part that does it:
 * {@link PublishNegotiation} (a broadcaster's offer), {@link ViewNegotiation} (a viewer's offer or answer),
 * {@link IceRestarts} and {@link TransportBinding} (transports, their SDP side, their failures), {@link SfuStats}
 * (stream and socket stats, the debug dump). The negotiation parts build the SDP, create or free transports and
 * change room membership under the room's monitor, which the packet path never takes. A peer that fails on its own
 * (ICE failed, consent expired, DTLS failed or closed by the browser) is removed on the timer thread and reported
 * through its {@link CandidateSink#onPeerClosed}; peers closed by signaling are not reported back.
 */
public final class Sfu implements MediaPlane, RoomDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sfu.class);

    private final IceHarvesters harvesters;
    private final IceSessions sessions;
    private final DtlsCertificate certificate = DtlsCertificate.processWide();
    private final ScheduledExecutorService timer;
    private final DtlsHandshakePool handshakes;
    private final ForwardingWorkers<MediaPacket> forwarding;
    private final RoomRegistry rooms;
    private final TransportBinding binding;
    private final IceRestarts restarts;
    private final PublishNegotiation publishing;
    private final ViewNegotiation viewing;
    private final LocalIngest localIngest;
    private final SfuStats stats;
    private volatile boolean closed;

    private Sfu(IceHarvesters harvesters, IceConfig ice, SdpLimits limits, MediaConfig media,
                ForwardingConfig forwardingConfig) {
        this.harvesters = harvesters;
        this.sessions = new IceSessions(harvesters, ice);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("sfu-timer"));
        // limits per node and per remote address, and a short timeout, so silent peers cannot starve it (issue 11)
        DtlsConfig dtlsConfig = DtlsConfig.defaults().withHandshakeTimeout(media.dtls().handshakeTimeout());
        this.handshakes = new DtlsHandshakePool(media.dtls(), daemon("sfu-dtls"));
        int publisherMaxKbps = media.publisherMaxKbps() > 0 ? media.publisherMaxKbps()
                : MediaConfig.DEFAULT_PUBLISHER_MAX_KBPS;
        PublisherAnswerBuilder publisherAnswers = new PublisherAnswerBuilder(SupportedCodecs.defaults(), limits,
                media.publisherStartKbps(), media.publisherMaxKbps());
        SubscriberAnswerReader subscriberAnswers = new SubscriberAnswerReader(limits);
        this.forwarding = new ForwardingWorkers<>(forwardingConfig, MediaPacket.MAX_LENGTH, MediaPacket::new);
        this.rooms = new RoomRegistry(timer, forwarding);
        this.binding = new TransportBinding(sessions, certificate, dtlsConfig, handshakes, timer, rooms);
        this.restarts = new IceRestarts(rooms, binding, publisherAnswers, subscriberAnswers);
        this.publishing = new PublishNegotiation(rooms, binding, restarts, publisherAnswers, publisherMaxKbps);
        this.viewing = new ViewNegotiation(rooms, binding, restarts, subscriberAnswers,
                new ViewerAnswerBuilder(limits));
        this.localIngest = new LocalIngest(publisherAnswers, binding.fingerprint(), rooms);
        this.stats = new SfuStats(harvesters, sessions, handshakes, forwarding, rooms, media.socketBuffers());
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
                    harvesters.tcp() == null ? "" : " and ICE-TCP port " + harvesters.tcp().port(),
                    sfu.certificate.sdpFingerprint(), SrtpCryptoSetup.effective(), forwarding.threads());
            return sfu;
        } catch (RuntimeException e) {
            harvesters.close();
            throw e;
        }
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

    // ---- MediaPlane: negotiation ----

    @Override
    public String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        ensureOpen();
        return publishing.publish(streamId, peerId, sdpOffer, candidates);
    }

    @Override
    public LocalPublication publishLocal(String streamId, String peerId, String sdpOffer, CandidateSink sink)
            throws MediaException {
        ensureOpen();
        return localIngest.publish(streamId, peerId, sdpOffer, sink);
    }

    @Override
    public String subscribe(String streamId, String peerId, CandidateSink candidates) throws MediaException {
        ensureOpen();
        return viewing.offer(streamId, peerId, candidates);
    }

    @Override
    public String answerViewer(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        ensureOpen();
        return viewing.answer(streamId, peerId, sdpOffer, candidates);
    }

    @Override
    public void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException {
        ensureOpen();
        viewing.acceptAnswer(streamId, peerId, sdpAnswer);
    }

    @Override
    public String restartIce(String streamId, String peerId) throws MediaException {
        ensureOpen();
        return restarts.viewerOffer(streamId, peerId);
    }

    @Override
    public IceRestartAnswer restartIceAnswering(String streamId, String peerId, String remoteUfrag,
                                                String remotePassword, List<String> remoteCandidates,
                                                boolean endOfCandidates) throws MediaException {
        ensureOpen();
        return restarts.answering(streamId, peerId, remoteUfrag, remotePassword, remoteCandidates,
                endOfCandidates);
    }

    @Override
    public void addRemoteCandidate(String streamId, String peerId, IceCandidate candidate) throws MediaException {
        ensureOpen();
        Peer peer = rooms.peer(streamId, peerId);
        if (peer == null) {
            throw RoomRegistry.unknownPeer(streamId, peerId);
        }
        TransportBinding.addRemoteCandidate(peer, candidate, streamId, peerId);
    }

    @Override
    public void setQuality(String streamId, String peerId, String quality) throws MediaException {
        LayerSelector.Quality q;
        try {
            q = LayerSelector.Quality.valueOf(quality.toUpperCase(Locale.ROOT));
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

    // ---- MediaPlane: membership ----

    @Override
    public void close(String streamId, String peerId) {
        Room room = rooms.get(streamId);
        if (room == null) {
            return;
        }
        Peer peer = rooms.peer(streamId, peerId);
        if (peer != null && RoomRegistry.removeFrom(room, peer)) {
            peer.close();
            LOG.info("stream {}: {} {} left", streamId, peer instanceof Publisher ? "publisher" : "viewer", peerId);
        }
        rooms.dropIfEmpty(room);
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

    @Override
    public int simulcastLayers(String streamId) {
        Room room = rooms.get(streamId);
        Publisher publisher = room == null ? null : room.publisher();
        PublishedTracks tracks = publisher == null ? null : publisher.tracks();
        if (tracks == null || tracks.video() == null) {
            return 0;
        }
        return Math.max(1, tracks.video().rids().size());
    }

    /** The room of a stream, for taps (recorder, HLS bridge); null when nobody publishes or watches it. */
    @Override
    public Room room(String streamId) {
        return rooms.get(streamId);
    }

    /**
     * Open and drop rooms as a publication fed by this process does (RTMP ingest, the edge of a relay from another
     * node, {@code io.relaycast.sfu.relay.RelayEdge}).
     */
    public LocalIngest.Rooms roomTable() {
        return rooms;
    }

    /**
     * {@code listener} hears every room's lifecycle from now on: opened, publisher joined/left, its tracks, viewers
     * joined/left, closed (see {@link RoomListener} for the threading rules).
     */
    @Override
    public void addRoomListener(RoomListener listener) {
        rooms.events().add(listener);
    }

    @Override
    public void removeRoomListener(RoomListener listener) {
        rooms.events().remove(listener);
    }

    // ---- MediaPlane: stats (SfuStats) ----

    @Override
    public Map<String, Object> mediaStats(String streamId) {
        return stats.mediaStats(streamId);
    }

    @Override
    public MediaSocketStats socketStats() {
        return stats.socketStats();
    }

    @Override
    public StreamStats streamStats(String streamId) {
        return stats.streamStats(streamId);
    }

    @Override
    public List<StreamStats> streamStats() {
        return stats.streamStats();
    }

    /** JSON-friendly state of everything: the port, ICE sessions, and every room with its peers. */
    public Map<String, Object> debugState() {
        return stats.debugState(!closed);
    }

    /** Disconnects every peer, frees the port and stops the threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Room room : List.copyOf(rooms.all())) {
            closeStream(room.streamId());
        }
        sessions.close();
        harvesters.close();
        timer.shutdownNow();
        handshakes.close();
        forwarding.close();
        LOG.info("SFU stopped");
    }

    private void ensureOpen() throws MediaException {
        if (closed) {
            throw new MediaException("MEDIA_UNAVAILABLE", "the media plane is shutting down");
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
