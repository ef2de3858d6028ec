package io.relaycast.sfu.media;

import java.util.Locale;
import java.util.Optional;

/** The four direction attributes of RFC 8866 section 6.7, seen from the side that wrote them. */
public enum MediaDirection {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    public String attributeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** What the other side writes when it agrees (RFC 3264 section 6.1): sendonly is answered with recvonly. */
    public MediaDirection reverse() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    public static Optional<MediaDirection> fromAttribute(String name) {
        for (MediaDirection direction : values()) {
            if (direction.attributeName().equals(name)) {
                return Optional.of(direction);
            }
        }
        return Optional.empty();
    }
}
