package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.SocketIOClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.analytics.MediaSample;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamStatus;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.viewer.ViewerSession;
import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * WebRTC negotiation over Socket.IO: the broadcaster's offer → the SFU's answer; a viewer's join → the SFU's
 * offer → the viewer's answer; trickled candidates both ways. Only the owner publishes or ends; followers-only
 * streams admit followers only.
 */
final class WebRtcHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcHandlers.class);
    /** Browsers' offers are a few KiB; the SFU's own SDP parser enforces the exact limit. */
    static final int MAX_SDP_BYTES = 64 * 1024;
    private static final int MAX_CANDIDATE_LENGTH = 1024;

    private final SignalingServer gateway;
    private final SignalingServer.Dependencies deps;

    private final io.relaycast.signaling.ratelimit.SlidingWindowRateLimiter qualityUpdates;

    WebRtcHandlers(SignalingServer gateway, SignalingServer.Dependencies deps) {
        this.gateway = gateway;
        this.deps = deps;
        this.qualityUpdates = new io.relaycast.signaling.ratelimit.SlidingWindowRateLimiter(
                gateway.config().qualityUpdates(), gateway.config().qualityUpdateWindow().toMillis(),
                java.time.Clock.systemUTC());
    }

    void register() {
        gateway.on(Events.OFFER, this::offer);
        gateway.on(Events.JOIN, this::join);
        gateway.on(Events.ANSWER, this::answer);
        gateway.on(Events.ICE_CANDIDATE, this::candidate);
        gateway.on(Events.LEAVE, this::leave);
        gateway.on(Events.ICE_RESTART, this::iceRestart);
        gateway.on(Events.END, this::end);
        gateway.on(Events.QUALITY_UPDATE, this::quality);
        gateway.on(Events.QUALITY, this::viewerQuality);
    }

    private static Principal requireUser(ClientSession s) {
        if (s.anonymous()) {
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "anonymous viewers may only watch; sign in");
        }
        return s.principal;
    }

    private Object offer(ClientSession s, SocketIOClient client, Payload p) throws MediaException {
        Principal owner = requireUser(s);
        String streamId = p.requiredString("streamId", 64);
        String sdp = p.sdp("offer", MAX_SDP_BYTES);
        Stream stream = deps.streams().requireOwned(owner, streamId);
        if (stream.status() == StreamStatus.ENDED || stream.status() == StreamStatus.CANCELLED) {
            throw new ServiceException(stream.status() == StreamStatus.ENDED ? ErrorCode.STREAM_ENDED : ErrorCode.STREAM_CANCELLED,
                    "a " + stream.status().wire() + " stream cannot be published");
        }
        // a re-offer on this connection's publication replaces its peer and keeps its ticket; a new one is admitted
        PeerAdmission.Ticket ticket = s.peerTickets.containsKey(ClientSession.publisherKey(streamId)) ? null
                : deps.peers().admit(owner.userId(), address(client));
        CandidateRelay relay = relay(client, streamId);
        String answer;
        try {
            answer = deps.media().publish(streamId, s.publisherPeer(), sdp, sink(relay, client, streamId, s, true));
        } catch (MediaException | RuntimeException e) {
            relay.discard();
            if (ticket != null) {
                ticket.release();
            }
            throw e;
        }
        if (ticket != null) {
            s.peerTickets.put(ClientSession.publisherKey(streamId), ticket);
        }
        s.publishing.add(streamId);
        client.joinRoom(Events.publisherRoom(streamId));
        client.joinRoom(Events.room(streamId));
        // publishing is going live: the database follows the media (re-checks eligibility)
        deps.streams().startForPublisher(streamId);
        Map<String, Object> ack = Map.of("streamId", streamId, "answer", Map.of("type", "answer", "sdp", answer));
        client.sendEvent(Events.OFFER_ACK, ack);
        openAfterThisEvent(s, relay);
        return ack;
    }

    private Object join(ClientSession s, SocketIOClient client, Payload p) throws MediaException {
        String streamId = p.requiredString("streamId", 64);
        Stream stream = deps.streams().requireVisible(s.principal, streamId);
        if (!stream.isLive()) {
            throw new ServiceException(ErrorCode.STREAM_NOT_LIVE, "stream is " + stream.status().wire() + ", not live");
        }
        if (s.watching.containsKey(streamId)) {
            closeViewer(s, streamId); // a re-join (reload of the player) replaces the old peer
        }
        PeerAdmission.Ticket ticket = deps.peers().admit(s.anonymous() ? null : s.principal.userId(), address(client));
        ViewerSession session;
        try {
            session = deps.viewers().join(s.principal, s.id.toString(), streamId, ViewerService.TRANSPORT_WEBRTC);
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
        String offer;
        CandidateRelay relay = relay(client, streamId);
        try {
            offer = deps.media().subscribe(streamId, s.viewerPeer(), sink(relay, client, streamId, s, false));
        } catch (MediaException | RuntimeException e) {
            relay.discard();
            deps.viewers().closeSession(session.id());
            ticket.release();
            throw e;
        }
        s.peerTickets.put(ClientSession.viewerKey(streamId), ticket);
        s.watching.put(streamId, session.id());
        client.joinRoom(Events.room(streamId));
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("streamId", streamId);
        ack.put("sessionId", session.id());
        ack.put("iceServers", deps.iceServers().forUser(s.principal == null ? null : s.principal.userId()));
        ack.put("hls", deps.hlsUrl().apply(streamId));
        // simulcast layers published here (0: unknown): the player offers a quality choice only when there is one
        ack.put("layers", deps.media().simulcastLayers(streamId));
        client.sendEvent(Events.JOIN_ACK, ack);
        client.sendEvent(Events.OFFER_RECEIVED, Map.of("streamId", streamId, "offer", Map.of("type", "offer", "sdp", offer)));
        openAfterThisEvent(s, relay);
        notifyPublisher(Events.VIEWER_JOINED, streamId, s);
        return ack;
    }

    private Object answer(ClientSession s, SocketIOClient client, Payload p) throws MediaException {
        String streamId = p.requiredString("streamId", 64);
        String sdp = p.sdp("answer", MAX_SDP_BYTES);
        if (!s.watching.containsKey(streamId)) {
            throw new ServiceException(ErrorCode.NOT_IN_STREAM, "send stream:join before stream:answer");
        }
        deps.media().acceptAnswer(streamId, s.viewerPeer(), sdp);
        return null;
    }

    /**
     * {@code stream:ice-restart}: the viewer's path broke (network change) and it keeps its peer connection. The
     * SFU re-offers with new ICE credentials (it is the offerer toward viewers); the viewer answers with the usual
     * {@code stream:answer} and trickles on. Same viewer session, no new join, no viewer-count change.
     */
    private Object iceRestart(ClientSession s, SocketIOClient client, Payload p) throws MediaException {
        String streamId = p.requiredString("streamId", 64);
        if (!s.watching.containsKey(streamId)) {
            throw new ServiceException(ErrorCode.NOT_IN_STREAM, "send stream:join before stream:ice-restart");
        }
        String offer = deps.media().restartIce(streamId, s.viewerPeer());
        client.sendEvent(Events.OFFER_RECEIVED, Map.of("streamId", streamId, "offer", Map.of("type", "offer", "sdp", offer),
                "iceRestart", true));
        return Map.of("streamId", streamId, "iceRestart", true);
    }

    private Object candidate(ClientSession s, SocketIOClient client, Payload p) throws MediaException {
        String streamId = p.requiredString("streamId", 64);
        IceCandidate c = candidate(p);
        String peer;
        if (s.publishing.contains(streamId)) {
            peer = s.publisherPeer();
        } else if (s.watching.containsKey(streamId)) {
            peer = s.viewerPeer();
        } else {
            throw new ServiceException(ErrorCode.NOT_IN_STREAM, "no offer or join for this stream on this connection");
        }
        deps.media().addRemoteCandidate(streamId, peer, c);
        return null;
    }

    /** {@code candidate} as RTCIceCandidateInit {candidate, sdpMid, sdpMLineIndex}, or the bare candidate string. */
    static IceCandidate candidate(Payload p) { // package-private for SocketIoPayloadFuzzTest
        String bare = null;
        try {
            bare = p.optionalString("candidate");
        } catch (ServiceException notAString) {
            JsonNode o = p.object("candidate");
            JsonNode c = o.get("candidate");
            if (c != null && !c.isNull() && !c.isTextual()) {
                throw new ServiceException(ErrorCode.INVALID_FIELD, "'candidate.candidate' must be a string");
            }
            JsonNode mid = o.get("sdpMid");
            JsonNode index = o.get("sdpMLineIndex");
            if (mid != null && !mid.isNull() && !mid.isTextual() || index != null && !index.isNull() && !index.canConvertToInt()) {
                throw new ServiceException(ErrorCode.INVALID_FIELD, "'candidate.sdpMid' must be a string, 'sdpMLineIndex' a number");
            }
            String line = c == null || c.isNull() ? "" : c.textValue();
            if (line.length() > MAX_CANDIDATE_LENGTH) {
                throw new ServiceException(ErrorCode.INVALID_FIELD, "candidate is too long");
            }
            return new IceCandidate(line, mid == null || mid.isNull() ? null : mid.textValue(),
                    index == null || index.isNull() ? null : index.intValue());
        }
        if (bare == null) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'candidate' is required");
        }
        if (bare.length() > MAX_CANDIDATE_LENGTH) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "candidate is too long");
        }
        return new IceCandidate(bare, null, null);
    }

    private Object leave(ClientSession s, SocketIOClient client, Payload p) {
        String streamId = p.requiredString("streamId", 64);
        if (!closeViewer(s, streamId)) {
            throw new ServiceException(ErrorCode.NOT_IN_STREAM, "this connection is not watching that stream");
        }
        return null;
    }

    private Object end(ClientSession s, SocketIOClient client, Payload p) {
        Principal owner = requireUser(s);
        String streamId = p.requiredString("streamId", 64);
        Stream ended = deps.streams().end(owner, streamId); // listeners close the media and tell the room
        s.publishing.remove(streamId);
        s.releasePeer(ClientSession.publisherKey(streamId));
        return Map.of("streamId", streamId, "status", ended.status().wire());
    }

    private Object quality(ClientSession s, SocketIOClient client, Payload p) {
        Principal who = requireUser(s);
        String streamId = p.requiredString("streamId", 64);
        Double bitrate = p.optionalNumber("bitrate");
        Double width = p.optionalNumber("width");
        Double height = p.optionalNumber("height");
        MediaSample sample = new MediaSample(bitrate == null ? null : bitrate.longValue(), p.optionalNumber("fps"),
                width == null ? null : width.intValue(), height == null ? null : height.intValue(),
                p.optionalNumber("packetLoss"), p.optionalNumber("rtt"));
        // the broadcaster's own media health only (issue 11): a viewer could otherwise write the stream's analytics
        deps.streams().requireOwned(who, streamId);
        long wait = qualityUpdates.tryAcquire(s.id.toString());
        if (wait > 0) {
            throw new ServiceException(ErrorCode.RATE_LIMITED, "too many quality updates; retry in " + wait + " ms");
        }
        deps.analytics().recordSample(streamId, who.userId(), "publisher", sample);
        return null;
    }

    /** {@code stream:quality}: the viewer picks its simulcast layer (auto follows its bandwidth). */
    private Object viewerQuality(ClientSession s, SocketIOClient client, Payload p) throws MediaException {
        String streamId = p.requiredString("streamId", 64);
        String quality = p.requiredString("quality", 16);
        if (!QUALITIES.contains(quality)) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'quality' must be auto, high, medium or low");
        }
        if (!s.watching.containsKey(streamId)) {
            throw new ServiceException(ErrorCode.NOT_IN_STREAM, "this connection is not watching that stream");
        }
        deps.media().setQuality(streamId, s.viewerPeer(), quality);
        return Map.of("streamId", streamId, "quality", quality);
    }

    /** The remote IP address the connection's handshake came from (per-address peer limit). */
    private static String address(SocketIOClient client) {
        java.net.InetSocketAddress a = client.getHandshakeData() == null ? null : client.getHandshakeData().getAddress();
        return a == null || a.getAddress() == null ? null : a.getAddress().getHostAddress();
    }

    private static final java.util.Set<String> QUALITIES = java.util.Set.of("auto", "high", "medium", "low");

    private boolean closeViewer(ClientSession s, String streamId) {
        String sessionId = s.watching.remove(streamId);
        if (sessionId == null) {
            return false;
        }
        deps.media().close(streamId, s.viewerPeer());
        s.releasePeer(ClientSession.viewerKey(streamId));
        deps.viewers().closeSession(sessionId);
        notifyPublisher(Events.VIEWER_LEFT, streamId, s);
        return true;
    }

    /** The connection is gone: free its media peers and viewer sessions. */
    void cleanUp(ClientSession s) {
        for (String streamId : s.watching.keySet()) {
            try {
                closeViewer(s, streamId);
            } catch (RuntimeException e) {
                LOG.warn("clean-up of viewer {} in {} failed", s.id, streamId, e);
            }
        }
        for (String streamId : s.publishing) {
            deps.media().close(streamId, s.publisherPeer());
            gateway.endIfNotRepublished(streamId);
        }
        s.peerTickets.keySet().forEach(s::releasePeer); // whatever is left (a publication replaced by another one)
    }

    void onViewerCountChanged(String streamId) {
        // per-viewer notices are sent where the join happened; nothing to coalesce here
    }

    private void notifyPublisher(String event, String streamId, ClientSession viewer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streamId", streamId);
        m.put("viewerId", viewer.viewerId());
        m.put("displayName", viewer.principal == null ? null : viewer.principal.displayName());
        m.put("viewerCount", deps.viewers().current(streamId));
        gateway.rooms().sendEvent(Events.publisherRoom(streamId), event, m);
    }

    /** Our candidates for one peer, held until its description is out (see {@link CandidateRelay}). */
    private static CandidateRelay relay(SocketIOClient client, String streamId) {
        return new CandidateRelay(c -> {
            Map<String, Object> cand = new LinkedHashMap<>();
            cand.put("candidate", c.candidate() == null ? "" : c.candidate());
            cand.put("sdpMid", c.sdpMid());
            cand.put("sdpMLineIndex", c.sdpMLineIndex());
            client.sendEvent(Events.ICE_CANDIDATE_RECEIVED, Map.of("streamId", streamId, "candidate", cand));
        });
    }

    /**
     * Releases the held candidates once this handler is done: handlers run one at a time on the connection's serial
     * executor and the acknowledgement goes out at the end of the running one, so a task queued now runs after both
     * the description event and the ack. If the queue refuses it the event is out already: release at once.
     */
    private static void openAfterThisEvent(ClientSession s, CandidateRelay relay) {
        try {
            s.executor.execute(relay::open);
        } catch (RejectedExecutionException e) {
            relay.open();
        }
    }

    private MediaPlane.CandidateSink sink(CandidateRelay relay, SocketIOClient client, String streamId, ClientSession s,
                                          boolean publisher) {
        return new MediaPlane.CandidateSink() {
            @Override
            public void onLocalCandidate(IceCandidate c) {
                relay.offer(c);
            }

            @Override
            public void onPeerClosed(String reason) {
                s.executor.execute(() -> {
                    if (publisher) {
                        s.publishing.remove(streamId);
                        s.releasePeer(ClientSession.publisherKey(streamId));
                        gateway.endIfNotRepublished(streamId);
                    } else {
                        closeViewer(s, streamId);
                    }
                    client.sendEvent(Events.ERROR, EventDispatcher.errorBody("MEDIA_DISCONNECTED", reason, ""));
                });
            }
        };
    }
}
