package io.relaycast.web.media;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.web.api.Api;
import io.relaycast.web.http.Authenticator;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/streams/{id}/media-stats}: the SFU's measurements of a stream on this node. The owner (or an
 * admin) gets {@link OwnerMediaStats}, typed and without addresses; {@code ?debug=1} returns the SFU's full debug
 * state (selected ICE pairs with viewers' IP addresses and ports, per-source counters) to admins only. Both carry
 * {@code ingest}: an RTMP encoder's bitrate, frame rate, keyframe interval and warnings, as the ingest measures them.
 */
public final class MediaStatsRoutes {
    private final StreamService streams;
    private final MediaPlane media;
    private final Authenticator auth;
    private final OwnerMediaStats.Labels labels;
    private final IngestHealthSource ingest;

    public MediaStatsRoutes(StreamService streams, MediaPlane media, Authenticator auth, IngestHealthSource ingest) {
        this.streams = streams;
        this.media = media;
        this.auth = auth;
        this.ingest = ingest;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.labels = new OwnerMediaStats.Labels(key);
    }

    public void register(Javalin app) {
        app.get(Api.PREFIX + "/streams/{id}/media-stats", this::get);
    }

    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        Principal who = auth.user(ctx);
        streams.requireOwned(who, id);
        String debug = ctx.queryParam("debug");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("streamId", id);
        if (debug != null && !debug.equals("0") && !debug.equals("false")) {
            if (!who.isAdmin()) {
                throw new ServiceException(ErrorCode.FORBIDDEN,
                        "the SFU's debug state holds viewers' addresses: admins only");
            }
            body.put("media", media.mediaStats(id)); // the untyped superset; its shape may change
            body.put("sockets", media.socketStats()); // the node's media port: buffer granted, kernel drops
        } else {
            StreamStats stats = media.streamStats(id);
            body.put("media", stats == null ? null : OwnerMediaStats.of(stats, labels));
        }
        // what an RTMP encoder sends, measured before the SFU (null for WHIP and browser publishers)
        body.put("ingest", ingest.of(id));
        ctx.json(body);
    }
}
