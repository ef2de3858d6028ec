package io.relaycast.sfu.room;

/** The rooms of a node by stream id, and their lifecycle events: what taps see of the SFU. */
public interface RoomDirectory {

    /** The current room of a stream; null when nobody publishes or watches it. */
    Room room(String streamId);

    /** {@code listener} hears every room's events from now on (see {@link RoomListener} for the rules). */
    void addRoomListener(RoomListener listener);

    void removeRoomListener(RoomListener listener);

    /** No rooms, ever: for taps on a node without an SFU of its own, and tests. */
    RoomDirectory EMPTY = new RoomDirectory() {
        @Override
        public Room room(String streamId) {
            return null;
        }

        @Override
        public void addRoomListener(RoomListener listener) {
        }

        @Override
        public void removeRoomListener(RoomListener listener) {
        }
    };
}
