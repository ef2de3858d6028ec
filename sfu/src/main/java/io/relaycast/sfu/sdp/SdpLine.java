package io.relaycast.sfu.sdp;

import java.util.Objects;

/**
 * One {@code <type>=<value>} line (RFC 8866 section 5), kept verbatim so that parse then serialize gives the
 * same text. Attribute lines ({@code a=}) are split on demand into a name and an optional value.
 */
public record SdpLine(char type, String value) {

    public SdpLine {
        Objects.requireNonNull(value, "value");
        if (type < 'a' || type > 'z') {
            throw new IllegalArgumentException("SDP line type must be a lower-case letter: " + type);
        }
    }

    public static SdpLine attribute(String name, String value) {
        return new SdpLine('a', value == null ? name : name + ':' + value);
    }

    public boolean isAttribute() {
        return type == 'a';
    }

    /** For {@code a=rtpmap:111 opus/48000/2} returns {@code rtpmap}; for a flag such as {@code a=rtcp-mux} the whole value. */
    public String attributeName() {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** The part after the first colon, or {@code null} for a property attribute without one (RFC 8866 section 5.13). */
    public String attributeValue() {
        int colon = value.indexOf(':');
        return colon < 0 ? null : value.substring(colon + 1);
    }

    @Override
    public String toString() {
        return type + "=" + value;
    }
}
