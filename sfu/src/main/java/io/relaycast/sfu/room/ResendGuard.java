package io.relaycast.sfu.room;

/**
 * One viewer's memory of what it was recently re-sent: a receiver repeats its NACK (RFC 4585 section 6.2.1) when
 * the retransmission has not arrived after about a round trip, so a request for the same number within
 * {@code minIntervalMillis} of our last answer is a duplicate and is ignored (RFC 4588 section 3 leaves the
 * policy to the sender). A small direct-mapped table by sequence number; allocation-free; guarded by its owner.
 */
public final class ResendGuard {

    private static final int SIZE = 1024;
    private final int[] seq = new int[SIZE];
    private final long[] at = new long[SIZE];
    private final long minIntervalMillis;

    public ResendGuard(long minIntervalMillis) {
        this.minIntervalMillis = minIntervalMillis;
        java.util.Arrays.fill(seq, -1);
    }

    /** True, and remembered, when {@code sequenceNumber} may be re-sent now. */
    public boolean allow(int sequenceNumber, long nowMillis) {
        int s = sequenceNumber & 0xFFFF;
        int i = s & (SIZE - 1);
        if (seq[i] == s && nowMillis - at[i] < minIntervalMillis) {
            return false;
        }
        seq[i] = s;
        at[i] = nowMillis;
        return true;
    }
}
