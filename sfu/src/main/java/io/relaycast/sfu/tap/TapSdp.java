package io.relaycast.sfu.tap;

import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;

/**
 * The SDP (RFC 4566) a local tool reads to receive an {@link RtpTap}: plain RTP/AVP on loopback, one m-line per
 * track with the publisher's own payload type, rtpmap and fmtp, so packets go out unmodified.
 */
public final class TapSdp {
    private TapSdp() {
    }

    /** @param videoPorts one video m-line per port (several: simulcast layers split by the tap, lowest first) */
    public static String describe(PublishedTracks tracks, String address, int audioPort, int... videoPorts) {
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- 0 0 IN IP4 ").append(address).append("\r\n")
                .append("s=relaycast tap\r\n")
                .append("c=IN IP4 ").append(address).append("\r\n")
                .append("t=0 0\r\n");
        if (tracks.audio() != null) {
            media(sdp, "audio", audioPort, tracks.audio(), address);
        }
        if (tracks.video() != null) {
            for (int videoPort : videoPorts) {
                media(sdp, "video", videoPort, tracks.video(), address);
            }
        }
        return sdp.toString();
    }

    private static void media(StringBuilder sdp, String kind, int port, PublishedTrack track, String address) {
        NegotiatedCodec c = track.primaryCodec();
        sdp.append("m=").append(kind).append(' ').append(port).append(" RTP/AVP ").append(c.payloadType()).append("\r\n");
        sdp.append("a=rtpmap:").append(c.payloadType()).append(' ').append(c.encodingName()).append('/').append(c.clockRate());
        if (c.channels() > 0) {
            sdp.append('/').append(c.channels());
        }
        sdp.append("\r\n");
        if (!c.formatParameters().isEmpty()) {
            sdp.append("a=fmtp:").append(c.payloadType()).append(' ').append(c.formatParameters()).append("\r\n");
        }
        // RFC 4570: only packets from the tap's own address count; ffmpeg drops the rest (anyone else's RTP)
        sdp.append("a=source-filter: incl IN IP4 ").append(address).append(' ').append(address).append("\r\n");
        sdp.append("a=recvonly\r\n");
    }

    /** The codec family for a muxer choice: "vp8", "vp9", "h264", "av1", or the lower-case encoding name. */
    public static String videoCodec(PublishedTracks tracks) {
        return tracks.video() == null ? "" : tracks.video().primaryCodec().encodingName().toLowerCase(java.util.Locale.ROOT);
    }
}
