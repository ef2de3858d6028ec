package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.RtcpFeedbackReader;
import io.relaycast.sfu.rtcp.RtcpHeader;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.TransportCcFeedback;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.rtp.SerialNumbers;

import java.util.Arrays;

/**
 * The receiving end of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * records the arrival time of every packet by its transport-wide sequence number and writes the RTCP feedback
 * (transport-layer feedback PT 205, FMT 15, section 3.1) that lets the publisher's congestion controller (Chrome's
 * GoogCC) estimate the path. Without this feedback a browser that negotiated transport-cc cannot tell its packets
 * arrive, and its congestion window throttles the video to a trickle.
 *
 * <p>Encoding: two-bit status vector chunks only (section 3.1.4, seven statuses each: 00 not received, 01 small
 * delta, 10 large or negative delta), which can express every sequence; one-byte receive deltas for 0..63.75 ms
 * and two-byte signed ones otherwise, in 250 µs units; the reference time in 64 ms units.
 *
 * <p>Receive thread only; allocation-free.
 */
public final class TransportCcRecorder {

    /** Sequence numbers remembered: a packet more than this far behind the newest is no longer reported. */
    static final int WINDOW = 1 << 12;
    /** Statuses per feedback packet: keeps one feedback well under the MTU (about 100 + 3 × this octets). */
    static final int MAX_STATUSES_PER_FEEDBACK = 300;
    private static final long NOT_RECEIVED = Long.MIN_VALUE;
    private static final int FIXED_LENGTH = RtcpFeedbackReader.FCI_OFFSET + 8;
    private static final int TICK_MICROS = 250;
    private static final int REFERENCE_TICKS = 256; // 64 ms in 250 µs ticks

    private final long[] arrivalMicros = new long[WINDOW];
    private final byte[] statuses = new byte[MAX_STATUSES_PER_FEEDBACK];
    private final int[] deltas = new int[MAX_STATUSES_PER_FEEDBACK];
    private boolean started;
    private long highest;
    private long nextToReport;
    private int feedbackCount;
    private long recorded;

    public TransportCcRecorder() {
        Arrays.fill(arrivalMicros, NOT_RECEIVED);
    }

    /** A packet carrying transport-wide sequence number {@code sequenceNumber} arrived at {@code nowMicros}. */
    public void onPacket(int sequenceNumber, long nowMicros) {
        int seq = sequenceNumber & 0xFFFF;
        long ext;
        if (!started) {
            started = true;
            ext = 0x1_0000L + seq;
            highest = ext;
            nextToReport = ext;
        } else {
            ext = highest + SerialNumbers.seqDiff(seq, (int) (highest & 0xFFFF));
        }
        if (ext < nextToReport || ext <= highest - WINDOW) {
            return; // already reported as lost, or too old to keep
        }
        if (ext > highest) {
            long clearFrom = Math.max(highest + 1, ext - WINDOW + 1);
            for (long s = clearFrom; s < ext; s++) {
                arrivalMicros[(int) (s & (WINDOW - 1))] = NOT_RECEIVED;
            }
            highest = ext;
            if (nextToReport <= ext - WINDOW) {
                nextToReport = ext - WINDOW + 1; // a gap larger than the window: forget what fell out of it
            }
        }
        arrivalMicros[(int) (ext & (WINDOW - 1))] = nowMicros;
        recorded++;
    }

    /** True when received packets wait to be reported. */
    public boolean hasPending() {
        return started && nextToReport <= highest;
    }

    public long recorded() {
        return recorded;
    }

    /**
     * Writes one feedback packet about the oldest unreported packets (at most {@link #MAX_STATUSES_PER_FEEDBACK})
     * at {@code buf[off]} and marks them reported.
     *
     * @return the octets written; 0 when nothing is pending; -1 when {@code maxLength} is too small
     */
    public int writeFeedback(byte[] buf, int off, int maxLength, long senderSsrc, long mediaSsrc) {
        if (!hasPending()) {
            return 0;
        }
        // skip leading losses that we cannot anchor: feedback starts at the first received packet of the range
        while (nextToReport <= highest && arrivalMicros[slot(nextToReport)] == NOT_RECEIVED) {
            nextToReport++;
        }
        if (nextToReport > highest) {
            return 0;
        }
        long base = nextToReport;
        long firstArrival = arrivalMicros[slot(base)];
        long referenceTime = Math.floorDiv(firstArrival, 64_000L);
        long lastTicks = referenceTime * REFERENCE_TICKS;
        int count = 0;
        int deltaBytes = 0;
        for (long s = base; s <= highest && count < MAX_STATUSES_PER_FEEDBACK; s++) {
            long arrival = arrivalMicros[slot(s)];
            if (arrival == NOT_RECEIVED) {
                statuses[count++] = 0;
                continue;
            }
            long ticks = Math.floorDiv(arrival, TICK_MICROS);
            long delta = ticks - lastTicks;
            if (delta >= 0 && delta <= 0xFF) {
                statuses[count] = 1;
                deltaBytes += 1;
            } else if (delta >= Short.MIN_VALUE && delta <= Short.MAX_VALUE) {
                statuses[count] = 2;
                deltaBytes += 2;
            } else {
                break; // not expressible: the next feedback starts here with a new reference time
            }
            deltas[count++] = (int) delta;
            lastTicks = ticks;
        }
        int chunks = (count + 6) / 7;
        int unpadded = FIXED_LENGTH + 2 * chunks + deltaBytes;
        int length = (unpadded + 3) & ~3;
        if (maxLength < length || off < 0 || buf.length - off < length) {
            return -1;
        }
        RtcpHeader.write(buf, off, TransportCcFeedback.FORMAT, RtcpPacketType.TRANSPORT_FEEDBACK, length);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, mediaSsrc);
        int at = off + RtcpFeedbackReader.FCI_OFFSET;
        BigEndian.put16(buf, at, (int) (base & 0xFFFF));
        BigEndian.put16(buf, at + 2, count);
        BigEndian.put24(buf, at + 4, (int) (referenceTime & 0xFF_FFFF));
        buf[at + 7] = (byte) feedbackCount;
        feedbackCount = (feedbackCount + 1) & 0xFF;
        at += 8;
        for (int c = 0; c < chunks; c++) {
            int chunk = 0xC000; // T=1 (status vector), S=1 (two-bit symbols)
            for (int i = 0; i < 7; i++) {
                int index = c * 7 + i;
                int symbol = index < count ? statuses[index] : 0;
                chunk |= symbol << (12 - 2 * i);
            }
            BigEndian.put16(buf, at, chunk);
            at += 2;
        }
        for (int i = 0; i < count; i++) {
            if (statuses[i] == 1) {
                buf[at++] = (byte) deltas[i];
            } else if (statuses[i] == 2) {
                BigEndian.put16(buf, at, deltas[i] & 0xFFFF);
                at += 2;
            }
        }
        int padding = length - unpadded;
        if (padding > 0) {
            // RFC 3550 section 6.4.1: P bit set, the last octet counts the padding octets
            Arrays.fill(buf, at, off + length, (byte) 0);
            buf[off + length - 1] = (byte) padding;
            buf[off] |= 0x20;
        }
        nextToReport = base + count;
        return length;
    }

    private static int slot(long extended) {
        return (int) (extended & (WINDOW - 1));
    }
}
