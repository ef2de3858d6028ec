package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the answer a Chrome viewer gives to our offer, the way Chrome's createAnswer shapes it: same mids and
 * order, recvonly, setup:active, all offered codecs with their RTX, the offered extmaps, BUNDLE, rtcp-mux.
 * Tests then break one aspect at a time.
 */
public final class ViewerAnswers {

    public static final String VIEWER_UFRAG = "vW3x";
    public static final String VIEWER_PWD = "k9Lm2Pq8Rs7Tu6Vw5Xy4Za3B";
    public static final String VIEWER_FINGERPRINT =
            "7A:11:C0:5E:93:2B:D4:86:0F:E1:3C:A7:58:92:6D:04:BE:F3:21:9A:67:C8:0D:E5:34:7B:A2:1F:D6:59:8C:40";

    private ViewerAnswers() {
    }

    public static String chromeLike(SessionDescription offer) throws SdpException {
        StringBuilder sdp = new StringBuilder();
        sdp.append("v=0\r\n").append("o=- 8123981232312312312 2 IN IP4 127.0.0.1\r\n").append("s=-\r\n").append("t=0 0\r\n");
        List<String> mids = new ArrayList<>();
        for (MediaDescription section : offer.media()) {
            mids.add(section.mid().orElseThrow());
        }
        sdp.append("a=group:BUNDLE ").append(String.join(" ", mids)).append("\r\n");
        sdp.append("a=extmap-allow-mixed\r\n").append("a=msid-semantic: WMS\r\n");
        for (MediaDescription section : offer.media()) {
            sdp.append("m=").append(section.mediaLine().media()).append(" 9 UDP/TLS/RTP/SAVPF");
            for (int pt : section.mediaLine().payloadTypes()) {
                sdp.append(' ').append(pt);
            }
            sdp.append("\r\n");
            sdp.append("c=IN IP4 0.0.0.0\r\n").append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
            sdp.append("a=ice-ufrag:").append(VIEWER_UFRAG).append("\r\n");
            sdp.append("a=ice-pwd:").append(VIEWER_PWD).append("\r\n");
            sdp.append("a=ice-options:trickle\r\n");
            sdp.append("a=fingerprint:sha-256 ").append(VIEWER_FINGERPRINT).append("\r\n");
            sdp.append("a=setup:active\r\n");
            sdp.append("a=mid:").append(section.mid().orElseThrow()).append("\r\n");
            for (ExtMap map : section.extMaps()) {
                sdp.append("a=extmap:").append(map.toAttributeValue()).append("\r\n");
            }
            sdp.append("a=recvonly\r\n").append("a=rtcp-mux\r\n").append("a=rtcp-rsize\r\n");
            for (RtpMap map : section.rtpMaps()) {
                sdp.append("a=rtpmap:").append(map.toAttributeValue()).append("\r\n");
                for (RtcpFeedback fb : section.rtcpFeedback()) {
                    if (fb.payloadType() == map.payloadType()) {
                        sdp.append("a=rtcp-fb:").append(fb.toAttributeValue()).append("\r\n");
                    }
                }
                var fmtp = section.formatParameters(map.payloadType());
                if (fmtp.isPresent()) {
                    sdp.append("a=fmtp:").append(fmtp.get().toAttributeValue()).append("\r\n");
                }
            }
        }
        return sdp.toString();
    }
}
