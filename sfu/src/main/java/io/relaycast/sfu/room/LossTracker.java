package io.relaycast.sfu.room;

import io.relaycast.sfu.rtp.SerialNumbers;

/**
 * Which packets of one incoming stream the SFU itself is missing, and when to ask the sender again: the receiver
 * side of RFC 4585 generic NACK (section 6.2.1) with the retransmission policy RFC 4585 section 3.2 leaves to us.
 *
 * <p>A gap in the sequence (extended across the 16-bit wrap, RFC 3550 appendix A.1) adds its numbers to the
 * missing list; a late or retransmitted packet removes its number. {@link #collect} returns the numbers due for a
 * (re)request: at most {@link #MAX_REQUESTS} times each, no sooner than one retry interval after the previous
 * request (the round trip, at least {@link #MIN_RETRY_MILLIS}), and not after {@link #MAX_AGE_MILLIS}, when the
 * packet would come too late to be played. A number given up on, or a gap too large to request, makes the stream
 * {@link #takeHopeless() hopeless}: only a keyframe (PLI, RFC 4585 section 6.3.1) repairs it.
 *
 * <p>Used on one receive thread; not thread-safe; allocation-free after construction.
 */
public final class LossTracker {

    static final int CAPACITY = 128;
    static final int MAX_REQUESTS = 10;
    static final long MIN_RETRY_MILLIS = 20;
    static final long MAX_AGE_MILLIS = 1000;

    private final int[] seq = new int[CAPACITY];
    private final long[] missingSince = new long[CAPACITY];
    private final long[] requestedAt = new long[CAPACITY];
    private final int[] requests = new int[CAPACITY];
    private int count;
    private long highest = -1;
    private boolean hopeless;

    private long requested;
    private long recovered;
    private long givenUp;

    /**
     * One received packet (first copy or retransmission).
     *
     * @return true when it is news: newer than any before, or one we were missing; false for a duplicate or an
     *         old packet we had stopped waiting for
     */
    public boolean onPacket(int sequenceNumber, long nowMillis) {
        int s = sequenceNumber & 0xFFFF;
        if (highest < 0) {
            highest = 0x1_0000L + s;
            return true;
        }
        long ext = highest + SerialNumbers.seqDiff(s, (int) (highest & 0xFFFF));
        if (ext <= highest) {
            return remove(s);
        }
        long gap = ext - highest - 1;
        if (gap > ReceiveStatistics.MAX_DROPOUT) {
            count = 0; // a restart of the sequence (RFC 3550 A.1), not loss
        } else if (gap > 0) {
            if (gap > CAPACITY - count) {
                // more than we could ever get back in time: a keyframe is the cheaper repair
                givenUp += gap + count;
                count = 0;
                hopeless = true;
            } else {
                for (long e = highest + 1; e < ext; e++) {
                    seq[count] = (int) (e & 0xFFFF);
                    missingSince[count] = nowMillis;
                    requestedAt[count] = Long.MIN_VALUE;
                    requests[count] = 0;
                    count++;
                }
            }
        }
        highest = ext;
        return true;
    }

    /**
     * A retransmission (RFC 4588) of {@code sequenceNumber}: true, and no longer missing, when we were waiting
     * for it; false otherwise (a duplicate, a probe copy, or a number we never asked for), without other effect.
     */
    public boolean onRepair(int sequenceNumber) {
        return remove(sequenceNumber & 0xFFFF);
    }

    private boolean remove(int s) {
        for (int i = 0; i < count; i++) {
            if (seq[i] == s) {
                removeAt(i);
                recovered++;
                return true;
            }
        }
        return false;
    }

    private void removeAt(int i) {
        int last = count - 1;
        // keep the list in arrival order: NACK entries are cheapest ascending (GenericNack.write)
        System.arraycopy(seq, i + 1, seq, i, last - i);
        System.arraycopy(missingSince, i + 1, missingSince, i, last - i);
        System.arraycopy(requestedAt, i + 1, requestedAt, i, last - i);
        System.arraycopy(requests, i + 1, requests, i, last - i);
        count = last;
    }

    /**
     * The numbers to request now, written to {@code out}; each counts as requested.
     *
     * @param rttMillis the sender's round-trip time if known, else 0
     * @return how many were written
     */
    public int collect(long nowMillis, long rttMillis, int[] out) {
        long retry = Math.max(MIN_RETRY_MILLIS, rttMillis);
        int n = 0;
        for (int i = 0; i < count && n < out.length; ) {
            if (nowMillis - missingSince[i] > MAX_AGE_MILLIS || requests[i] >= MAX_REQUESTS) {
                removeAt(i);
                givenUp++;
                hopeless = true;
                continue;
            }
            if (requestedAt[i] == Long.MIN_VALUE || nowMillis - requestedAt[i] >= retry) {
                requestedAt[i] = nowMillis;
                requests[i]++;
                requested++;
                out[n++] = seq[i];
            }
            i++;
        }
        return n;
    }

    /** True once after packets were given up on: the stream needs a keyframe. */
    public boolean takeHopeless() {
        boolean h = hopeless;
        hopeless = false;
        return h;
    }

    public int missing() {
        return count;
    }

    public long requested() {
        return requested;
    }

    public long recovered() {
        return recovered;
    }

    public long givenUp() {
        return givenUp;
    }
}
