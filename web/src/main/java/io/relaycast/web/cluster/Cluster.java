package io.relaycast.web.cluster;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.signaling.cluster.LocalNodeRegistry;
import io.relaycast.signaling.cluster.NodeRegistry;
import io.relaycast.signaling.cluster.RedisNodeRegistry;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.web.config.NodeIdentity;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.media.MediaTaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * This node's place in the cluster (issue 15): the routing registry (Redis when {@code relaycast.redis.url} is set,
 * else in memory) and what follows a stream across nodes ({@link ClusterStreams}). Built by
 * {@code RelaycastServer} once the HTTP port is known; {@link #registry()} is the seam the inter-node relay uses.
 */
public final class Cluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final NodeRegistry registry;
    private final ClusterStreams streams;
    private final boolean shared;

    private Cluster(NodeRegistry registry, ClusterStreams streams, boolean shared) {
        this.registry = registry;
        this.streams = streams;
        this.shared = shared;
    }

    /**
     * Registers this node and starts following its streams' lifecycle.
     *
     * @param publicUrl     this node's HTTP base URL as the server resolved it (the node URL's default)
     * @param publishedHere whether this node's media plane holds a stream's publisher (not a relayed copy)
     */
    public static Cluster start(RelaycastConfig config, String publicUrl, StreamService streamService,
                                Predicate<String> publishedHere) {
        var c = config.cluster();
        String id = NodeIdentity.load(config.dataDir(), c.nodeId());
        String url = c.nodeUrl().isEmpty() ? publicUrl.replaceAll("/+$", "") : c.nodeUrl();
        String mediaHost = !c.mediaHost().isEmpty() ? c.mediaHost()
                : !config.media().publicIp().isEmpty() ? config.media().publicIp() : URI.create(url).getHost();
        boolean shared = config.redisUrl() != null && !config.redisUrl().isBlank();
        NodeRegistry registry = shared ? RedisNodeRegistry.connect(config.redisUrl(), c, id, url, mediaHost)
                : new LocalNodeRegistry(id, url, mediaHost);
        ClusterStreams cs = new ClusterStreams(registry, streamService, publishedHere, config.signaling().publisherGrace());
        streamService.addListener(cs);
        registry.addListener(cs);
        if (!shared) {
            LOG.info("one node ({}): routing in memory; set REDIS_URL to run several", id);
        }
        return new Cluster(registry, cs, shared);
    }

    /** Wires what exists only after start: the gateway (notices, load), the media plane and the taps. */
    public void attach(SignalingServer signaling, MediaPlane media, MediaTaps taps, PeerAdmission peers) {
        streams.attach(signaling, media, taps);
        signaling.publishedElsewhere(streams::publishedElsewhere);
        registry.useLoad(peers::open, signaling::watchingViewers);
        if (shared) {
            // a REST start through the load balancer may land on any node: HLS and the recording are made only
            // where the publisher is (decision 305); the publish there starts them (onPublisherAttached)
            taps.onlyWherePublished(media::isPublished);
        }
    }

    /** The routing registry: this node, the live nodes, each live stream's origin. */
    public NodeRegistry registry() {
        return registry;
    }

    /** True when the registry is shared through Redis (several nodes possible). */
    public boolean shared() {
        return shared;
    }

    /**
     * The HTTP base URL of the stream's origin when that is another live node: where its HLS and thumbnails are
     * made, and where a request for them that reached this node is redirected (decision 305).
     */
    public Optional<String> elsewhere(String streamId) {
        String self = registry.self().id();
        return registry.origin(streamId).filter(n -> !n.id().equals(self) && !n.httpUrl().isEmpty()).map(n -> n.httpUrl());
    }

    @Override
    public void close() {
        streams.close();
        registry.close();
    }
}
