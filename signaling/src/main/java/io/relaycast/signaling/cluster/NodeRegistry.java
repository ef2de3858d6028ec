package io.relaycast.signaling.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Where every node and every live stream's origin node are recorded (issue 15). One node runs the local
 * implementation; several share the Redis one. A node that stops heartbeating is removed from {@link #nodes()}
 * and its streams lose their origin; listeners hear of it.
 */
public interface NodeRegistry extends AutoCloseable {

    /** This node. */
    NodeInfo self();

    /** Live nodes (this one included), freshest heartbeat first. */
    List<NodeInfo> nodes();

    /** A live node by id. */
    Optional<NodeInfo> node(String nodeId);

    /** This node becomes the stream's origin (its publisher is here). */
    void setOrigin(String streamId);

    /** The stream has no origin any more, if this node was it (its publisher left or the stream ended). */
    void clearOrigin(String streamId);

    /** The live node that holds the stream's publisher; empty when none does (or it died). */
    Optional<NodeInfo> origin(String streamId);

    /** Hear about nodes that stop heartbeating. */
    void addListener(Listener listener);

    // ---- added with the routing implementations (decisions 300-319); the methods above are the relay's seam ----

    /**
     * The stream ended or was cancelled here (whatever node its publisher is on): its origin is cleared whichever
     * node held it, and every other node hears {@link Listener#onStreamEnded} so the origin stops its media, HLS and
     * recording and edges drop their copies.
     */
    default void streamEnded(String streamId) {
        clearOrigin(streamId);
    }

    /** Where the heartbeat reads this node's load (open WebRTC peers) and its Socket.IO viewers from. */
    default void useLoad(IntSupplier peers, IntSupplier viewers) {
    }

    /** Every live node with its viewers and the streams it is the origin of (GET /api/v1/nodes). */
    default List<NodeStatus> status() {
        return nodes().stream().map(n -> new NodeStatus(n, 0, List.of())).toList();
    }

    /** A live node as {@code GET /api/v1/nodes} shows it. */
    record NodeStatus(NodeInfo node, int viewers, List<String> streams) {
    }

    @Override
    void close();

    interface Listener {
        /** A node stopped heartbeating and was removed, with the streams whose origin it was. */
        void onNodeRemoved(NodeInfo node, List<String> orphanedStreams);

        /** A stream ended on another node ({@code endedOn}); heard on every node but that one. */
        default void onStreamEnded(String streamId, String endedOn) {
        }
    }
}
