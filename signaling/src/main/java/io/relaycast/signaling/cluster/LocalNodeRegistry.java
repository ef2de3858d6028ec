package io.relaycast.signaling.cluster;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The registry of a single node (no {@code relaycast.redis.url}): this node is the only one, it never stops
 * heartbeating while it runs, and it is the origin of the streams published here. Nothing is ever removed, so
 * listeners never hear anything.
 */
public final class LocalNodeRegistry implements NodeRegistry {
    private final String id;
    private final String httpUrl;
    private final String mediaHost;
    private final Set<String> origins = ConcurrentHashMap.newKeySet();
    private volatile IntSupplier peers = () -> 0;
    private volatile IntSupplier viewers = () -> 0;

    public LocalNodeRegistry(String id, String httpUrl, String mediaHost) {
        this.id = id;
        this.httpUrl = httpUrl;
        this.mediaHost = mediaHost;
    }

    @Override
    public NodeInfo self() {
        // always fresh: a running single node is alive by definition
        return new NodeInfo(id, httpUrl, mediaHost, peers.getAsInt(), System.currentTimeMillis());
    }

    @Override
    public List<NodeInfo> nodes() {
        return List.of(self());
    }

    @Override
    public Optional<NodeInfo> node(String nodeId) {
        return id.equals(nodeId) ? Optional.of(self()) : Optional.empty();
    }

    @Override
    public void setOrigin(String streamId) {
        origins.add(streamId);
    }

    @Override
    public void clearOrigin(String streamId) {
        origins.remove(streamId);
    }

    @Override
    public Optional<NodeInfo> origin(String streamId) {
        return origins.contains(streamId) ? Optional.of(self()) : Optional.empty();
    }

    @Override
    public void addListener(Listener listener) {
        // one node: no other node can die or end a stream
    }

    @Override
    public void useLoad(IntSupplier peers, IntSupplier viewers) {
        this.peers = peers;
        this.viewers = viewers;
    }

    @Override
    public List<NodeStatus> status() {
        return List.of(new NodeStatus(self(), viewers.getAsInt(), origins.stream().sorted().toList()));
    }

    @Override
    public void close() {
        origins.clear();
    }
}
