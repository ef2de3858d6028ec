package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The RTP header extensions (RFC 8285) the SFU reads or rewrites, and their negotiation. Anything else a browser
 * offers (toffset, playout-delay, video-timing, color-space, dependency descriptor...) is not echoed, so the
 * publisher does not spend bytes on it.
 */
public final class HeaderExtensions {

    /** RFC 6464: audio level, for active-speaker and silence detection. */
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** Sender timestamp used by REMB bandwidth estimation. */
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Transport-wide sequence numbers for transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
    public static final String TRANSPORT_WIDE_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** RFC 8843 section 15.2: the mid of the packet's m-section, for BUNDLE demultiplexing. */
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** RFC 8852: the rid of a simulcast stream. */
    public static final String RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** RFC 8852: the rid a repair (RTX) stream belongs to. */
    public static final String REPAIRED_RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /** 3GPP TS 26.114 coordination of video orientation: lets viewers rotate instead of the phone re-encoding. */
    public static final String VIDEO_ORIENTATION = "urn:3gpp:video-orientation";

    private static final Set<String> AUDIO = Set.of(AUDIO_LEVEL, ABS_SEND_TIME, TRANSPORT_WIDE_CC, MID);
    private static final Set<String> VIDEO = Set.of(ABS_SEND_TIME, TRANSPORT_WIDE_CC, MID, RTP_STREAM_ID,
            REPAIRED_RTP_STREAM_ID, VIDEO_ORIENTATION);

    private HeaderExtensions() {
    }

    public static boolean isSupported(MediaKind kind, String uri) {
        return (kind == MediaKind.AUDIO ? AUDIO : VIDEO).contains(uri);
    }

    /**
     * The offered extensions we support, with the offerer's ids (RFC 8285 section 7: the answer keeps them).
     * An extension the offerer will only receive ({@code /recvonly}) is useless on a publisher's upstream.
     */
    static List<ExtMap> negotiate(MediaKind kind, List<ExtMap> offered) {
        List<ExtMap> accepted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ExtMap map : offered) {
            if (!isSupported(kind, map.uri()) || !seen.add(map.uri())) {
                continue;
            }
            MediaDirection direction = map.direction();
            if (direction == null) {
                accepted.add(new ExtMap(map.id(), null, map.uri(), ""));
            } else if (direction.sends()) {
                accepted.add(new ExtMap(map.id(), direction.reverse(), map.uri(), ""));
            }
        }
        return accepted;
    }

    /** Extensions forwarded to viewers: the rid ones describe the publisher's layers, not the single forwarded one. */
    static boolean isForwardedToViewers(String uri) {
        return !uri.equals(RTP_STREAM_ID) && !uri.equals(REPAIRED_RTP_STREAM_ID);
    }
}
