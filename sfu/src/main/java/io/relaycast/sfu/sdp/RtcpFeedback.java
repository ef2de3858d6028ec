package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Objects;

/**
 * {@code a=rtcp-fb:<payload type or *> <type> [<parameter>]} (RFC 4585 section 4.2), e.g. {@code nack pli}.
 *
 * @param payloadType {@link #WILDCARD} for {@code *}, which applies to every format of the section
 * @param parameter   "" when absent
 */
public record RtcpFeedback(int payloadType, String type, String parameter) {

    public static final int WILDCARD = -1;

    public RtcpFeedback {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(parameter, "parameter");
    }

    static RtcpFeedback parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=rtcp-fb:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 2) {
            throw SdpException.malformed("rtcp-fb needs a payload type and a feedback type in " + context);
        }
        int pt = words.get(0).equals("*") ? WILDCARD : SdpSyntax.integer(words.get(0), 0, 127, "payload type", context);
        for (String word : words.subList(1, words.size())) {
            if (!SdpSyntax.isVisible(word)) {
                throw SdpException.malformed("rtcp-fb value is not printable in " + context);
            }
        }
        return new RtcpFeedback(pt, words.get(1), String.join(" ", words.subList(2, words.size())));
    }

    public boolean appliesTo(int pt) {
        return payloadType == WILDCARD || payloadType == pt;
    }

    /** The feedback without payload type, e.g. {@code nack pli} or {@code transport-cc}. */
    public String feedback() {
        return parameter.isEmpty() ? type : type + ' ' + parameter;
    }

    public String toAttributeValue() {
        return (payloadType == WILDCARD ? "*" : Integer.toString(payloadType)) + ' ' + feedback();
    }
}
