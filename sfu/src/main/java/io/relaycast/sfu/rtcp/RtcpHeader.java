package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * The 4-byte header shared by every RTCP packet (RFC 3550 section 6.4.1):
 *
 * <pre>
 * |V=2|P|  count  |      PT       |             length            |
 * </pre>
 *
 * The 5-bit count field is a report or source count for SR/RR/SDES/BYE and the FMT for feedback messages
 * (RFC 4585 section 6.1). The length is the packet's size in 32-bit words minus one, header included, so that
 * zero is a valid length.
 */
public final class RtcpHeader {

    public static final int LENGTH = 4;
    public static final int VERSION = 2;
    /** The count field is 5 bits wide. */
    public static final int MAX_COUNT = 31;

    private RtcpHeader() {
    }

    public static int version(byte[] buf, int off) {
        return (buf[off] & 0xFF) >>> 6;
    }

    public static boolean hasPadding(byte[] buf, int off) {
        return (buf[off] & 0x20) != 0;
    }

    /** Report/source count, or FMT for feedback messages. */
    public static int count(byte[] buf, int off) {
        return buf[off] & 0x1F;
    }

    public static int packetType(byte[] buf, int off) {
        return buf[off + 1] & 0xFF;
    }

    /** The packet's size in bytes, decoded from the length field. */
    public static int packetLength(byte[] buf, int off) {
        return (BigEndian.u16(buf, off + 2) + 1) * 4;
    }

    /**
     * Writes a header without padding for a packet of {@code packetLength} bytes (a positive multiple of 4).
     * The caller has checked that the 4 bytes fit.
     */
    public static void write(byte[] buf, int off, int count, int packetType, int packetLength) {
        buf[off] = (byte) ((VERSION << 6) | (count & 0x1F));
        buf[off + 1] = (byte) packetType;
        BigEndian.put16(buf, off + 2, packetLength / 4 - 1);
    }

    /** Rounds up to the next multiple of 4: RTCP packets and SDES chunks end on 32-bit boundaries. */
    static int align4(int length) {
        return (length + 3) & ~3;
    }
}
