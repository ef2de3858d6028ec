package io.relaycast.web.media;

import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.ice.IceServer;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.sdp.SdpException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The HTTP side of WHIP/WHEP: SDP bodies, ICE server Link headers, media errors as HTTP statuses. */
final class SdpHttp {
    static final String SDP = "application/sdp";
    static final int MAX_SDP_BYTES = 64 * 1024;

    private SdpHttp() {
    }

    static String body(Context ctx, String expectedType) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(expectedType)) {
            throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as " + expectedType);
        }
        if (ctx.req().getContentLengthLong() > MAX_SDP_BYTES) {
            throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "SDP larger than " + MAX_SDP_BYTES + " bytes");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_SDP_BYTES + 1);
            if (bytes.length > MAX_SDP_BYTES) {
                throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "SDP larger than " + MAX_SDP_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.BAD_JSON, "body could not be read");
        }
    }

    /** RFC 9725 §4.6: STUN/TURN servers as Link headers, TURN with its credentials. */
    static void iceServerLinks(Context ctx, List<IceServer> servers) {
        for (IceServer s : servers) {
            for (String url : s.urls()) {
                StringBuilder link = new StringBuilder("<").append(url).append(">; rel=\"ice-server\"");
                if (s.username() != null) {
                    link.append("; username=\"").append(s.username()).append("\"; credential=\"")
                            .append(s.credential()).append("\"; credential-type=\"password\"");
                }
                ctx.res().addHeader("Link", link.toString());
            }
        }
    }

    /** A media-plane refusal: bad SDP is the client's fault (400), no publisher is a 409, the rest a 503. */
    static ServiceException toHttp(MediaException e) {
        String code = e.code();
        ErrorCode status;
        if (code.startsWith("SDP_") || code.startsWith("TOO_MANY") || code.startsWith("NO_") || code.startsWith("MISSING_")
                || code.equals("BUNDLE_REQUIRED") || code.equals("RTCP_MUX_REQUIRED") || code.equals("INVALID_DTLS_SETUP")
                || code.equals("MEDIA_REJECTED") || code.equals("ANSWER_MISMATCH")
                || code.equals("INVALID_CANDIDATE")
                || code.equals("INVALID_ICE_CREDENTIALS") || code.equals("INVALID_STATE")) {
            // the request is what is wrong: retrying it unchanged cannot help
            status = ErrorCode.VALIDATION_FAILED;
        } else if (code.equals("UNKNOWN_PEER")) {
            status = ErrorCode.NOT_FOUND; // the media session ended on its own (ICE failed, consent lost)
        } else if (code.equals("NOT_PUBLISHED")) {
            status = ErrorCode.STREAM_NOT_LIVE;
        } else {
            status = ErrorCode.UNAVAILABLE;
        }
        return new ServiceException(status, code, e.getMessage());
    }

    static ServiceException toHttp(SdpException e) {
        return new ServiceException(ErrorCode.VALIDATION_FAILED, e.code(), e.getMessage());
    }
}
