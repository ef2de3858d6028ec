package io.relaycast.sfu.demux;

/**
 * Classifies a datagram by its first byte, following RFC 7983 section 7:
 *
 * <pre>
 *   [0..3]     STUN
 *   [16..19]   ZRTP          (not used by WebRTC, reported as UNKNOWN)
 *   [20..63]   DTLS
 *   [64..79]   TURN channel  (TURN runs in coturn, not here: UNKNOWN)
 *   [128..191] RTP / RTCP
 * </pre>
 *
 * RTP and RTCP are then told apart by the second byte, per RFC 5761 section 4: with rtcp-mux, RTCP packet types
 * 192-223 occupy the values that RTP payload types 64-95 would have with the marker bit set, which is why those
 * payload types are never negotiated.
 *
 * <p>This only routes; it validates nothing beyond the bytes it reads. Each parser checks its own format.
 */
public final class PacketClassifier {

    private PacketClassifier() {
    }

    /** Classifies {@code buf[off, off + len)}. Never throws and never allocates. */
    public static PacketType classify(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 1 || len > buf.length - off) {
            return PacketType.UNKNOWN;
        }
        int first = buf[off] & 0xFF;
        if (first <= 3) {
            return PacketType.STUN;
        }
        if (first >= 20 && first <= 63) {
            return PacketType.DTLS;
        }
        if (first >= 128 && first <= 191) {
            if (len < 2) {
                return PacketType.UNKNOWN;
            }
            int second = buf[off + 1] & 0xFF;
            return second >= 192 && second <= 223 ? PacketType.RTCP : PacketType.RTP;
        }
        return PacketType.UNKNOWN;
    }
}
