package io.relaycast.sfu.rtp;

/**
 * Network byte order reads and writes on a byte array. RTP, RTCP and their extensions are all big-endian
 * (RFC 3550 section 4). Callers check bounds first; these do no checking of their own.
 */
public final class BigEndian {

    private BigEndian() {
    }

    public static int u8(byte[] buf, int off) {
        return buf[off] & 0xFF;
    }

    public static int u16(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
    }

    public static int u24(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 16) | ((buf[off + 1] & 0xFF) << 8) | (buf[off + 2] & 0xFF);
    }

    /** An unsigned 32-bit value, returned in a long so that SSRCs and timestamps never turn negative. */
    public static long u32(byte[] buf, int off) {
        return (((long) (buf[off] & 0xFF)) << 24) | ((buf[off + 1] & 0xFF) << 16)
                | ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
    }

    public static long u64(byte[] buf, int off) {
        return (u32(buf, off) << 32) | u32(buf, off + 4);
    }

    public static void put8(byte[] buf, int off, int value) {
        buf[off] = (byte) value;
    }

    public static void put16(byte[] buf, int off, int value) {
        buf[off] = (byte) (value >>> 8);
        buf[off + 1] = (byte) value;
    }

    public static void put24(byte[] buf, int off, int value) {
        buf[off] = (byte) (value >>> 16);
        buf[off + 1] = (byte) (value >>> 8);
        buf[off + 2] = (byte) value;
    }

    /** Writes the low 32 bits of {@code value}. */
    public static void put32(byte[] buf, int off, long value) {
        buf[off] = (byte) (value >>> 24);
        buf[off + 1] = (byte) (value >>> 16);
        buf[off + 2] = (byte) (value >>> 8);
        buf[off + 3] = (byte) value;
    }

    public static void put64(byte[] buf, int off, long value) {
        put32(buf, off, value >>> 32);
        put32(buf, off + 4, value);
    }

    /** True when {@code [off, off + len)} lies inside {@code buf}; written so that no sum can overflow. */
    public static boolean inBounds(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 0 && len <= buf.length - off;
    }
}
