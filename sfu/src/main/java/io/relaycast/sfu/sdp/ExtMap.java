package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Objects;

/**
 * {@code a=extmap:<id>[/<direction>] <URI> [<extension attributes>]} (RFC 8285 section 8).
 *
 * @param direction  null when absent (the section's direction applies)
 * @param attributes "" when absent
 */
public record ExtMap(int id, MediaDirection direction, String uri, String attributes) {

    /** Highest id: 1-14 fit the one-byte header, 1-255 the two-byte header (RFC 8285 sections 4.2, 4.3). */
    public static final int MAX_ID = 255;

    public ExtMap {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(attributes, "attributes");
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("extmap id out of range: " + id);
        }
    }

    public ExtMap(int id, String uri) {
        this(id, null, uri, "");
    }

    static ExtMap parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=extmap:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 2) {
            throw SdpException.malformed("extmap needs an id and a URI in " + context);
        }
        String idText = words.get(0);
        MediaDirection direction = null;
        int slash = idText.indexOf('/');
        if (slash >= 0) {
            direction = MediaDirection.fromAttribute(idText.substring(slash + 1)).orElseThrow(
                    () -> SdpException.malformed("extmap direction is not sendrecv/sendonly/recvonly/inactive in " + context));
            idText = idText.substring(0, slash);
        }
        int id = SdpSyntax.integer(idText, 1, MAX_ID, "extmap id", context);
        String uri = words.get(1);
        if (!SdpSyntax.isVisible(uri)) {
            throw SdpException.malformed("extmap URI is not printable in " + context);
        }
        return new ExtMap(id, direction, uri, String.join(" ", words.subList(2, words.size())));
    }

    public String toAttributeValue() {
        StringBuilder sb = new StringBuilder().append(id);
        if (direction != null) {
            sb.append('/').append(direction.attributeName());
        }
        sb.append(' ').append(uri);
        if (!attributes.isEmpty()) {
            sb.append(' ').append(attributes);
        }
        return sb.toString();
    }
}
