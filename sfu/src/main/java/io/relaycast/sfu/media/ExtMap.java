package io.relaycast.sfu.media;

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
