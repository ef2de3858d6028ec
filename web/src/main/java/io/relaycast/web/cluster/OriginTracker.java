package io.relaycast.web.cluster;

import io.relaycast.sfu.relay.RelayEdge;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.room.RoomListener;
import io.relaycast.signaling.cluster.NodeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Records in the {@link NodeRegistry} that this node is a stream's origin while a publisher of its own (WHIP,
 * browser, RTMP: anything but a relay from another node) is in the stream's room, from the SFU's room events. The
 * events come under a room's monitor, so the registry calls (Redis) run on a thread of their own, in event order.
 */
public final class OriginTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OriginTracker.class);

    private final RoomDirectory rooms;
    private final NodeRegistry registry;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cluster-origins");
        t.setDaemon(true);
        return t;
    });
    private final RoomListener events = new RoomListener() {
        @Override
        public void onPublisherJoined(Room room, String peerId) {
            if (!RelayEdge.isRelayPeer(peerId)) {
                run(() -> registry.setOrigin(room.streamId()));
            }
        }

        @Override
        public void onPublisherLeft(Room room, String peerId) {
            if (!RelayEdge.isRelayPeer(peerId)) {
                String streamId = room.streamId();
                // a replacing publisher's join follows in the queue and sets it again
                run(() -> {
                    if (!hasOwnPublisher(streamId)) {
                        registry.clearOrigin(streamId);
                    }
                });
            }
        }

        @Override
        public void onRoomClosed(Room room) {
            String streamId = room.streamId();
            run(() -> {
                if (!hasOwnPublisher(streamId)) {
                    registry.clearOrigin(streamId);
                }
            });
        }
    };

    public OriginTracker(RoomDirectory rooms, NodeRegistry registry) {
        this.rooms = rooms;
        this.registry = registry;
        rooms.addRoomListener(events);
    }

    private boolean hasOwnPublisher(String streamId) {
        Room room = rooms.room(streamId);
        var p = room == null ? null : room.publisher();
        return p != null && !RelayEdge.isRelayPeer(p.peerId());
    }

    private void run(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("cannot update the stream's origin in the node registry", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public void close() {
        rooms.removeRoomListener(events);
        worker.shutdown();
    }
}
