package io.relaycast.sfu.relay;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.ingest.LocalIngest;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.room.RoomListener;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.srtp.SrtpSessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The edge side of relaying: one relay per stream that has viewers here but its publisher on another node.
 * {@link #ensure} (a viewer is about to join) opens it through the {@link Connector} (the signed HTTP request to the
 * origin) and puts its {@link Publisher} into the stream's room, so the viewer's subscribe finds a published room;
 * the last viewer leaving starts the {@code grace} period, after which the relay is closed; a relay that ends by
 * itself (the origin's publisher reconnected or left, the origin fell silent) is asked for again while viewers
 * remain, for up to {@code reconnect-timeout}, and the new publication replaces the old one in the room as a
 * reconnecting publisher does on the origin.
 *
 * <p>Threads: {@link #ensure} on signaling threads (one stream's callers wait for each other, never for another
 * stream's); room events only queue work on the {@code relay-edge} thread, which does the keepalives and grace
 * checks; reconnects (an HTTP request each) run on {@code relay-edge-reconnect} threads.
 */
public final class RelayEdge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayEdge.class);

    /** How an edge asks an origin for a relay (web: the signed {@code POST /internal/v1/relays}). */
    public interface Connector {
        /**
         * Asks the stream's origin for a relay; refused with a {@link MediaException} ({@code NOT_PUBLISHED} when
         * no node publishes it, {@code RELAY_FAILED} when the origin cannot be reached or refuses).
         */
        RelayGrant open(RelayRequest request) throws MediaException;
    }

    private final LocalIngest.Rooms roomTable;
    private final RoomDirectory rooms;
    private final RelayConfig config;
    private final Connector connector;
    private final String nodeId;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-edge");
        t.setDaemon(true);
        return t;
    });
    /** The reconnects' HTTP requests, off the timer thread: a slow origin delays no other stream's checks. */
    private final java.util.concurrent.ExecutorService reconnects = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "relay-edge-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final RoomListener events = new RoomListener() {
        @Override
        public void onViewerLeft(Room room, String peerId) {
            Slot slot = slots.get(room.streamId());
            if (slot != null && room.subscriberCount() == 0) {
                schedule(() -> graceOver(slot), config.grace().toMillis());
            }
        }

        @Override
        public void onRoomClosed(Room room) {
            Slot slot = slots.get(room.streamId());
            if (slot != null) {
                schedule(() -> roomClosed(slot, room), 0);
            }
        }
    };

    public RelayEdge(LocalIngest.Rooms roomTable, RoomDirectory rooms, RelayConfig config, Connector connector,
                     String nodeId) {
        this.roomTable = roomTable;
        this.rooms = rooms;
        this.config = config;
        this.connector = connector;
        this.nodeId = nodeId;
        rooms.addRoomListener(events);
        long tick = config.keepalive().toMillis();
        worker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** One stream's relay and the lock its callers share. */
    private static final class Slot {
        final String streamId;
        volatile EdgeRelay relay;
        volatile long touchedNanos = System.nanoTime();
        /** When the relay ended by itself and viewers remained: since when we ask again; 0 when not. */
        long reconnectingSinceNanos;
        /** When a relay was last asked again for an unplaceable source (the tick thread only). */
        long refreshedNanos;

        Slot(String streamId) {
            this.streamId = streamId;
        }
    }

    /** The peer id prefix of relayed publishers in edge rooms. */
    public static final String RELAY_PEER_PREFIX = EdgeRelay.PEER_PREFIX;

    /** True for the publisher a relay puts into an edge's room (not a publisher of this node's own). */
    public static boolean isRelayPeer(String peerId) {
        return peerId != null && peerId.startsWith(EdgeRelay.PEER_PREFIX);
    }

    /**
     * True when the stream's room on this node has a publisher of the node's own (WHIP, browser, RTMP), false when
     * it has none or a relay's: what "published here" means for routing, HLS and recording.
     */
    public static boolean publishedHere(RoomDirectory rooms, String streamId) {
        Room room = rooms.room(streamId);
        return room != null && !room.isClosed() && ownPublisher(room);
    }

    /** True while this node relays the stream from another node. */
    public boolean isRelayed(String streamId) {
        Slot slot = slots.get(streamId);
        return slot != null && slot.relay != null;
    }

    /**
     * Makes sure the stream is relayed here (a viewer is about to join): returns at once when it is, else asks the
     * origin and installs the relayed publisher in the room before returning.
     */
    public void ensure(String streamId) throws MediaException {
        Slot slot = slots.computeIfAbsent(streamId, Slot::new);
        synchronized (slot) {
            slot.touchedNanos = System.nanoTime();
            EdgeRelay current = slot.relay;
            if (current != null && current.endReason() == null && !current.room.isClosed()
                    && current.room.publisher() == current.publisher) {
                return;
            }
            if (current != null && ownPublisher(current.room)) {
                closeRelay(slot, "a publisher of this node's own took over the stream");
                return;
            }
            try {
                open(slot);
            } catch (MediaException e) {
                if (slot.relay == null) {
                    slots.remove(streamId, slot);
                }
                throw e;
            }
        }
    }

    /** Under the slot's lock: a new relay, replacing the slot's old one (if any) in the stream's room. */
    private void open(Slot slot) throws MediaException {
        RelayRequest request = new RelayRequest(slot.streamId, nodeId, RelayKeys.nonce());
        RelayGrant grant = connector.open(request);
        SrtpSession srtp = new SrtpSession(RelayKeys.derive(config.secret(), grant.relayId(), slot.streamId,
                request.nonce(), grant.originNonce()), SrtpRole.CLIENT, new SrtpSessionOptions(true, 64));
        DatagramChannel channel;
        try {
            channel = DatagramChannel.open();
            config.applyBuffers(channel);
            channel.bind(new InetSocketAddress(config.bindHost(), 0));
            channel.connect(new InetSocketAddress(grant.host(), grant.port()));
        } catch (IOException | RuntimeException e) {
            srtp.close();
            throw new MediaException("RELAY_FAILED", "cannot reach the origin's relay socket " + grant.host() + ":"
                    + grant.port() + ": " + e.getMessage());
        }
        EdgeRelay old = slot.relay;
        while (true) {
            Room room = roomTable.open(slot.streamId);
            EdgeRelay relay = new EdgeRelay(grant, room, srtp, channel, this::ended);
            Publisher replaced;
            synchronized (room) {
                if (room.isClosed()) {
                    continue;
                }
                if (ownPublisher(room)) {
                    // published here meanwhile (the publisher moved to this node): no relay, viewers join it
                    relay.close();
                    slot.relay = null;
                    slots.remove(slot.streamId, slot);
                    if (old != null) {
                        old.close();
                    }
                    return;
                }
                replaced = room.setPublisher(relay.publisher);
            }
            slot.relay = relay;
            slot.reconnectingSinceNanos = 0;
            relay.start();
            if (replaced != null) {
                replaced.close(); // the old relay's publisher: its transport is the old EdgeRelay
            }
            if (old != null && old != relay) {
                old.close();
            }
            LOG.info("stream {}: relayed from {}:{} (relay {}, {})", slot.streamId, grant.host(), grant.port(),
                    grant.relayId(), relay.publisher.debugState().get("tracks"));
            return;
        }
    }

    /** The room's publisher is one of this node's own (WHIP, browser, RTMP), not a relay's. */
    private static boolean ownPublisher(Room room) {
        Publisher p = room.publisher();
        return p != null && !isRelayPeer(p.peerId());
    }

    /** A relay ended by itself (reader thread or tick): hand to the worker. */
    private void ended(EdgeRelay relay) {
        Slot slot = slots.get(relay.grant.streamId());
        if (slot != null) {
            reconnectSoon(slot, relay, 0);
        }
    }

    private void reconnectSoon(Slot slot, EdgeRelay ended, long delayMillis) {
        schedule(() -> {
            try {
                reconnects.execute(() -> reconnect(slot, ended));
            } catch (RejectedExecutionException e) {
                // closing
            }
        }, delayMillis);
    }

    private void reconnect(Slot slot, EdgeRelay ended) {
        synchronized (slot) {
            if (slot.relay != ended) {
                return; // replaced or closed meanwhile
            }
            if (ended.room.subscriberCount() == 0) {
                closeRelay(slot, "ended (" + ended.endReason() + ") with no viewers");
                return;
            }
            long now = System.nanoTime();
            if (slot.reconnectingSinceNanos == 0) {
                slot.reconnectingSinceNanos = now;
                LOG.info("stream {}: relay {} ended ({}); asking the origin again", slot.streamId,
                        ended.grant.relayId(), ended.endReason());
            }
            try {
                open(slot);
            } catch (MediaException e) {
                if (now - slot.reconnectingSinceNanos > config.reconnectTimeout().toNanos()) {
                    LOG.warn("stream {}: no relay for {} ({}); giving up", slot.streamId, config.reconnectTimeout(),
                            e.getMessage());
                    closeRelay(slot, "reconnect timed out");
                } else {
                    reconnectSoon(slot, ended, Math.min(1000, config.keepalive().toMillis() * 2));
                }
            }
        }
    }

    private void graceOver(Slot slot) {
        synchronized (slot) {
            EdgeRelay relay = slot.relay;
            if (relay == null || relay.room.subscriberCount() > 0) {
                return;
            }
            long idle = System.nanoTime() - slot.touchedNanos;
            if (idle < config.grace().toNanos()) {
                schedule(() -> graceOver(slot), config.grace().toMillis() - idle / 1_000_000);
                return; // a viewer is joining right now (ensure touched the slot)
            }
            closeRelay(slot, "no viewers for " + config.grace());
        }
    }

    private void roomClosed(Slot slot, Room room) {
        synchronized (slot) {
            if (slot.relay != null && slot.relay.room == room) {
                closeRelay(slot, "stream closed");
            }
        }
    }

    /** Under the slot's lock: the relay's publisher leaves the room, the relay says BYE and is freed. */
    private void closeRelay(Slot slot, String why) {
        EdgeRelay relay = slot.relay;
        slot.relay = null;
        slots.remove(slot.streamId, slot);
        if (relay == null) {
            return;
        }
        relay.room.removePublisher(relay.publisher);
        relay.publisher.close(); // closes the EdgeRelay (its transport): BYE upstream, socket, keys
        roomTable.dropIfEmpty(relay.room);
        LOG.info("stream {}: relay {} closed: {} ({} packets received)", slot.streamId, relay.grant.relayId(), why,
                relay.packetsReceived());
    }

    /** Keepalives upstream, and the origin's silence. */
    private void tick() {
        long now = System.nanoTime();
        for (Slot slot : slots.values()) {
            EdgeRelay relay = slot.relay;
            if (relay == null || relay.endReason() != null) {
                continue;
            }
            relay.keepalive();
            if (now - relay.lastHeardNanos() > config.idleTimeout().toNanos()) {
                relay.end("origin silent for " + config.idleTimeout());
                continue;
            }
            // a source the origin relays that this edge cannot place: a simulcast layer the origin learnt after
            // describing the publication, whose first packets (the only ones with its rid, RFC 8852) did not reach
            // us. Asking again gets a description with its SSRC: not in a relay's first two keepalives (the rid-bearing
            // packets may still come), at most once per idle-timeout
            long unknown = relay.publisher.unknownSources();
            if (unknown > relay.unknownAtLastTick && now - relay.startedNanos > 2 * config.keepalive().toNanos()
                    && now - slot.refreshedNanos > config.idleTimeout().toNanos()) {
                slot.refreshedNanos = now;
                relay.end("the origin relays a source this edge cannot place");
            }
            relay.unknownAtLastTick = unknown;
        }
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            worker.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The relay of a stream (debug state), or null. */
    public Map<String, Object> debugState(String streamId) {
        Slot slot = slots.get(streamId);
        EdgeRelay relay = slot == null ? null : slot.relay;
        if (relay == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>(relay.debugState());
        m.put("streamId", streamId);
        return m;
    }

    /** Every relay this node receives. */
    public Map<String, Object> debugState() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String streamId : slots.keySet()) {
            Map<String, Object> one = debugState(streamId);
            if (one != null) {
                all.put(streamId, one);
            }
        }
        return all;
    }

    @Override
    public void close() {
        rooms.removeRoomListener(events);
        worker.shutdownNow();
        reconnects.shutdownNow();
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                closeRelay(slot, "node stopping");
            }
        }
    }
}
