package io.relaycast.signaling.cluster;

import java.util.List;
import java.util.Optional;

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

    @Override
    void close();

    interface Listener {
        /** A node stopped heartbeating and was removed, with the streams whose origin it was. */
        void onNodeRemoved(NodeInfo node, List<String> orphanedStreams);
    }
}
