package io.relaycast.signaling.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@link StreamLifecycleListener}s registered with {@link StreamService}, told in registration order. The
 * status change is already committed when they hear of it, so a listener that throws is logged and skipped: it
 * must neither undo the transition for the caller nor keep the listeners after it from hearing.
 */
final class StreamLifecycleListeners {
    // StreamService's logger, as before the split, so log filters and alerts on listener failures still match
    private static final Logger LOG = LoggerFactory.getLogger(StreamService.class);

    private final List<StreamLifecycleListener> listeners = new CopyOnWriteArrayList<>();

    void add(StreamLifecycleListener l) {
        listeners.add(l);
    }

    /** {@code after} has just become {@code to}: onStarted, onEnded or onCancelled. */
    void statusChanged(Stream after, StreamStatus to) {
        switch (to) {
            case LIVE -> tellEach(after.id(), l -> l.onStarted(after));
            case ENDED -> tellEach(after.id(), l -> l.onEnded(after));
            case CANCELLED -> tellEach(after.id(), l -> l.onCancelled(after));
            default -> {
            }
        }
    }

    void publisherAttached(Stream live) {
        tellEach(live.id(), l -> l.onPublisherAttached(live));
    }

    private void tellEach(String streamId, Consumer<StreamLifecycleListener> call) {
        for (StreamLifecycleListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("stream listener {} failed for {}", l.getClass().getSimpleName(), streamId, e);
            }
        }
    }
}
