package io.relaycast.signaling.gateway;

import io.relaycast.signaling.viewer.ViewerCountListener;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.viewer.ViewerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pushes {@code stream:viewer-count} after every change, coalesced: a burst of 500 joins marks the stream
 * dirty 500 times and sends one count per interval (default 250 ms, so at most four a second).
 */
final class ViewerCountBroadcaster implements ViewerCountListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerCountBroadcaster.class);

    private final RoomFanOut rooms;
    private final ViewerService viewers;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "viewer-count");
        t.setDaemon(true);
        return t;
    });

    ViewerCountBroadcaster(RoomFanOut rooms, ViewerService viewers, Duration interval) {
        this.rooms = rooms;
        this.viewers = viewers;
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onViewerCountChanged(String streamId) {
        dirty.add(streamId);
    }

    private void flush() {
        for (String id : dirty) {
            dirty.remove(id);
            try {
                ViewerStats s = viewers.stats(null, id, true);
                rooms.sendEvent(Events.room(id), Events.VIEWER_COUNT,
                        Map.of("streamId", id, "current", s.current(), "peak", s.peak()));
            } catch (RuntimeException e) {
                LOG.warn("viewer count for {} not sent: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
