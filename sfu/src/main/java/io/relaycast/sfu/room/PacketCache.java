package io.relaycast.sfu.room;

import io.relaycast.sfu.rtp.SerialNumbers;

/**
 * A retransmission buffer for one RTP stream: the last {@code capacity} packets by sequence number, in buffers
 * allocated once (a ring indexed by the extended sequence number modulo the capacity).
 *
 * <p>Sequence numbers are extended across the 16-bit wrap as in RFC 3550 appendix A.1, and every slot remembers
 * the extended number it holds, so a lookup for 65535 after the wrap to 0 finds the right packet and a lookup for
 * a number the ring has since overwritten finds nothing rather than the wrong packet.
 *
 * <p>Lookups answer a NACK (RFC 4585 section 6.2.1): a packet older than {@code maxAgeMillis} is not served (too
 * late to be played). Repeated requests are the asker's business: one cache serves every viewer of a stream, so
 * each viewer dedupes its own (see {@link ResendGuard}).
 *
 * <p>Thread-safe through its own monitor: the writer is one receive thread, readers are the viewers' RTCP threads.
 * No signaling code takes it. Allocation-free after construction.
 */
public final class PacketCache {

    public static final int MISSING = -1;
    public static final int TOO_OLD = -2;

    private final byte[][] slots;
    private final int[] lengths;
    private final long[] extended;
    private final long[] storedAtMillis;
    private final int mask;
    private final int maxPacket;
    private final long maxAgeMillis;
    private long highest = -1;

    /**
     * @param capacity a power of two: how many packets are kept
     * @param maxPacket the largest packet kept (larger ones are not cached)
     */
    public PacketCache(int capacity, int maxPacket, long maxAgeMillis) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1 || capacity > 0x8000) {
            throw new IllegalArgumentException("capacity must be a power of two up to 32768: " + capacity);
        }
        this.slots = new byte[capacity][maxPacket];
        this.lengths = new int[capacity];
        this.extended = new long[capacity];
        this.storedAtMillis = new long[capacity];
        java.util.Arrays.fill(extended, -1);
        this.mask = capacity - 1;
        this.maxPacket = maxPacket;
        this.maxAgeMillis = maxAgeMillis;
    }

    public int capacity() {
        return mask + 1;
    }

    /** Keeps a copy of the packet whose sequence number is {@code seq}; false when it is too big or far too old. */
    public synchronized boolean put(int seq, byte[] buf, int off, int len, long nowMillis) {
        if (len <= 0 || len > maxPacket) {
            return false;
        }
        long ext = extend(seq);
        if (ext < 0 || highest - ext > mask) {
            return false; // older than anything the ring still holds
        }
        if (ext > highest) {
            highest = ext;
        }
        int slot = (int) (ext & mask);
        System.arraycopy(buf, off, slots[slot], 0, len);
        lengths[slot] = len;
        extended[slot] = ext;
        storedAtMillis[slot] = nowMillis;
        return true;
    }

    /**
     * Copies the packet {@code seq} into {@code dst} for a retransmission.
     *
     * @return its length, or {@link #MISSING} or {@link #TOO_OLD}
     */
    public synchronized int take(int seq, byte[] dst, int dstOff, long nowMillis) {
        long ext = extend(seq);
        if (ext < 0 || ext > highest) {
            return MISSING;
        }
        int slot = (int) (ext & mask);
        if (extended[slot] != ext) {
            return highest - ext > mask ? TOO_OLD : MISSING;
        }
        if (nowMillis - storedAtMillis[slot] > maxAgeMillis) {
            return TOO_OLD;
        }
        int len = lengths[slot];
        if (len > dst.length - dstOff) {
            return MISSING;
        }
        System.arraycopy(slots[slot], 0, dst, dstOff, len);
        return len;
    }

    /** Forgets everything (a new source on the same stream). */
    public synchronized void clear() {
        java.util.Arrays.fill(extended, -1);
        highest = -1;
    }

    /** The extended form of {@code seq} nearest the highest seen (RFC 3550 appendix A.1). */
    private long extend(int seq) {
        int s = seq & 0xFFFF;
        if (highest < 0) {
            return 0x1_0000L + s;
        }
        return highest + SerialNumbers.seqDiff(s, (int) (highest & 0xFFFF));
    }
}
