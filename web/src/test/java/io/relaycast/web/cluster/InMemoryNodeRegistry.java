package io.relaycast.web.cluster;

import io.relaycast.signaling.cluster.NodeInfo;
import io.relaycast.signaling.cluster.NodeRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node registry for tests of several servers in one JVM: one shared {@link Cluster} (nodes and stream origins in
 * memory), one view per node. Stands in for the Redis registry, which the cluster branch provides.
 */
public final class InMemoryNodeRegistry implements NodeRegistry {

    /** What every node's view shares. */
    public static final class Cluster {
        final Map<String, InMemoryNodeRegistry> nodes = new ConcurrentHashMap<>();
        final Map<String, String> origins = new ConcurrentHashMap<>();
    }

    private final Cluster cluster;
    private final String id;
    public volatile String httpUrl = "";

    public InMemoryNodeRegistry(Cluster cluster, String id) {
        this.cluster = cluster;
        this.id = id;
        cluster.nodes.put(id, this);
    }

    @Override
    public NodeInfo self() {
        return new NodeInfo(id, httpUrl, "127.0.0.1", 0, System.currentTimeMillis());
    }

    @Override
    public List<NodeInfo> nodes() {
        List<NodeInfo> all = new ArrayList<>();
        cluster.nodes.values().forEach(n -> all.add(n.self()));
        return all;
    }

    @Override
    public Optional<NodeInfo> node(String nodeId) {
        InMemoryNodeRegistry n = cluster.nodes.get(nodeId);
        return n == null ? Optional.empty() : Optional.of(n.self());
    }

    @Override
    public void setOrigin(String streamId) {
        cluster.origins.put(streamId, id);
    }

    @Override
    public void clearOrigin(String streamId) {
        cluster.origins.remove(streamId, id);
    }

    @Override
    public Optional<NodeInfo> origin(String streamId) {
        String at = cluster.origins.get(streamId);
        return at == null ? Optional.empty() : node(at);
    }

    @Override
    public void addListener(Listener listener) {
    }

    @Override
    public void close() {
        cluster.nodes.remove(id);
    }
}
