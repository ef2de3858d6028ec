package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Objects;

/**
 * {@code a=rid:<rid-id> <send|recv> [<restrictions>]} (RFC 8851 section 10). Simulcast offers from Chrome carry
 * one per layer, e.g. {@code a=rid:h send}.
 *
 * @param restrictions the raw {@code pt=..;max-width=..} list, "" when absent
 */
public record Rid(String id, Direction direction, String restrictions) {

    /** RFC 8851 rid-dir, from the point of view of the side that wrote the attribute. */
    public enum Direction {
        SEND, RECV;

        public String value() {
            return this == SEND ? "send" : "recv";
        }

        public Direction reverse() {
            return this == SEND ? RECV : SEND;
        }
    }

    public Rid {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(restrictions, "restrictions");
    }

    static Rid parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=rid:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 2 || words.size() > 3) {
            throw SdpException.malformed("rid needs an id, a direction and optional restrictions in " + context);
        }
        String id = words.get(0);
        if (!isRidId(id)) {
            throw SdpException.malformed("rid id must be letters, digits, '-' or '_' in " + context);
        }
        Direction direction = switch (words.get(1)) {
            case "send" -> Direction.SEND;
            case "recv" -> Direction.RECV;
            default -> throw SdpException.malformed("rid direction must be send or recv in " + context);
        };
        String restrictions = words.size() == 3 ? words.get(2) : "";
        if (!restrictions.isEmpty() && !SdpSyntax.isVisible(restrictions)) {
            throw SdpException.malformed("rid restrictions are not printable in " + context);
        }
        return new Rid(id, direction, restrictions);
    }

    /** RFC 8851 rid-syntax: 1*(ALPHA / DIGIT / "-" / "_"); RFC 8852 keeps it at most 255 bytes on the wire. */
    static boolean isRidId(String id) {
        if (id.isEmpty() || id.length() > 255) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public String toAttributeValue() {
        return id + ' ' + direction.value() + (restrictions.isEmpty() ? "" : " " + restrictions);
    }
}
