package io.relaycast.sfu.rtp;

/**
 * Serial-number arithmetic (RFC 1982) for RTP's 16-bit sequence numbers and 32-bit timestamps, which wrap and
 * must be compared modulo their size: 0 comes after 65535.
 *
 * <p>Two values exactly half the space apart are undefined under RFC 1982; here neither is newer than the
 * other, and the signed difference is the most negative value.
 */
public final class SerialNumbers {

    private SerialNumbers() {
    }

    /** {@code a - b} modulo 2^16, as a signed value in [-32768, 32767]. */
    public static int seqDiff(int a, int b) {
        return (short) (a - b);
    }

    /** True when sequence number {@code a} comes after {@code b}. */
    public static boolean isSeqNewer(int a, int b) {
        return seqDiff(a, b) > 0;
    }

    /** {@code seq + delta} modulo 2^16; delta may be negative. */
    public static int seqAdd(int seq, int delta) {
        return (seq + delta) & 0xFFFF;
    }

    /** {@code a - b} modulo 2^32, as a signed value. */
    public static long tsDiff(long a, long b) {
        return (int) (a - b);
    }

    /** True when timestamp {@code a} comes after {@code b}. */
    public static boolean isTsNewer(long a, long b) {
        return tsDiff(a, b) > 0;
    }

    /** {@code ts + delta} modulo 2^32, returned unsigned. */
    public static long tsAdd(long ts, long delta) {
        return (ts + delta) & 0xFFFF_FFFFL;
    }
}
