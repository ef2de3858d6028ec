package io.relaycast.sfu.room;

import io.relaycast.sfu.media.PublishedTrack;

/**
 * A room's lifecycle, for whatever follows a stream without being a member of it (taps, stats, relays): they
 * subscribe ({@link RoomDirectory#addRoomListener}) instead of polling the SFU for the room of a stream.
 *
 * <p>Events of one room come in the order of its membership changes: they are emitted on the thread that makes the
 * change (a signaling thread, the SFU's timer for peers that failed, an ingest thread), under that room's monitor.
 * So a listener must return quickly, never block and never wait for another thread that may take a room's monitor:
 * hand real work to a thread of its own. It may call the room back (the monitor is re-entrant). Never on the
 * packet path. A listener that throws is logged and the other listeners still hear the event.
 */
public interface RoomListener {

    /** A room was created for a stream (its first publisher or viewer is about to join). */
    default void onRoomOpened(Room room) {
    }

    /** A publisher was installed (replacing {@link #onPublisherLeft the previous one}, if any). */
    default void onPublisherJoined(Room room, String peerId) {
    }

    /** One negotiated track of the publisher that just joined: its media follows. */
    default void onTrackAdded(Room room, String publisherPeerId, PublishedTrack track) {
    }

    /** The publisher left: closed by signaling, replaced, or its transport failed. */
    default void onPublisherLeft(Room room, String peerId) {
    }

    default void onViewerJoined(Room room, String peerId) {
    }

    default void onViewerLeft(Room room, String peerId) {
    }

    /** The room is closed and empty; a new room is opened for the stream if anyone joins it again. */
    default void onRoomClosed(Room room) {
    }
}
