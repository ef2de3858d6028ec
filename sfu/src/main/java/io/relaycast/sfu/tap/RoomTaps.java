package io.relaycast.sfu.tap;

import io.relaycast.sfu.room.PacketSink;
import io.relaycast.sfu.room.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Keeps taps attached to the room of their stream. A room comes and goes with its members (the SFU drops an empty
 * room and a publisher's reconnect makes a new one), so a tap is not attached once: every {@link #CHECK_MILLIS} the
 * current room is compared with the one the tap is in and the tap moves, asking the new publisher for a keyframe.
 * Polling keeps the SFU unaware of taps beyond {@link Room#addSink}; a tap misses at most one check interval.
 */
public final class RoomTaps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomTaps.class);
    static final long CHECK_MILLIS = 200;

    private final Function<String, Room> rooms;
    private final ScheduledExecutorService timer;
    private final Map<PacketSink, Attachment> attached = new ConcurrentHashMap<>();

    /** @param rooms the SFU's room lookup ({@code sfu::room}); null when nobody is in the stream */
    public RoomTaps(Function<String, Room> rooms) {
        this.rooms = rooms;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "room-taps");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Attaches {@code sink} to the stream's room now (if there is one) and whenever the room changes. */
    public void attach(String streamId, PacketSink sink) {
        Attachment a = new Attachment(streamId);
        attached.put(sink, a);
        timer.execute(() -> move(sink, a));
    }

    public void detach(PacketSink sink) {
        Attachment a = attached.remove(sink);
        if (a != null) {
            timer.execute(() -> {
                if (a.room != null) {
                    a.room.removeSink(sink);
                }
            });
        }
    }

    /** Asks the stream's publisher for a keyframe (throttled by the room with the viewers' requests). */
    public void requestKeyframe(String streamId) {
        Room room = rooms.apply(streamId);
        if (room != null) {
            room.requestKeyframe();
        }
    }

    private void check() {
        attached.forEach(this::move);
    }

    private void move(PacketSink sink, Attachment a) {
        org.slf4j.MDC.put("streamId", a.streamId); // this timer thread serves every stream: name the one at hand
        try {
            if (attached.get(sink) != a) {
                return; // detached meanwhile
            }
            Room now = rooms.apply(a.streamId);
            if (now == a.room || now != null && now.isClosed()) {
                return;
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
        timer.shutdownNow();
        attached.forEach((sink, a) -> {
            if (a.room != null) {
                a.room.removeSink(sink);
            }
        });
        attached.clear();
    }

    private static final class Attachment {
        final String streamId;
        Room room; // timer thread only

        Attachment(String streamId) {
            this.streamId = streamId;
        }
    }
}
