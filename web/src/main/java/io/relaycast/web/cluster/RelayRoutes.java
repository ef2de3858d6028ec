package io.relaycast.web.cluster;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.relay.RelayGrant;
import io.relaycast.sfu.relay.RelayOrigin;
import io.relaycast.sfu.relay.RelayRequest;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.web.http.ApiErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * {@code POST /internal/v1/relays}: another node (an edge) asks this node (the stream's origin) for a relay of a
 * stream (docs/api.md). Node authentication only ({@link RelayTokens}), never a user's token:
 * missing or malformed credential → 401, wrong signature or another node's name → 403, expired → 401,
 * malformed body → 400 (after a well-formed credential), nobody publishes the stream on this node → 409
 * {@code STREAM_NOT_LIVE}, at {@code max-relays-per-node} → 503. The answer is a {@link RelayGrant} (no keys: both nodes derive them).
 */
public final class RelayRoutes {
    public static final String PATH = "/internal/v1/relays";
    private static final Logger LOG = LoggerFactory.getLogger(RelayRoutes.class);

    private final RelayTokens tokens;
    private final RelayOrigin origin;
    /** The host edges send to when advertise-host is empty: this node's media host. */
    private final Supplier<String> mediaHost;

    public RelayRoutes(RelayTokens tokens, RelayOrigin origin, Supplier<String> mediaHost) {
        this.tokens = tokens;
        this.origin = origin;
        this.mediaHost = mediaHost;
    }

    public void register(Javalin app) {
        app.post(PATH, this::open);
    }

    private void open(Context ctx) {
        byte[] body = readBounded(ctx);
        if (body == null) {
            ApiErrors.write(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "a relay request is at most "
                    + RelayRequest.MAX_BODY_BYTES + " bytes");
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            ApiErrors.write(ctx, ErrorCode.UNAUTHENTICATED, "a node credential is required");
            return;
        }
        RelayRequest request;
        try {
            request = RelayRequest.parse(body);
        } catch (IllegalArgumentException e) {
            if (tokens.verify(header, null, body) == RelayTokens.Verdict.MALFORMED) {
                ApiErrors.write(ctx, ErrorCode.UNAUTHENTICATED, "malformed node credential");
            } else {
                ApiErrors.write(ctx, ErrorCode.VALIDATION_FAILED, e.getMessage());
            }
            return;
        }
        switch (tokens.verify(header, request.edgeNode(), body)) {
            case OK -> {
            }
            case MISSING, MALFORMED -> {
                ApiErrors.write(ctx, ErrorCode.UNAUTHENTICATED, "malformed node credential");
                return;
            }
            case EXPIRED -> {
                ApiErrors.write(ctx, ErrorCode.TOKEN_EXPIRED, "the node credential has expired");
                return;
            }
            case BAD_SIGNATURE -> {
                LOG.warn("relay request for stream {} with a bad signature (claims node {}, from {})",
                        request.streamId(), request.edgeNode(), ctx.ip());
                ApiErrors.write(ctx, ErrorCode.FORBIDDEN, "the node credential does not match the request");
                return;
            }
        }
        RelayGrant grant;
        try {
            grant = origin.open(request);
        } catch (MediaException e) {
            if (e.code().equals("NOT_PUBLISHED")) {
                ApiErrors.write(ctx, ErrorCode.STREAM_NOT_LIVE, "stream " + request.streamId()
                        + " is not published on this node");
            } else {
                ApiErrors.write(ctx, ErrorCode.UNAVAILABLE, e.getMessage());
            }
            return;
        }
        if (grant.host().isEmpty()) {
            grant = grant.withHost(mediaHost.get());
        }
        ctx.status(200).contentType("application/json").result(grant.toJson());
    }

    /** The body, or null when it is longer than a relay request may be (Javalin caps what it reads at http.max-body). */
    private static byte[] readBounded(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        return body.length > RelayRequest.MAX_BODY_BYTES ? null : body;
    }
}
