package io.relaycast.signaling.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Crash recovery of live streams: after the server died (kill -9, power loss) the database still says "live" for
 * the streams it carried. At start-up each of them gets the same grace a broadcaster whose connection dropped gets
 * ({@code signaling.publisher-grace}): one published again by then goes on, any other has ended (viewers are told,
 * the recording is finalised) exactly as if its publisher had left. Only the streams this node carried
 * ({@code streams.live_node}, set as a stream goes live or a publisher attaches here) are judged: a restart never
 * ends another node's streams.
 */
public final class LiveStreamRecovery implements StreamLifecycleListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStreamRecovery.class);

    private final ScheduledExecutorService timer;
    private final StreamRepository repo;
    private final String node;

    private LiveStreamRecovery(ScheduledExecutorService timer, StreamRepository repo, String node) {
        this.timer = timer;
        this.repo = repo;
        this.node = node;
    }

    /**
     * @param node      this node's id, stable across its restarts
     * @param published whether this node's media plane carries a publication of the stream now
     */
    public static LiveStreamRecovery start(StreamRepository repo, StreamService streams, String node,
                                           Predicate<String> published, Duration grace) {
        List<String> live = repo.liveIds(node);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "live-stream-recovery");
            t.setDaemon(true);
            return t;
        });
        if (!live.isEmpty()) {
            LOG.info("{} stream(s) were live when the server stopped: each ends unless published again within {}",
                    live.size(), grace);
            timer.schedule(() -> endAbandoned(live, streams, published), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        LiveStreamRecovery r = new LiveStreamRecovery(timer, repo, node);
        streams.addListener(r);
        return r;
    }

    @Override
    public void onStarted(Stream stream) {
        repo.setLiveNode(stream.id(), node);
    }

    @Override
    public void onPublisherAttached(Stream stream) {
        repo.setLiveNode(stream.id(), node);
    }

    private static void endAbandoned(List<String> live, StreamService streams, Predicate<String> published) {
        for (String id : live) {
            try {
                if (!published.test(id)) {
                    streams.endForPublisher(id).ifPresent(s ->
                            LOG.info("stream {} ended: live before the restart, not published again", id));
                }
            } catch (RuntimeException e) {
                LOG.warn("ending stream {} left live by the restart failed", id, e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
