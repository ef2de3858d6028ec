package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.NegotiatedCodec;

import java.util.ArrayList;
import java.util.List;

/** Writes the m= payload list and the rtpmap / rtcp-fb / fmtp lines of negotiated codecs, RTX after its codec. */
final class CodecLines {

    private CodecLines() {
    }

    /** Payload types in codec order, each followed by its RTX payload type. */
    static List<Integer> payloadTypes(List<NegotiatedCodec> codecs) {
        List<Integer> pts = new ArrayList<>();
        for (NegotiatedCodec codec : codecs) {
            pts.add(codec.payloadType());
            if (codec.hasRtx()) {
                pts.add(codec.rtxPayloadType());
            }
        }
        return pts;
    }

    static void append(MediaDescription section, List<NegotiatedCodec> codecs) {
        for (NegotiatedCodec codec : codecs) {
            section.addAttribute("rtpmap", new RtpMap(codec.payloadType(), codec.encodingName(), codec.clockRate(),
                    codec.channels()).toAttributeValue());
            for (String feedback : codec.feedback()) {
                section.addAttribute("rtcp-fb", codec.payloadType() + " " + feedback);
            }
            if (!codec.formatParameters().isEmpty()) {
                section.addAttribute("fmtp", codec.payloadType() + " " + codec.formatParameters());
            }
            if (codec.hasRtx()) {
                section.addAttribute("rtpmap", codec.rtxPayloadType() + " rtx/" + codec.clockRate());
                String rtxFmtp = codec.rtxFormatParameters().isEmpty() ? "apt=" + codec.payloadType()
                        : codec.rtxFormatParameters();
                section.addAttribute("fmtp", codec.rtxPayloadType() + " " + rtxFmtp);
            }
        }
    }
}
