package io.relaycast.sfu;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.ingest.LocalIngest;
import io.relaycast.sfu.room.MediaPacket;
import io.relaycast.sfu.room.Peer;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.RoomEvents;
import io.relaycast.sfu.room.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The rooms of one node by stream id, and the membership changes every negotiation shares: open a room (never a
 * closed one), add a viewer under the room's monitor, find a peer, drop a room nobody is left in.
 *
 * <p>Called by signaling threads and the timer; the packet path never comes here. It is also the room table
 * publications fed by this process open and drop rooms through ({@link LocalIngest.Rooms}, {@code Sfu.roomTable()}).
 */
final class RoomRegistry implements LocalIngest.Rooms {
    private static final Logger LOG = LoggerFactory.getLogger(RoomRegistry.class);

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ForwardingWorkers<MediaPacket> forwarding;
    private final RoomEvents events = new RoomEvents();

    RoomRegistry(ScheduledExecutorService timer, ForwardingWorkers<MediaPacket> forwarding) {
        this.timer = timer;
        this.forwarding = forwarding;
    }

    /** The room of a stream, or null. */
    Room get(String streamId) {
        return rooms.get(streamId);
    }

    Collection<Room> all() {
        return rooms.values();
    }

    /** Removes and returns the room of a stream (closing it is the caller's), or null. */
    Room remove(String streamId) {
        return rooms.remove(streamId);
    }

    /** The listeners of every room: what {@code Sfu.addRoomListener} subscribes to. */
    RoomEvents events() {
        return events;
    }

    /** The stream's room, created (and announced) if there is none; a room closed meanwhile is replaced. */
    @Override
    public Room open(String streamId) {
        while (true) {
            Room existing = rooms.get(streamId);
            if (existing != null && !existing.isClosed()) {
                return existing;
            }
            if (existing != null) {
                rooms.remove(streamId, existing);
                continue;
            }
            Room created = new Room(streamId, timer, forwarding, events);
            if (rooms.putIfAbsent(streamId, created) == null) {
                events.onRoomOpened(created);
                return created;
            }
        }
    }

    @Override
    public void dropIfEmpty(Room room) {
        if (room.closeIfEmpty()) {
            rooms.remove(room.streamId(), room);
        }
    }

    /** The room's current publisher, or a {@code NOT_PUBLISHED} refusal. */
    Room published(String streamId) throws MediaException {
        Room room = rooms.get(streamId);
        if (room == null || room.publisher() == null) {
            throw notPublished(streamId);
        }
        return room;
    }

    /** A viewer of a stream, or an {@code UNKNOWN_PEER} refusal. */
    Subscriber viewer(String streamId, String peerId) throws MediaException {
        Room room = rooms.get(streamId);
        Subscriber subscriber = room == null ? null : room.subscriber(peerId);
        if (subscriber == null) {
            throw unknownPeer(streamId, peerId);
        }
        return subscriber;
    }

    /** The publisher or viewer {@code peerId} of a stream, or null. */
    Peer peer(String streamId, String peerId) {
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

    /** Adds a viewer to a room that still has a publisher; a viewer it replaces (same peer id) is closed. */
    void addSubscriber(Room room, Subscriber subscriber, String streamId) throws MediaException {
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

    /** Takes a peer out of its room; false when it was no longer a member (closed first, or replaced). */
    static boolean removeFrom(Room room, Peer peer) {
        return peer instanceof Publisher p ? room.removePublisher(p) : room.removeSubscriber((Subscriber) peer);
    }

    static MediaException notPublished(String streamId) {
        return new MediaException("NOT_PUBLISHED", "nobody publishes stream " + streamId + " on this node");
    }

    static MediaException unknownPeer(String streamId, String peerId) {
        return new MediaException("UNKNOWN_PEER", "no peer " + peerId + " in stream " + streamId);
    }
}
