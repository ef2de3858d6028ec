package io.relaycast.web.media;

import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.web.http.Json;
import io.relaycast.web.http.JsonBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A WHEP viewer's simulcast quality, the same choice as Socket.IO's {@code stream:quality}: {@code auto} (follow the
 * viewer's bandwidth), {@code high}, {@code medium} or {@code low}. WHEP itself (draft-ietf-wish-whep) defines no
 * layer selection, so this is ours: {@code ?quality=} on the POST that creates the session, and later
 * {@code POST {resource}/quality} with {@code {"quality": "low"}}, advertised in the 201 as
 * {@code Link: <{resource}/quality>; rel="urn:relaycast:whep:quality"} (RFC 8288 extension relation type).
 * A stream published without simulcast has one quality and ignores the choice.
 */
final class WhepQuality {
    private static final Logger LOG = LoggerFactory.getLogger(WhepQuality.class);
    static final String REL = "urn:relaycast:whep:quality";
    private static final Set<String> QUALITIES = Set.of("auto", "high", "medium", "low");
    /** The body is one short field: no reason to read more. */
    private static final long MAX_BODY = 1024;

    private WhepQuality() {
    }

    /** {@code ?quality=} of the WHEP POST, checked; null when absent. */
    static String requested(Context ctx) {
        String q = ctx.queryParam("quality");
        return q == null || q.isEmpty() ? null : check(q);
    }

    /** The choice of a new viewer peer: sent to the media plane only when it is not the default (auto). */
    static void apply(MediaPlane media, String streamId, String peerId, String quality) {
        if (quality == null || quality.equals("auto")) {
            return;
        }
        try {
            media.setQuality(streamId, peerId, quality);
        } catch (MediaException e) {
            // the peer was just made: only a race with its own end gets here, and the viewer then has nothing to see
            LOG.info("WHEP viewer {} of stream {}: quality {} not applied: {}", peerId, streamId, quality, e.getMessage());
        }
    }

    /** The 201's pointer to the quality resource. */
    static void link(Context ctx, String resource) {
        ctx.res().addHeader("Link", "<" + resource + "/quality>; rel=\"" + REL + "\"");
    }

    /** {@code POST {resource}/quality}: {@code {"quality": ...}} (or {@code ?quality=}) → 200 {@code {quality}}. */
    static void change(Context ctx, MediaPlane media, String streamId, String peerId) {
        String q = ctx.queryParam("quality");
        if (q == null) {
            q = JsonBody.read(ctx, Json.mapper(), MAX_BODY).string("quality");
        }
        if (q == null) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "send {\"quality\": \"auto|high|medium|low\"}");
        }
        String quality = check(q);
        try {
            media.setQuality(streamId, peerId, quality);
        } catch (MediaException e) {
            if ("NOT_IN_STREAM".equals(e.code())) { // the media session ended on its own (ICE failed, consent lost)
                throw new ServiceException(ErrorCode.NOT_FOUND, "this WHEP session has no media any more");
            }
            throw SdpHttp.toHttp(e);
        }
        ctx.json(Map.of("quality", quality));
    }

    private static String check(String q) {
        String lower = q.toLowerCase(Locale.ROOT);
        if (!QUALITIES.contains(lower)) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'quality' must be auto, high, medium or low");
        }
        return lower;
    }
}
