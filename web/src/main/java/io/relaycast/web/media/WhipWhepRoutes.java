package io.relaycast.web.media;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamLifecycleListener;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.stream.StreamStatus;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.viewer.ViewerSession;
import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SdpLimits;
import io.relaycast.sfu.sdp.TrickleCandidate;
import io.relaycast.sfu.sdp.TrickleIceFragment;
import io.relaycast.web.http.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * WHIP (RFC 9725) for encoders and WHEP for players. WHIP authenticates with the stream key as bearer (never
 * logged); WHEP with the viewer's JWT when the stream needs one (followers-only), anonymous otherwise. Our
 * candidates are in the SDP answer (no server-to-client trickle in WHIP); the client's trickle in {@code PATCH}.
 * A WHEP viewer picks its simulcast quality with {@code ?quality=} on the POST and changes it later with
 * {@code POST /whep/{streamId}/{resource}/quality} ({@link WhepQuality}).
 */
public final class WhipWhepRoutes implements StreamLifecycleListener {
    private static final Logger LOG = LoggerFactory.getLogger(WhipWhepRoutes.class);

    private final StreamService streams;
    private final ViewerService viewers;
    private final IceServerService iceServers;
    private final MediaPlane media;
    private final Authenticator auth;
    private final MediaSessions sessions = new MediaSessions();
    private final boolean allowAnonymousViewers;
    private final PeerAdmission peers;

    public WhipWhepRoutes(StreamService streams, ViewerService viewers, IceServerService iceServers, MediaPlane media,
                          Authenticator auth, boolean allowAnonymousViewers, PeerAdmission peers) {
        this.allowAnonymousViewers = allowAnonymousViewers;
        this.peers = peers;
        this.streams = streams;
        this.viewers = viewers;
        this.iceServers = iceServers;
        this.media = media;
        this.auth = auth;
        streams.addListener(this);
    }

    public void register(Javalin app) {
        app.post("/whip/{streamId}", this::publish);
        app.patch("/whip/{streamId}/{resource}", ctx -> trickle(ctx, true));
        app.delete("/whip/{streamId}/{resource}", ctx -> delete(ctx, true));
        app.post("/whep/{streamId}", this::play);
        app.patch("/whep/{streamId}/{resource}", ctx -> trickle(ctx, false));
        app.delete("/whep/{streamId}/{resource}", ctx -> delete(ctx, false));
        app.post("/whep/{streamId}/{resource}/quality", ctx -> {
            MediaSession s = find(ctx);
            if (s.publisher()) {
                throw new ServiceException(ErrorCode.NOT_FOUND, "no such WHEP session");
            }
            WhepQuality.change(ctx, media, s.streamId(), s.peerId());
        });
    }

