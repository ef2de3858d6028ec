package io.relaycast.sfu.media;

import java.util.List;
import java.util.Objects;

/**
 * One codec agreed with a publisher, with the offerer's payload type kept (RFC 3264 section 6.1 lets the answer
 * reuse them, and keeping them means forwarded packets need no payload type rewrite).
 *
 * @param encodingName        as the offerer spelled it (e.g. {@code opus} or {@code OPUS})
 * @param channels            0 for video
 * @param formatParameters    the a=fmtp text, "" when the offer had none
 * @param rtxPayloadType      the RTX payload type whose {@code apt} points here (RFC 4588 section 8.6), -1 if none
 * @param rtxFormatParameters the RTX a=fmtp text (at least {@code apt=<pt>}), "" if none
 * @param feedback            the rtcp-fb values kept, e.g. {@code nack}, {@code nack pli}, {@code transport-cc}
 */
public record NegotiatedCodec(ForwardedCodec codec, int payloadType, String encodingName, int clockRate, int channels,
                              String formatParameters, int rtxPayloadType, String rtxFormatParameters,
                              List<String> feedback) {

    public NegotiatedCodec {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(encodingName, "encodingName");
        Objects.requireNonNull(formatParameters, "formatParameters");
        Objects.requireNonNull(rtxFormatParameters, "rtxFormatParameters");
        feedback = List.copyOf(feedback);
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }

    public MediaKind kind() {
        return codec.kind();
    }

    public NegotiatedCodec withFeedback(List<String> newFeedback) {
        return new NegotiatedCodec(codec, payloadType, encodingName, clockRate, channels, formatParameters,
                rtxPayloadType, rtxFormatParameters, newFeedback);
    }

    public NegotiatedCodec withoutRtx() {
        return new NegotiatedCodec(codec, payloadType, encodingName, clockRate, channels, formatParameters, -1, "",
                feedback);
    }
}
