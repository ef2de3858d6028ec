package io.relaycast.signaling.gateway;

import io.relaycast.signaling.stream.StreamService;
import io.relaycast.sfu.api.MediaPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A broadcaster whose connection dropped has {@code publisher-grace} to publish again (through this node or,
 * clustered, another) before the stream is ended: the database follows the media, as it does on publish.
 */
final class PublisherGrace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublisherGrace.class);

    private final Duration grace;
    private final MediaPlane media;
    private final StreamService streams;
    private volatile Predicate<String> publishedElsewhere = id -> false;
    private final ScheduledExecutorService graceTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "publisher-grace");
        t.setDaemon(true);
        return t;
    });

    PublisherGrace(Duration grace, MediaPlane media, StreamService streams) {
        this.grace = grace;
        this.media = media;
        this.streams = streams;
    }

    /** Whether a stream's publisher is now on another node (see {@link SignalingServer#publishedElsewhere}). */
    void publishedElsewhere(Predicate<String> elsewhere) {
        this.publishedElsewhere = elsewhere;
    }

    /**
     * The broadcaster's connection is gone: unless someone publishes the stream again within
     * {@code publisher-grace}, it has ended.
     */
    void endIfNotRepublished(String streamId) {
        graceTimer.schedule(() -> {
            try {
                if (!media.isPublished(streamId) && !publishedElsewhere.test(streamId)) {
                    streams.endForPublisher(streamId)
                            .ifPresent(s -> LOG.info("stream {} ended: its publisher left and did not come back", streamId));
                }
            } catch (RuntimeException e) {
                LOG.warn("ending abandoned stream {} failed", streamId, e);
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        graceTimer.shutdownNow();
    }
}