    private void publish(Context ctx) {
        String streamId = ctx.pathParam("streamId");
        String key = bearer(ctx);
        Stream stream = streams.require(streamId);
        if (key == null || !streams.verifyStreamKey(streamId, key)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"relaycast-whip\"");
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "send the stream key as Authorization: Bearer <key>");
        }
        if (stream.status() == StreamStatus.ENDED || stream.status() == StreamStatus.CANCELLED) {
            throw new ServiceException(stream.status() == StreamStatus.ENDED ? ErrorCode.STREAM_ENDED : ErrorCode.STREAM_CANCELLED,
                    "a " + stream.status().wire() + " stream cannot be published");
        }
        String offer = SdpHttp.body(ctx, SdpHttp.SDP);
        String resource = UUID.randomUUID().toString();
        String peer = "whip:" + resource;
        // the encoder acts for the stream's owner: its peers count against the owner's limit, and its address's
        PeerAdmission.Ticket ticket = peers.admit(stream.ownerId(), ctx.ip());
        String answer;
        try {
            answer = media.publish(streamId, peer, offer, noTrickle(peer));
        } catch (MediaException e) {
            // every refused offer leaves a line (the message names the offending SDP line, never a key or token)
            LOG.info("WHIP offer for stream {} refused: {}", streamId, e.getMessage());
            ticket.release();
            throw SdpHttp.toHttp(e);
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
        String etag = "\"" + UUID.randomUUID() + "\"";
        sessions.removePublishers(streamId); // a newer publication replaces them: their resources are gone (404)
        sessions.add(new MediaSession(resource, streamId, peer, true, null, etag, ticket));
        streams.startForPublisher(streamId);
        LOG.info("WHIP publication {} on stream {}", resource, streamId);
        created(ctx, "/whip/" + streamId + "/" + resource, etag, answer, null);
    }

    private void play(Context ctx) {
        String streamId = ctx.pathParam("streamId");
        Principal viewer = ctx.header("Authorization") == null ? null : auth.verify(bearerOrThrow(ctx));
        if (viewer == null && !allowAnonymousViewers) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"relaycast-whep\"");
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "anonymous viewers are off: send Authorization: Bearer <jwt>");
        }
        Stream stream = streams.requireVisible(viewer, streamId);
        if (!stream.isLive()) {
            throw new ServiceException(ErrorCode.STREAM_NOT_LIVE, "stream is " + stream.status().wire() + ", not live");
        }
        String offer = SdpHttp.body(ctx, SdpHttp.SDP);
        String quality = WhepQuality.requested(ctx); // refused (400) before any peer exists
        String resource = UUID.randomUUID().toString();
        String peer = "whep:" + resource;
        PeerAdmission.Ticket ticket = peers.admit(viewer == null ? null : viewer.userId(), ctx.ip());
        ViewerSession session;
        try {
            session = viewers.join(viewer, "whep:" + ctx.ip(), streamId, ViewerService.TRANSPORT_WEBRTC);
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
        String answer;
        try {
            answer = media.answerViewer(streamId, peer, offer, noTrickle(peer));
        } catch (MediaException e) {
            LOG.info("WHEP offer for stream {} refused: {}", streamId, e.getMessage());
            viewers.closeSession(session.id());
            ticket.release();
            throw SdpHttp.toHttp(e);
        } catch (RuntimeException e) {
            viewers.closeSession(session.id());
            ticket.release();
            throw e;
        }
        String etag = "\"" + UUID.randomUUID() + "\"";
        sessions.add(new MediaSession(resource, streamId, peer, false, session.id(), etag, ticket));
        WhepQuality.apply(media, streamId, peer, quality);
        WhepQuality.link(ctx, "/whep/" + streamId + "/" + resource);
        created(ctx, "/whep/" + streamId + "/" + resource, etag, answer, viewer == null ? null : viewer.userId());
    }

    private void created(Context ctx, String location, String etag, String answer, String userId) {
        SdpHttp.iceServerLinks(ctx, iceServers.forUser(userId));
        ctx.status(201).header("Location", location).header("ETag", etag).contentType(SdpHttp.SDP).result(answer);
    }

    /**
     * RFC 9725 §4.3.1: trickle candidates in an SDP fragment (204). A fragment whose ice-ufrag/ice-pwd differ from
     * the ones in use is an ICE restart (§4.4.1): the SFU starts a new ICE session on the same DTLS association and
     * we answer 200 with our new credentials and candidates in a fragment, and a new ETag. Credentials equal to the
     * current ones are just a trickle that names its generation (RFC 8840 section 4.4).
     */
    private void trickle(Context ctx, boolean whip) {
        MediaSession s = find(ctx);
        String body = SdpHttp.body(ctx, TrickleIceFragment.MEDIA_TYPE);
        TrickleIceFragment fragment;
        try {
            fragment = TrickleIceFragment.parse(body, SdpLimits.DEFAULTS);
        } catch (SdpException e) {
            throw SdpHttp.toHttp(e);
        }
        if (fragment.hasCredentials() && restartIce(ctx, s, fragment)) {
            return;
        }
        try {
            for (TrickleCandidate c : fragment.candidates()) {
                media.addRemoteCandidate(s.streamId(), s.peerId(),
                        new IceCandidate(c.candidate(), c.sdpMid(), c.sdpMLineIndex() < 0 ? null : c.sdpMLineIndex()));
            }
            if (fragment.endOfCandidates()) {
                media.addRemoteCandidate(s.streamId(), s.peerId(), new IceCandidate("", null, null));
            }
        } catch (MediaException e) {
            throw SdpHttp.toHttp(e);
        }
        ctx.status(204);
    }

    /** True when the fragment restarted ICE and the 200 answer is written; false when it is a plain trickle. */
    private boolean restartIce(Context ctx, MediaSession s, TrickleIceFragment fragment) {
        List<String> candidates = new ArrayList<>();
        for (TrickleCandidate c : fragment.candidates()) {
            candidates.add(c.candidate());
        }
        MediaPlane.IceRestartAnswer ours;
        try {
            ours = media.restartIceAnswering(s.streamId(), s.peerId(), fragment.iceUfrag(), fragment.icePwd(),
                    candidates, fragment.endOfCandidates());
        } catch (MediaException e) {
            if ("ICE_CREDENTIALS_UNCHANGED".equals(e.code()) || "ICE_RESTART_UNSUPPORTED".equals(e.code())) {
                return false; // the same generation: candidates only
            }
            throw SdpHttp.toHttp(e);
        }
        String mid = fragment.candidates().isEmpty() || fragment.candidates().get(0).sdpMid() == null
                ? "0" : fragment.candidates().get(0).sdpMid();
        // RFC 8840 section 9 fragment: credentials, then our candidates under the bundle's first m= line
        StringBuilder frag = new StringBuilder();
        frag.append("a=ice-ufrag:").append(ours.iceUfrag()).append("\r\n");
        frag.append("a=ice-pwd:").append(ours.icePwd()).append("\r\n");
        frag.append("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n");
        frag.append("a=mid:").append(mid).append("\r\n");
        for (String c : ours.candidates()) {
            frag.append("a=").append(c).append("\r\n");
        }
        frag.append("a=end-of-candidates\r\n");
        LOG.info("{} {}: ICE restart on {}", s.publisher() ? "WHIP" : "WHEP", s.streamId(), s.resourceId());
        ctx.status(200).header("ETag", "\"" + UUID.randomUUID() + "\"").contentType(TrickleIceFragment.MEDIA_TYPE)
                .result(frag.toString());
        return true;
    }

    private void delete(Context ctx, boolean whip) {
        MediaSession s = find(ctx);
        sessions.remove(s.resourceId());
        // only the current publication's DELETE ends the stream: one replaced by a newer publish (WHIP or
        // Socket.IO) ends nothing but itself
        boolean current = s.publisher() && media.isPublisher(s.streamId(), s.peerId());
        media.close(s.streamId(), s.peerId());
        if (s.publisher()) {
            if (current) {
                streams.endForPublisher(s.streamId()); // DELETE ends the publication (RFC 9725 §4.4), and so the stream
            } else {
                LOG.info("WHIP DELETE of replaced publication {} on stream {}: the stream goes on", s.resourceId(), s.streamId());
            }
        } else if (s.viewerSessionId() != null) {
            viewers.closeSession(s.viewerSessionId());
        }
        ctx.status(200);
    }

    private MediaSession find(Context ctx) {
        return sessions.find(ctx.pathParam("streamId"), ctx.pathParam("resource"))
                .orElseThrow(() -> new ServiceException(ErrorCode.NOT_FOUND, "no such WHIP/WHEP session"));
    }

    private static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return h.substring(7).trim();
    }

    private static String bearerOrThrow(Context ctx) {
        String b = bearer(ctx);
        if (b == null) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "Authorization must be 'Bearer <jwt>'");
        }
        return b;
    }

    private MediaPlane.CandidateSink noTrickle(String peer) {
        return new MediaPlane.CandidateSink() {
            @Override
            public void onLocalCandidate(IceCandidate candidate) {
                // WHIP/WHEP carry our candidates in the answer; there is no channel to trickle more
            }

            @Override
            public void onPeerClosed(String reason) {
                sessions.findByPeer(peer).ifPresent(s -> {
                    sessions.remove(s.resourceId());
                    if (s.publisher()) {
                        streams.endForPublisher(s.streamId());
                    } else if (s.viewerSessionId() != null) {
                        viewers.closeSession(s.viewerSessionId());
                    }
                });
            }
        };
    }

    @Override
    public void onEnded(Stream stream) {
        sessions.removeStream(stream.id());
    }
}
