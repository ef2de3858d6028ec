package io.relaycast.web.cluster;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.signaling.cluster.NodeInfo;
import io.relaycast.signaling.cluster.NodeRegistry;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamLifecycleListener;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.web.media.MediaTaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stream's life across nodes:
 * <ul>
 *   <li>the node whose media plane takes the publication (Socket.IO offer, WHIP, RTMP: each calls
 *   {@link StreamService#startForPublisher} after the media plane accepted it) becomes the stream's origin;</li>
 *   <li>a stream that ends or is cancelled on any node (REST through the load balancer, the publisher's own node)
 *   loses its origin, and the other nodes hear of it: the origin stops its publication, HLS and recording, which
 *   only the node that ended it would otherwise do (decision 304);</li>
 *   <li>when a node dies, each node tells its own viewers of that node's streams {@code stream:interrupted}; a
 *   stream published again elsewhere within {@code signaling.publisher-grace} gets {@code stream:resumed} from
 *   its new origin, any other has ended when the grace is over (decision 306).</li>
 * </ul>
 */
final class ClusterStreams implements StreamLifecycleListener, NodeRegistry.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStreams.class);

    private final NodeRegistry registry;
    private final StreamService streams;
    private final Predicate<String> publishedHere;
    private final Duration grace;
    /** Streams whose origin died and that nobody has published again yet (every node keeps its own). */
    private final Set<String> interrupted = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-streams");
        t.setDaemon(true);
        return t;
    });
    private volatile SignalingServer signaling;
    private volatile MediaPlane media;
    private volatile MediaTaps taps;

    /** @param publishedHere whether this node's own media plane holds the stream's publisher now */
    ClusterStreams(NodeRegistry registry, StreamService streams, Predicate<String> publishedHere, Duration grace) {
        this.registry = registry;
        this.streams = streams;
        this.publishedHere = publishedHere;
        this.grace = grace;
    }

    /** What this class tells and stops, once they exist. */
    void attach(SignalingServer signaling, MediaPlane media, MediaTaps taps) {
        this.signaling = signaling;
        this.media = media;
        this.taps = taps;
    }

    // ---- this node's stream lifecycle ----

    @Override
    public void onStarted(Stream stream) {
        // a REST start (no publisher yet, maybe on another node than the one the encoder will reach) sets nothing:
        // the publish that follows calls onPublisherAttached on the node that takes it
        if (publishedHere.test(stream.id())) {
            registry.setOrigin(stream.id());
        }
    }

    @Override
    public void onPublisherAttached(Stream stream) {
        if (!publishedHere.test(stream.id())) {
            return;
        }
        registry.setOrigin(stream.id());
        if (interrupted.remove(stream.id())) {
            // published again after its origin died: viewers on every node may join again (one broadcast, by
            // the new origin; the room goes through Redis)
            SignalingServer s = signaling;
            if (s != null) {
                s.tellRoom(stream.id(), Events.RESUMED, Map.of("streamId", stream.id(), "node", registry.self().id()));
            }
            LOG.info("stream {} resumed on this node after its origin died", stream.id());
        }
    }

    @Override
    public void onEnded(Stream stream) {
        interrupted.remove(stream.id());
        registry.streamEnded(stream.id());
    }

    @Override
    public void onCancelled(Stream stream) {
        registry.streamEnded(stream.id());
    }

    // ---- other nodes ----

    /** Another node ended the stream: stop what of it runs here (the origin's publication, HLS, recording; an edge's copy). */
    @Override
    public void onStreamEnded(String streamId, String endedOn) {
        interrupted.remove(streamId);
        MediaPlane m = media;
        if (m != null) {
            m.closeStream(streamId);
        }
        MediaTaps t = taps;
        if (t != null) {
            try {
                t.onEnded(streams.require(streamId));
            } catch (ServiceException e) {
                LOG.debug("stream {} ended on {} but is unknown here: {}", streamId, endedOn, e.getMessage());
            }
        }
    }

    @Override
    public void onNodeRemoved(NodeInfo node, List<String> orphanedStreams) {
        if (node.id().equals(registry.self().id())) {
            return; // this node leaving (close), or the others dropping it after a pause: it tells nobody
        }
        SignalingServer s = signaling;
        for (String id : orphanedStreams) {
            interrupted.add(id);
            if (s != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("streamId", id);
                m.put("reason", "ORIGIN_LOST");
                m.put("message", "the server carrying this broadcast stopped; waiting for the broadcaster to reconnect");
                m.put("graceMs", grace.toMillis());
                s.tellRoomHere(id, Events.INTERRUPTED, m);
            }
            timer.schedule(() -> endIfStillOrphaned(id), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * After the grace, a stream nobody published again has ended: every node tries, the database's transition
     * lets exactly one succeed (the others find it ended already).
     */
    private void endIfStillOrphaned(String streamId) {
        try {
            if (!interrupted.remove(streamId) || registry.origin(streamId).isPresent()) {
                return;
            }
            streams.endForPublisher(streamId).ifPresent(s ->
                    LOG.info("stream {} ended: its origin node died and its broadcaster did not come back", streamId));
        } catch (ServiceException e) {
            LOG.debug("stream {}: ended by another node meanwhile ({})", streamId, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("ending orphaned stream {} failed", streamId, e);
        }
    }

    /** Whether the stream's publisher is on another live node now. */
    boolean publishedElsewhere(String streamId) {
        return registry.origin(streamId).filter(n -> !n.id().equals(registry.self().id())).isPresent();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
