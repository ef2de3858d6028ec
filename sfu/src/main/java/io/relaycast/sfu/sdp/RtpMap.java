package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]} (RFC 8866 section 6.6).
 *
 * @param channels the encoding parameters for audio (channel count), 0 when absent
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {

    public RtpMap {
        Objects.requireNonNull(encodingName, "encodingName");
    }

    static RtpMap parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=rtpmap:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() != 2) {
            throw SdpException.malformed("rtpmap needs a payload type and an encoding in " + context);
        }
        int pt = SdpSyntax.integer(words.get(0), 0, 127, "payload type", context);
        String[] parts = words.get(1).split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw SdpException.malformed("rtpmap encoding must be <name>/<clock rate>[/<channels>] in " + context);
        }
        if (!SdpSyntax.isToken(parts[0])) {
            throw SdpException.malformed("rtpmap encoding name is not a token in " + context);
        }
        int clockRate = SdpSyntax.integer(parts[1], 1, Integer.MAX_VALUE, "clock rate", context);
        int channels = parts.length == 3 ? SdpSyntax.integer(parts[2], 1, 255, "channel count", context) : 0;
        return new RtpMap(pt, parts[0], clockRate, channels);
    }

    /** Encoding names are case-insensitive (RFC 4855 section 3): Firefox writes "opus", OBS "OPUS". */
    public boolean isEncoding(String name) {
        return encodingName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
    }

    /** The attribute value, e.g. {@code 111 opus/48000/2}. */
    public String toAttributeValue() {
        return payloadType + " " + encodingName + '/' + clockRate + (channels > 0 ? "/" + channels : "");
    }
}
