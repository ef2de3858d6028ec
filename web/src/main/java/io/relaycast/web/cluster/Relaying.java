package io.relaycast.web.cluster;

import io.javalin.Javalin;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.relay.RelayConfig;
import io.relaycast.sfu.relay.RelayEdge;
import io.relaycast.sfu.relay.RelayOrigin;
import io.relaycast.signaling.cluster.NodeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;

/**
 * The relay between nodes as the composition root wires it: with a secret and this node's SFU, the origin side
 * ({@link RelayOrigin} behind {@code POST /internal/v1/relays}); with a {@link NodeRegistry} too, the edge side
 * ({@link RelayEdge} over {@link HttpRelayConnector}) and the {@link ClusterMediaPlane} signaling is given instead of
 * the bare SFU. That this node is a stream's origin is recorded by the cluster's own stream listener
 * ({@code ClusterStreams}), from the stream's lifecycle.
 */
public final class Relaying implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Relaying.class);

    private final RelayOrigin origin;
    private final RelayEdge edge;
    private final MediaPlane plane;
    private final RelayRoutes routes;

    private Relaying(RelayOrigin origin, RelayEdge edge, MediaPlane plane, RelayRoutes routes) {
        this.origin = origin;
        this.edge = edge;
        this.plane = plane;
        this.routes = routes;
    }

    /** Null when relaying is off (no secret) or there is no SFU of this node's own. */
    public static Relaying start(RelayConfig config, Sfu sfu, NodeRegistry registry) {
        if (!config.enabled() || sfu == null) {
            if (registry != null && sfu != null) {
                LOG.warn("cluster without relaycast.cluster.relay.secret (RELAY_SECRET): viewers must reach the "
                        + "node that holds the publisher");
            }
            return null;
        }
        RelayTokens tokens = new RelayTokens(config.secret(), config.tokenTtl(), Clock.systemUTC());
        RelayOrigin origin = new RelayOrigin(sfu, config);
        RelayEdge edge = null;
        MediaPlane plane = sfu;
        if (registry != null) {
            edge = new RelayEdge(sfu.roomTable(), sfu, config,
                    new HttpRelayConnector(registry, tokens, config.requestTimeout()), registry.self().id());
            plane = new ClusterMediaPlane(sfu, registry, edge, origin);
        }
        RelayRoutes routes = new RelayRoutes(tokens, origin,
                () -> registry == null || registry.self().mediaHost() == null ? "" : registry.self().mediaHost());
        LOG.info("relay between nodes on ({} relays at most as an origin{})", config.maxRelaysPerNode(),
                registry == null ? "; no node registry: origin side only" : "");
        return new Relaying(origin, edge, plane, routes);
    }

    /** What signaling should call: the cluster's view with a registry, else the SFU itself. */
    public MediaPlane plane() {
        return plane;
    }

    public void register(Javalin app) {
        routes.register(app);
    }

    public RelayOrigin origin() {
        return origin;
    }

    /** The edge side, or null without a registry. */
    public RelayEdge edge() {
        return edge;
    }

    /** Every relay this node serves and receives (admin debug state). */
    public Map<String, Object> debugState() {
        return Map.of("serving", origin.debugState(null), "receiving", edge == null ? Map.of() : edge.debugState());
    }

    @Override
    public void close() {
        if (edge != null) {
            edge.close();
        }
        origin.close();
    }
}
