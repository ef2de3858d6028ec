package io.relaycast.sfu.ingest;

/**
 * Writes the SDP offer a local publication is described by: the same shape a WebRTC publisher offers (BUNDLE,
 * rtcp-mux, a=ssrc per track, RFC 8829 section 5.2.1), so the ordinary {@link
 * io.relaycast.sfu.sdp.PublisherAnswerBuilder} reads its tracks. The transport lines (ICE, fingerprint) are
 * placeholders: no transport is negotiated from them.
 */
public final class LocalOffer {
    /** Payload types as browsers number them; any dynamic value would do (RFC 3551 section 6). */
    public static final int OPUS_PAYLOAD_TYPE = 111;
    public static final int H264_PAYLOAD_TYPE = 102;

    private LocalOffer() {
    }

    /**
     * @param audioSsrc        the Opus track's SSRC, 0 for no audio track
     * @param videoSsrc        the H.264 track's SSRC, 0 for no video track
     * @param h264ProfileLevel the profile-level-id to signal (RFC 6184 section 8.1), e.g. 42e01f
     * @param spropParameterSets the source's SPS and PPS (RFC 6184 section 8.1, base64 NAL units joined by
     *                           commas), or null; taps hand them to ffmpeg, which needs them to remux H.264
     */
    public static String opusAndH264(long audioSsrc, long videoSsrc, String h264ProfileLevel,
                                     String spropParameterSets) {
        if (audioSsrc == 0 && videoSsrc == 0) {
            throw new IllegalArgumentException("a publication needs an audio or a video track");
        }
        StringBuilder sdp = new StringBuilder();
        sdp.append("v=0\r\no=- ").append(System.nanoTime() & 0x7FFF_FFFF_FFFFL).append(" 2 IN IP4 127.0.0.1\r\n");
        sdp.append("s=-\r\nt=0 0\r\n");
        sdp.append("a=group:BUNDLE");
        if (audioSsrc != 0) {
            sdp.append(" 0");
        }
        if (videoSsrc != 0) {
            sdp.append(" 1");
        }
        sdp.append("\r\n");
        if (audioSsrc != 0) {
            section(sdp, "audio", "0", OPUS_PAYLOAD_TYPE);
            sdp.append("a=rtpmap:111 opus/48000/2\r\n");
            sdp.append("a=fmtp:111 minptime=10;useinbandfec=1\r\n");
            ssrc(sdp, audioSsrc, "audio");
        }
        if (videoSsrc != 0) {
            section(sdp, "video", "1", H264_PAYLOAD_TYPE);
            sdp.append("a=rtpmap:102 H264/90000\r\n");
            sdp.append("a=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\na=rtcp-fb:102 ccm fir\r\n");
            sdp.append("a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=")
                    .append(h264ProfileLevel);
            if (spropParameterSets != null && !spropParameterSets.isEmpty()) {
                sdp.append(";sprop-parameter-sets=").append(spropParameterSets);
            }
            sdp.append("\r\n");
            ssrc(sdp, videoSsrc, "video");
        }
        return sdp.toString();
    }

    private static void section(StringBuilder sdp, String kind, String mid, int pt) {
        sdp.append("m=").append(kind).append(" 9 UDP/TLS/RTP/SAVPF ").append(pt).append("\r\n");
        sdp.append("c=IN IP4 0.0.0.0\r\n");
        sdp.append("a=ice-ufrag:local\r\na=ice-pwd:localpublicationnoice00\r\n");
        sdp.append("a=fingerprint:sha-256 ");
        for (int i = 0; i < 32; i++) {
            sdp.append(i == 0 ? "" : ":").append("00");
        }
        sdp.append("\r\na=setup:actpass\r\n");
        sdp.append("a=mid:").append(mid).append("\r\na=sendonly\r\na=rtcp-mux\r\n");
    }

    private static void ssrc(StringBuilder sdp, long ssrc, String track) {
        sdp.append("a=ssrc:").append(ssrc).append(" cname:relaycast-ingest\r\n");
        sdp.append("a=ssrc:").append(ssrc).append(" msid:ingest ").append(track).append("\r\n");
    }
}
