package io.relaycast.sfu.sdp;

import java.util.Objects;

/**
 * {@code a=ssrc:<ssrc-id> <attribute>[:<value>]} (RFC 5576 section 4.1), e.g. {@code a=ssrc:1234 cname:abc}.
 *
 * @param value "" for a property attribute
 */
public record SsrcAttribute(long ssrc, String name, String value) {

    public static final long MAX_SSRC = 0xFFFF_FFFFL;

    public SsrcAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    static SsrcAttribute parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=ssrc:" + value);
        int space = value.indexOf(' ');
        if (space < 0) {
            throw SdpException.malformed("ssrc needs an id and a source attribute in " + context);
        }
        long ssrc = SdpSyntax.number(value.substring(0, space), 0, MAX_SSRC, "ssrc", context);
        String attribute = value.substring(space + 1);
        int colon = attribute.indexOf(':');
        String name = colon < 0 ? attribute : attribute.substring(0, colon);
        if (!SdpSyntax.isToken(name)) {
            throw SdpException.malformed("ssrc source attribute name is not a token in " + context);
        }
        return new SsrcAttribute(ssrc, name, colon < 0 ? "" : attribute.substring(colon + 1));
    }

    public String toAttributeValue() {
        return ssrc + " " + name + (value.isEmpty() ? "" : ":" + value);
    }
}
