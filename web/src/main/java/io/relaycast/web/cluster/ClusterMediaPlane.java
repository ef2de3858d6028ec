package io.relaycast.web.cluster;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.MediaSocketStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.relay.RelayEdge;
import io.relaycast.sfu.relay.RelayOrigin;
import io.relaycast.signaling.cluster.NodeInfo;
import io.relaycast.signaling.cluster.NodeRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The media plane as signaling sees it on a node of a cluster: this node's SFU, plus streams published on other
 * nodes. A viewer of a stream that is not published here (Socket.IO {@code stream:join}, WHEP) makes this node an
 * edge: {@link RelayEdge#ensure} relays the stream from its origin (the {@link NodeRegistry}'s answer) into a local
 * room, then the viewer joins that room as on the origin. {@link #isPublished} answers the cluster's view; whether
 * this node holds the stream's own publisher is {@code RelayEdge.publishedHere} (the cluster's routing, HLS and
 * recording ask that), since an edge's room has a publisher too: the relay's.
 */
public final class ClusterMediaPlane implements MediaPlane {
    private final MediaPlane local;
    private final NodeRegistry registry;
    private final RelayEdge edge;
    private final RelayOrigin origin;

    public ClusterMediaPlane(MediaPlane local, NodeRegistry registry, RelayEdge edge, RelayOrigin origin) {
        this.local = local;
        this.registry = registry;
        this.edge = edge;
        this.origin = origin;
    }

    /** The SFU this decorates. */
    public MediaPlane local() {
        return local;
    }

    /**
     * Before a viewer joins: nothing when the stream is published (or already relayed) here; a relay when another
     * live node is its origin; nothing when no node publishes it (the local SFU then refuses with NOT_PUBLISHED).
     */
    private void ensureRelay(String streamId) throws MediaException {
        if (edge.isRelayed(streamId)) {
            // keeps it from closing under the joining viewer; hands over if a publisher of our own took over
            edge.ensure(streamId);
            return;
        }
        if (local.isPublished(streamId)) {
            return; // this node is the origin
        }
        Optional<NodeInfo> at = registry.origin(streamId);
        if (at.isEmpty() || at.get().id().equals(registry.self().id())) {
            return;
        }
        edge.ensure(streamId);
    }

    @Override
    public String subscribe(String streamId, String peerId, CandidateSink candidates) throws MediaException {
        ensureRelay(streamId);
        return local.subscribe(streamId, peerId, candidates);
    }

    @Override
    public String answerViewer(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        ensureRelay(streamId);
        return local.answerViewer(streamId, peerId, sdpOffer, candidates);
    }

    /** Published here (by a publisher or a relay), or on any live node of the cluster. */
    @Override
    public boolean isPublished(String streamId) {
        if (local.isPublished(streamId)) {
            return true;
        }
        Optional<NodeInfo> at = registry.origin(streamId);
        return at.isPresent() && !at.get().id().equals(registry.self().id());
    }

    /** This node's media stats of the stream, with the relays it serves (origin) or receives (edge). */
    @Override
    public Map<String, Object> mediaStats(String streamId) {
        Map<String, Object> m = local.mediaStats(streamId);
        if (m == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>(m);
        List<Map<String, Object>> relays = origin.debugState(streamId);
        if (!relays.isEmpty()) {
            out.put("relays", relays);
        }
        Map<String, Object> from = edge.debugState(streamId);
        if (from != null) {
            out.put("relayedFrom", from);
        }
        return out;
    }

    // ---- the rest is the local SFU's ----

    @Override
    public String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        return local.publish(streamId, peerId, sdpOffer, candidates);
    }

    @Override
    public LocalPublication publishLocal(String streamId, String peerId, String sdpOffer, CandidateSink sink)
            throws MediaException {
        return local.publishLocal(streamId, peerId, sdpOffer, sink);
    }

    @Override
    public void setQuality(String streamId, String peerId, String quality) throws MediaException {
        local.setQuality(streamId, peerId, quality);
    }

    /** On an edge, the relayed publication's layers (the relay describes every one of them). */
    @Override
    public int simulcastLayers(String streamId) {
        return local.simulcastLayers(streamId);
    }

    /**
     * The streams published here only: a relayed room's publisher is the origin's, which the origin samples
     * (analytics store one sample per stream and tick; a second one from every edge would count it again).
     */
    @Override
    public List<StreamStats> streamStats() {
        List<StreamStats> all = local.streamStats();
        List<StreamStats> own = new java.util.ArrayList<>(all.size());
        for (StreamStats s : all) {
            if (!edge.isRelayed(s.streamId())) {
                own.add(s);
            }
        }
        return own;
    }

    @Override
    public MediaSocketStats socketStats() {
        return local.socketStats();
    }

    @Override
    public StreamStats streamStats(String streamId) {
        return local.streamStats(streamId);
    }

    @Override
    public void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException {
        local.acceptAnswer(streamId, peerId, sdpAnswer);
    }

    @Override
    public String restartIce(String streamId, String peerId) throws MediaException {
        return local.restartIce(streamId, peerId);
    }

    @Override
    public IceRestartAnswer restartIceAnswering(String streamId, String peerId, String remoteUfrag,
                                                String remotePassword, List<String> remoteCandidates,
                                                boolean endOfCandidates) throws MediaException {
        return local.restartIceAnswering(streamId, peerId, remoteUfrag, remotePassword, remoteCandidates,
                endOfCandidates);
    }

    @Override
    public void addRemoteCandidate(String streamId, String peerId, IceCandidate candidate) throws MediaException {
        local.addRemoteCandidate(streamId, peerId, candidate);
    }

    @Override
    public void close(String streamId, String peerId) {
        local.close(streamId, peerId);
    }

    @Override
    public void closeStream(String streamId) {
        local.closeStream(streamId);
    }

    @Override
    public boolean isPublisher(String streamId, String peerId) {
        return local.isPublisher(streamId, peerId);
    }
}
