package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * The fixed fields of transport-wide congestion control feedback, transport-layer feedback PT 205 FMT 15
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1):
 *
 * <pre>
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |
 * |          packet chunk         |         packet chunk          |   then receive deltas
 * </pre>
 *
 * {@link #decode} reads the packet status chunks ({@link TransportCcChunks}) and the receive deltas that follow
 * them (section 3.1.5: one octet, unsigned, for a small delta; two octets, signed, for a large one; in 250 us
 * ticks, the first relative to the reference time, each next one to the previous received packet).
 */
public final class TransportCcFeedback extends RtcpFeedbackReader {

    public static final int FORMAT = 15;
    /** The reference time counts multiples of 64 ms. */
    public static final int REFERENCE_TIME_UNIT_MILLIS = 64;
    private static final int FIXED_FCI_LENGTH = 8;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readFeedbackHeader(buf, off, len, RtcpPacketType.TRANSPORT_FEEDBACK, FORMAT, FIXED_FCI_LENGTH);
        return valid;
    }

    /** Transport-wide sequence number of the first packet this feedback reports on. */
    public int baseSequenceNumber() {
        return BigEndian.u16(buf, off + FCI_OFFSET);
    }

    /** Number of packets whose status this feedback reports. */
    public int packetStatusCount() {
        return BigEndian.u16(buf, off + FCI_OFFSET + 2);
    }

    /** Signed 24-bit reference time, in units of 64 ms. */
    public int referenceTime() {
        return (BigEndian.u24(buf, off + FCI_OFFSET + 4) << 8) >> 8;
    }

    public long referenceTimeMillis() {
        return (long) referenceTime() * REFERENCE_TIME_UNIT_MILLIS;
    }

    /** 8-bit counter of feedback packets sent, to detect lost feedback. */
    public int feedbackPacketCount() {
        return buf[off + FCI_OFFSET + 7] & 0xFF;
    }

    /** Absolute offset of the first packet status chunk. */
    public int packetChunksOffset() {
        return off + FCI_OFFSET + FIXED_FCI_LENGTH;
    }

    /** Bytes of chunks and deltas that follow the fixed fields, padding excluded. */
    public int packetChunksLength() {
        return fciLength() - FIXED_FCI_LENGTH;
    }

    /** Receive deltas count multiples of 250 microseconds. */
    public static final int DELTA_TICK_MICROS = 250;

    /**
     * Decodes every packet status and receive delta into the caller's arrays: {@code symbols[i]} is the status of
     * sequence number {@code base + i} (a {@link TransportCcChunks} symbol), {@code deltaTicks[i]} its delta when
     * received with one (else 0).
     *
     * @return the packet status count, or -1 when the packet is malformed (chunks or deltas past its end, more
     *         statuses than the arrays hold)
     */
    public int decode(int[] symbols, int[] deltaTicks) {
        if (!valid) {
            return -1;
        }
        int count = packetStatusCount();
        if (count > symbols.length || count > deltaTicks.length) {
            return -1;
        }
        int at = packetChunksOffset();
        int end = at + packetChunksLength();
        int filled = 0;
        while (filled < count) {
            if (at + 2 > end) {
                return -1;
            }
            int chunk = BigEndian.u16(buf, at);
            at += 2;
            int n = Math.min(TransportCcChunks.statusCount(chunk), count - filled);
            for (int i = 0; i < n; i++) {
                symbols[filled++] = TransportCcChunks.symbol(chunk, i);
            }
        }
        for (int i = 0; i < count; i++) {
            int s = symbols[i];
            if (s == TransportCcChunks.SMALL_DELTA) {
                if (at + 1 > end) {
                    return -1;
                }
                deltaTicks[i] = buf[at++] & 0xFF;
            } else if (s == TransportCcChunks.LARGE_DELTA) {
                if (at + 2 > end) {
                    return -1;
                }
                deltaTicks[i] = (short) BigEndian.u16(buf, at);
                at += 2;
            } else {
                deltaTicks[i] = 0;
            }
        }
        return count;
    }
}
