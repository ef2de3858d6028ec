package io.relaycast.sfu.room;

import io.relaycast.sfu.media.PublishedTrack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of every room of a node, as one {@link RoomListener}: each event goes to each listener in the order
 * they subscribed; a listener that throws is logged and does not stop the others. Rooms hold one of these.
 */
public final class RoomEvents implements RoomListener {
    private static final Logger LOG = LoggerFactory.getLogger(RoomEvents.class);

    /** Rooms built without one (unit tests of the forwarding logic) emit here: nobody listens. */
    static final RoomEvents NONE = new RoomEvents();

    private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();

    public void add(RoomListener listener) {
        listeners.add(listener);
    }

    public void remove(RoomListener listener) {
        listeners.remove(listener);
    }

    private void emit(String event, Consumer<RoomListener> call) {
        for (RoomListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("room listener {} failed on {}", l, event, e);
            }
        }
    }

    @Override
    public void onRoomOpened(Room room) {
        emit("room opened", l -> l.onRoomOpened(room));
    }

    @Override
    public void onPublisherJoined(Room room, String peerId) {
        emit("publisher joined", l -> l.onPublisherJoined(room, peerId));
    }

    @Override
    public void onTrackAdded(Room room, String publisherPeerId, PublishedTrack track) {
        emit("track added", l -> l.onTrackAdded(room, publisherPeerId, track));
    }

    @Override
    public void onPublisherLeft(Room room, String peerId) {
        emit("publisher left", l -> l.onPublisherLeft(room, peerId));
    }

    @Override
    public void onViewerJoined(Room room, String peerId) {
        emit("viewer joined", l -> l.onViewerJoined(room, peerId));
    }

    @Override
    public void onViewerLeft(Room room, String peerId) {
        emit("viewer left", l -> l.onViewerLeft(room, peerId));
    }

    @Override
    public void onRoomClosed(Room room) {
        emit("room closed", l -> l.onRoomClosed(room));
    }
}
