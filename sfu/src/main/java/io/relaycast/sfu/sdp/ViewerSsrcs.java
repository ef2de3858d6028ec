package io.relaycast.sfu.sdp;

import java.util.Objects;

/**
 * The SSRCs and identifiers the SFU uses toward one viewer. Each viewer gets its own SSRCs: the Consumer rewrites
 * the publisher's (possibly simulcast, possibly switching) streams onto one continuous stream per kind.
 *
 * @param audioSsrc    0 when the broadcast has no audio
 * @param videoSsrc    0 when the broadcast has no video
 * @param videoRtxSsrc 0 to offer no RTX for video (the RTX payload types are then left out)
 * @param cname        RTCP CNAME shared by both streams so the viewer lip-syncs them (RFC 7022)
 * @param streamId     the MediaStream id the viewer sees in a=msid (RFC 8830)
 */
public record ViewerSsrcs(long audioSsrc, long videoSsrc, long videoRtxSsrc, String cname, String streamId) {

    public ViewerSsrcs {
        Objects.requireNonNull(cname, "cname");
        Objects.requireNonNull(streamId, "streamId");
        checkSsrc(audioSsrc);
        checkSsrc(videoSsrc);
        checkSsrc(videoRtxSsrc);
        if (cname.isEmpty() || !SdpSyntax.isVisible(cname)) {
            throw new IllegalArgumentException("cname must be printable ASCII without spaces");
        }
        if (!SdpSyntax.isToken(streamId) || streamId.length() > 58) {
            throw new IllegalArgumentException("stream id must be a token of at most 58 characters (RFC 8830)");
        }
        if (videoRtxSsrc != 0 && videoRtxSsrc == videoSsrc || audioSsrc != 0 && audioSsrc == videoSsrc) {
            throw new IllegalArgumentException("viewer SSRCs must differ");
        }
    }

    private static void checkSsrc(long ssrc) {
        if (ssrc < 0 || ssrc > SsrcAttribute.MAX_SSRC) {
            throw new IllegalArgumentException("SSRC out of 32-bit range: " + ssrc);
        }
    }

    /** The track id in a=msid: the stream id and the kind, so a viewer page can tell the two apart. */
    String trackId(MediaKind kind) {
        return streamId + "-" + kind.media();
    }
}
