package io.relaycast.sfu.tap;

import io.relaycast.sfu.room.PacketSink;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.room.RoomListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keeps taps attached to the room of their stream. A room comes and goes with its members (the SFU drops an empty
 * room and a publisher's reconnect makes a new one), so a tap is not attached once: it follows the rooms' lifecycle
 * events ({@link RoomListener}: a room opened or closed for its stream) and moves to the stream's current room,
 * asking its publisher for a keyframe. Events are only a cue: each move compares the room the tap is in with the
 * directory's current room of the stream, so the order in which cues arrive does not matter.
 *
 * <p>The work runs on one thread of its own ({@code room-taps}): the events come under a room's monitor and only
 * queue a move.
 */
public final class RoomTaps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomTaps.class);

    private final RoomDirectory rooms;
    private final ExecutorService worker;
    private final Map<PacketSink, Attachment> attached = new ConcurrentHashMap<>();
    private final RoomListener cues = new RoomListener() {
        @Override
        public void onRoomOpened(Room room) {
            follow(room.streamId());
        }

        @Override
        public void onRoomClosed(Room room) {
            follow(room.streamId());
        }

        @Override
        public String toString() {
            return "room taps";
        }
    };

    /** @param rooms the SFU's rooms and their events (the {@code Sfu}), or {@link RoomDirectory#EMPTY} */
    public RoomTaps(RoomDirectory rooms) {
        this.rooms = rooms;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "room-taps");
            t.setDaemon(true);
            return t;
        });
        rooms.addRoomListener(cues);
    }

    /** Attaches {@code sink} to the stream's room now (if there is one) and whenever the room changes. */
    public void attach(String streamId, PacketSink sink) {
        Attachment a = new Attachment(streamId);
        attached.put(sink, a);
        run(() -> move(sink, a));
    }

    public void detach(PacketSink sink) {
        Attachment a = attached.remove(sink);
        if (a != null) {
            run(() -> {
                if (a.room != null) {
                    a.room.removeSink(sink);
                    a.room = null;
                }
            });
        }
    }

    /** Asks the stream's publisher for a keyframe (throttled by the room with the viewers' requests). */
    public void requestKeyframe(String streamId) {
        Room room = rooms.room(streamId);
        if (room != null) {
            room.requestKeyframe();
        }
    }

    /** A room of {@code streamId} opened or closed: re-check the taps of that stream. */
    private void follow(String streamId) {
        run(() -> attached.forEach((sink, a) -> {
            if (a.streamId.equals(streamId)) {
                move(sink, a);
            }
        }));
    }

    private void run(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void move(PacketSink sink, Attachment a) {
        org.slf4j.MDC.put("streamId", a.streamId); // this timer thread serves every stream: name the one at hand
        try {
            if (attached.get(sink) != a) {
                return; // detached meanwhile
            }
            if (a.room != null && a.room.isClosed()) {
                a.room.removeSink(sink);
                a.room = null;
            }
            Room now = rooms.room(a.streamId);
            if (now == a.room || now != null && now.isClosed()) {
                return; // a closed room's replacement announces itself when it opens
            }
            if (a.room != null) {
                a.room.removeSink(sink);
            }
            a.room = now;
            if (now != null) {
                now.addSink(sink);
                now.requestKeyframe();
                LOG.info("stream {}: {} attached", a.streamId, sink);
            }
        } catch (RuntimeException e) {
            LOG.warn("stream {}: cannot move {}", a.streamId, sink, e);
        } finally {
            org.slf4j.MDC.remove("streamId");
        }
    }

    @Override
    public void close() {
        rooms.removeRoomListener(cues);
        worker.shutdownNow();
        attached.forEach((sink, a) -> {
            Room r = a.room;
            if (r != null) {
                r.removeSink(sink);
            }
        });
        attached.clear();
    }

    private static final class Attachment {
        final String streamId;
        volatile Room room; // written on the room-taps thread; read by close()

        Attachment(String streamId) {
            this.streamId = streamId;
        }
    }
}
