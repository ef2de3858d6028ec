package io.relaycast.sfu.media;

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
        if (cname.isEmpty() || !printable(cname)) {
            throw new IllegalArgumentException("cname must be printable ASCII without spaces");
        }
        if (!token(streamId) || streamId.length() > 58) {
            throw new IllegalArgumentException("stream id must be a token of at most 58 characters (RFC 8830)");
        }
        if (videoRtxSsrc != 0 && videoRtxSsrc == videoSsrc || audioSsrc != 0 && audioSsrc == videoSsrc) {
            throw new IllegalArgumentException("viewer SSRCs must differ");
        }
    }

    private static void checkSsrc(long ssrc) {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SSRC out of 32-bit range: " + ssrc);
        }
    }

    /** The track id in a=msid: the stream id and the kind, so a viewer page can tell the two apart. */
    public String trackId(MediaKind kind) {
        return streamId + "-" + kind.media();
    }

    /** Printable ASCII without spaces (RFC 7022 CNAMEs as a=ssrc carries them). */
    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8866 token (what a=msid's ids must be, RFC 8830 section 2). */
    private static boolean token(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '!' || (c >= '#' && c <= '\'') || c == '*' || c == '+' || c == '-' || c == '.'
                    || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= '^' && c <= '~');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
