package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * One reception report block of an SR or RR (RFC 3550 section 6.4.1), as a mutable value that a receive stream
 * keeps and refills instead of allocating per report:
 *
 * <pre>
 * |                 SSRC_1 (SSRC of first source)                 |
 * | fraction lost |       cumulative number of packets lost       |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * </pre>
 */
public final class ReportBlock {

    public static final int LENGTH = 24;
    /** Cumulative loss is a signed 24-bit field; it goes negative when duplicates outnumber losses. */
    public static final int MAX_CUMULATIVE_LOST = 0x7F_FFFF;
    public static final int MIN_CUMULATIVE_LOST = -0x80_0000;

    private long ssrc;
    private int fractionLost;
    private int cumulativeLost;
    private long extendedHighestSequenceNumber;
    private long jitter;
    private long lastSenderReport;
    private long delaySinceLastSenderReport;

    public void readFrom(byte[] buf, int off) {
        ssrc = BigEndian.u32(buf, off);
        fractionLost = buf[off + 4] & 0xFF;
        int lost = BigEndian.u24(buf, off + 5);
        cumulativeLost = (lost << 8) >> 8;
        extendedHighestSequenceNumber = BigEndian.u32(buf, off + 8);
        jitter = BigEndian.u32(buf, off + 12);
        lastSenderReport = BigEndian.u32(buf, off + 16);
        delaySinceLastSenderReport = BigEndian.u32(buf, off + 20);
    }

    /** Writes the 24 bytes; the caller has checked the room. Cumulative loss is clamped to its 24-bit range. */
    public void writeTo(byte[] buf, int off) {
        BigEndian.put32(buf, off, ssrc);
        buf[off + 4] = (byte) fractionLost;
        int lost = Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, cumulativeLost));
        BigEndian.put24(buf, off + 5, lost);
        BigEndian.put32(buf, off + 8, extendedHighestSequenceNumber);
        BigEndian.put32(buf, off + 12, jitter);
        BigEndian.put32(buf, off + 16, lastSenderReport);
        BigEndian.put32(buf, off + 20, delaySinceLastSenderReport);
    }

    /** Sets every field at once; returns this for chaining. */
    public ReportBlock set(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequenceNumber,
                           long jitter, long lastSenderReport, long delaySinceLastSenderReport) {
        this.ssrc = ssrc & 0xFFFF_FFFFL;
        this.fractionLost = fractionLost & 0xFF;
        this.cumulativeLost = cumulativeLost;
        this.extendedHighestSequenceNumber = extendedHighestSequenceNumber & 0xFFFF_FFFFL;
        this.jitter = jitter & 0xFFFF_FFFFL;
        this.lastSenderReport = lastSenderReport & 0xFFFF_FFFFL;
        this.delaySinceLastSenderReport = delaySinceLastSenderReport & 0xFFFF_FFFFL;
        return this;
    }

    public long ssrc() {
        return ssrc;
    }

    /** Fraction of packets lost since the previous report, in 1/256 units. */
    public int fractionLost() {
        return fractionLost;
    }

    public int cumulativeLost() {
        return cumulativeLost;
    }

    public long extendedHighestSequenceNumber() {
        return extendedHighestSequenceNumber;
    }

    /** Interarrival jitter in RTP timestamp units. */
    public long jitter() {
        return jitter;
    }

    /** Middle 32 bits of the NTP timestamp of the last SR received from this source; 0 if none yet. */
    public long lastSenderReport() {
        return lastSenderReport;
    }

    /** Delay between receiving that SR and sending this report, in units of 1/65536 second. */
    public long delaySinceLastSenderReport() {
        return delaySinceLastSenderReport;
    }
}
