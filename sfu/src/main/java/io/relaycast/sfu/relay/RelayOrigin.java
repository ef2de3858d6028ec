package io.relaycast.sfu.relay;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.room.RoomListener;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.srtp.SrtpSessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The origin side of relaying: opens a {@link RelaySink} in a published stream's room for each authenticated edge
 * request (the HTTP endpoint authenticates; this class only counts and opens), and ends relays whose publication
 * ended or was replaced (room events), or whose edge fell silent ({@code idle-timeout}).
 *
 * <p>Threads: {@link #open} on the caller's (an HTTP thread); room events only queue work on the {@code
 * relay-origin} thread, which removes ended sinks from their rooms and frees them. No lock here is taken by the
 * packet path.
 */
public final class RelayOrigin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayOrigin.class);

    private final RoomDirectory rooms;
    private final RelayConfig config;
    private final Map<String, RelaySink> relays = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-origin");
        t.setDaemon(true);
        return t;
    });
    private final RoomListener events = new RoomListener() {
        @Override
        public void onPublisherLeft(Room room, String peerId) {
            endAll(room, "publisher left");
        }

        @Override
        public void onRoomClosed(Room room) {
            endAll(room, "stream closed");
        }
    };

    public RelayOrigin(RoomDirectory rooms, RelayConfig config) {
        this.rooms = rooms;
        this.config = config;
        rooms.addRoomListener(events);
        long tick = Math.max(100, config.keepalive().toMillis());
        worker.scheduleWithFixedDelay(this::reap, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * A relay of {@code request.streamId()} to the edge that asked: refused with {@code NOT_PUBLISHED} when nobody
     * publishes it on this node, {@code TOO_MANY_RELAYS} at {@code max-relays-per-node}.
     *
     * @return the grant, whose host is {@code advertise-host} (empty: the caller fills in the node's media host)
     */
    public RelayGrant open(RelayRequest request) throws MediaException {
        if (relays.size() >= config.maxRelaysPerNode()) {
            throw new MediaException("TOO_MANY_RELAYS", "this node serves " + config.maxRelaysPerNode()
                    + " relays already");
        }
        Room room = rooms.room(request.streamId());
        Publisher publisher = room == null ? null : room.publisher();
        if (publisher == null) {
            throw notPublished(request.streamId());
        }
        String relayId = UUID.randomUUID().toString();
        byte[] originNonce = RelayKeys.nonce();
        SrtpKeyingMaterial keys = RelayKeys.derive(config.secret(), relayId, request.streamId(), request.nonce(),
                originNonce);
        DatagramChannel channel;
        try {
            channel = DatagramChannel.open();
            config.applyBuffers(channel);
            channel.bind(new InetSocketAddress(config.bindHost(), 0));
        } catch (IOException e) {
            throw new MediaException("RELAY_FAILED", "cannot open a relay socket: " + e.getMessage());
        }
        // the origin is in the DTLS server's place of the derived keys, the edge in the client's
        SrtpSession srtp = new SrtpSession(keys, SrtpRole.SERVER, new SrtpSessionOptions(true, 64));
        RelaySink sink = new RelaySink(relayId, request.streamId(), request.edgeNode(), room, publisher.tracks(),
                srtp, channel, () -> scheduleRemoval(relayId));
        var tracksJson = RelayTracks.write(publisher);
        synchronized (room) {
            if (room.isClosed() || room.publisher() != publisher) {
                sink.close();
                throw notPublished(request.streamId());
            }
            relays.put(relayId, sink);
            room.addSink(sink);
        }
        sink.start();
        LOG.info("stream {}: relay {} to node {} opened on port {}", request.streamId(), relayId,
                request.edgeNode(), sink.port());
        return new RelayGrant(relayId, request.streamId(), publisher.peerId().replaceAll("[^A-Za-z0-9._:-]", "_"),
                config.advertiseHost(), sink.port(), originNonce, publisher.tracks(), tracksJson);
    }

    private static MediaException notPublished(String streamId) {
        return new MediaException("NOT_PUBLISHED", "nobody publishes stream " + streamId + " on this node");
    }

    /** Relays currently open. */
    public int size() {
        return relays.size();
    }

    /** Packets sent by relay {@code relayId}, or -1 when there is no such relay. */
    public long packetsSent(String relayId) {
        RelaySink s = relays.get(relayId);
        return s == null ? -1 : s.packetsSent();
    }

    /** The relays of a stream (one per edge node), for its media stats. */
    public List<Map<String, Object>> debugState(String streamId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RelaySink s : relays.values()) {
            if (streamId == null || s.streamId.equals(streamId)) {
                out.add(s.debugState());
            }
        }
        return out;
    }

    /** Under the room's monitor (room events): mark and queue, nothing else. */
    private void endAll(Room room, String reason) {
        for (RelaySink s : relays.values()) {
            if (s.room == room) {
                s.end(reason);
                scheduleRemoval(s.relayId);
            }
        }
    }

    private void scheduleRemoval(String relayId) {
        try {
            worker.execute(() -> remove(relayId));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void reap() {
        long now = System.nanoTime();
        long idle = config.idleTimeout().toNanos();
        for (RelaySink s : relays.values()) {
            if (!s.isOpen()) {
                remove(s.relayId);
            } else if (now - s.lastHeardNanos() > idle) {
                s.end("edge silent");
                remove(s.relayId);
            }
        }
    }

    private void remove(String relayId) {
        RelaySink s = relays.remove(relayId);
        if (s == null) {
            return;
        }
        s.room.removeSink(s);
        s.close();
        LOG.info("stream {}: relay {} to node {} closed ({} packets sent)", s.streamId, relayId, s.edgeNode,
                s.packetsSent());
    }

    @Override
    public void close() {
        rooms.removeRoomListener(events);
        worker.shutdownNow();
        for (String id : List.copyOf(relays.keySet())) {
            remove(id);
        }
    }
}
