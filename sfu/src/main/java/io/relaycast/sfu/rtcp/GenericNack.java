package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.rtp.SerialNumbers;

/**
 * Generic NACK, transport-layer feedback PT 205 FMT 1 (RFC 4585 section 6.2.1). The FCI is one or more entries:
 *
 * <pre>
 * |            PID                |             BLP               |
 * </pre>
 *
 * PID is a lost sequence number; bit i of BLP (least significant bit first) reports PID + i + 1 lost as well, so
 * one entry covers up to 17 packets.
 */
public final class GenericNack extends RtcpFeedbackReader {

    public static final int FORMAT = 1;
    public static final int ENTRY_LENGTH = 4;
    /** A single entry reports at most PID plus 16 packets after it. */
    public static final int MAX_LOST_PER_ENTRY = 17;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readFeedbackHeader(buf, off, len, RtcpPacketType.TRANSPORT_FEEDBACK, FORMAT, ENTRY_LENGTH);
        return valid;
    }

    /** Number of PID/BLP entries; a trailing partial entry is ignored. */
    public int entryCount() {
        return fciLength() / ENTRY_LENGTH;
    }

    public int pid(int index) {
        return BigEndian.u16(buf, fciOffset() + ENTRY_LENGTH * index);
    }

    public int blp(int index) {
        return BigEndian.u16(buf, fciOffset() + ENTRY_LENGTH * index + 2);
    }

    /** How many sequence numbers the packet reports lost, duplicates between entries counted twice. */
    public int lostCount() {
        int total = 0;
        for (int i = 0, n = entryCount(); i < n; i++) {
            total += 1 + Integer.bitCount(blp(i));
        }
        return total;
    }

    /**
     * Copies the reported sequence numbers, in packet order, into {@code dst} from {@code dstOff}, stopping when
     * {@code dst} is full.
     *
     * @return how many were copied
     */
    public int copyLost(int[] dst, int dstOff) {
        int at = dstOff;
        for (int i = 0, n = entryCount(); i < n && at < dst.length; i++) {
            at += expand(pid(i), blp(i), dst, at);
        }
        return at - dstOff;
    }

    /**
     * Expands one PID/BLP entry into sequence numbers (PID first, then ascending, wrapping past 65535),
     * stopping when {@code dst} is full.
     *
     * @return how many were written
     */
    public static int expand(int pid, int blp, int[] dst, int dstOff) {
        if (dstOff < 0 || dstOff >= dst.length) {
            return 0;
        }
        int at = dstOff;
        dst[at++] = pid & 0xFFFF;
        for (int bit = 0; bit < 16 && at < dst.length; bit++) {
            if ((blp & (1 << bit)) != 0) {
                dst[at++] = SerialNumbers.seqAdd(pid, bit + 1);
            }
        }
        return at - dstOff;
    }

    /**
     * Writes a NACK for the sequence numbers {@code lost[lostOff, lostOff + lostCount)}. Any order is accepted;
     * ascending order (modulo 2^16), as a receive stream naturally produces, gives the fewest entries because
     * each new entry absorbs the next 16 sequence numbers into its BLP.
     *
     * @return the bytes written, or -1 when they do not fit or the list is empty
     */
    public static int write(byte[] buf, int off, long senderSsrc, long mediaSsrc, int[] lost, int lostOff,
                            int lostCount) {
        if (lostCount <= 0 || lostOff < 0 || lostCount > lost.length - lostOff || !fits(buf, off, FCI_OFFSET)) {
            return -1;
        }
        int at = off + FCI_OFFSET;
        int pid = lost[lostOff] & 0xFFFF;
        int blp = 0;
        for (int i = 1; i < lostCount; i++) {
            int seq = lost[lostOff + i] & 0xFFFF;
            int distance = SerialNumbers.seqDiff(seq, pid);
            if (distance == 0) {
                continue;
            }
            if (distance > 0 && distance <= 16) {
                blp |= 1 << (distance - 1);
                continue;
            }
            if (!fits(buf, at, ENTRY_LENGTH)) {
                return -1;
            }
            writeEntry(buf, at, pid, blp);
            at += ENTRY_LENGTH;
            pid = seq;
            blp = 0;
        }
        if (!fits(buf, at, ENTRY_LENGTH)) {
            return -1;
        }
        writeEntry(buf, at, pid, blp);
        at += ENTRY_LENGTH;
        int length = at - off;
        writeFeedbackHeader(buf, off, FORMAT, RtcpPacketType.TRANSPORT_FEEDBACK, length, senderSsrc, mediaSsrc);
        return length;
    }

    private static void writeEntry(byte[] buf, int at, int pid, int blp) {
        BigEndian.put16(buf, at, pid);
        BigEndian.put16(buf, at + 2, blp);
    }
}
