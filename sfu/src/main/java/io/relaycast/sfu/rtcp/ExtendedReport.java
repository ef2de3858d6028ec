package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Extended report, PT 207 (RFC 3611 section 2), for the two blocks that give a receiver that sends no media a round
 * trip: it sends a Receiver Reference Time block (section 4.4, BT 4: its NTP time), and the media sender answers
 * with a DLRR block (section 4.5, BT 5: per receiver SSRC the compact NTP time of that RRTR as LRR, and the delay
 * since, DLRR). RTT = A - LRR - DLRR, as with LSR/DLSR (RFC 3550 section 6.4.1).
 *
 * <pre>
 * |V=2|P|reserved |   PT=XR=207   |             length            |
 * |                              SSRC                             |
 * |  BT=4 | reserved      |       block length = 2                |   (RRTR)
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 *
 * |     BT=5      |   reserved    |         block length          |   (DLRR: 3 words per sub-block)
 * |                 SSRC_1 (SSRC of first receiver)               |
 * |                         last RR (LRR)                         |
 * |                   delay since last RR (DLRR)                  |
 * </pre>
 *
 * <p>Reading allocates nothing; unknown block types are skipped by their length.
 */
public final class ExtendedReport extends RtcpPacketReader {

    public static final int FIXED_LENGTH = 8;
    public static final int RRTR_LENGTH = FIXED_LENGTH + 12;
    static final int BLOCK_RRTR = 4;
    static final int BLOCK_DLRR = 5;

    private long lastReceiverReport;
    private long delaySinceLastReceiverReport;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readHeader(buf, off, len, RtcpPacketType.EXTENDED_REPORT, FIXED_LENGTH);
        return valid;
    }

    public long senderSsrc() {
        return BigEndian.u32(buf, off + 4);
    }

    /**
     * Looks for a DLRR sub-block about {@code receiverSsrc}; when found, {@link #lastReceiverReport()} and
     * {@link #delaySinceLastReceiverReport()} give its values.
     */
    public boolean findDlrr(long receiverSsrc) {
        int end = off + contentLength;
        int at = off + FIXED_LENGTH;
        while (at + 4 <= end) {
            int type = BigEndian.u8(buf, at);
            int blockEnd = at + 4 + BigEndian.u16(buf, at + 2) * 4;
            if (blockEnd > end) {
                return false; // a block claiming more than the packet holds: the rest is not trustworthy
            }
            if (type == BLOCK_DLRR) {
                for (int sub = at + 4; sub + 12 <= blockEnd; sub += 12) {
                    if (BigEndian.u32(buf, sub) == (receiverSsrc & 0xFFFF_FFFFL)) {
                        lastReceiverReport = BigEndian.u32(buf, sub + 4);
                        delaySinceLastReceiverReport = BigEndian.u32(buf, sub + 8);
                        return true;
                    }
                }
            }
            at = blockEnd;
        }
        return false;
    }

    /** The LRR of the sub-block {@link #findDlrr} found (compact NTP, 0: no RRTR received yet). */
    public long lastReceiverReport() {
        return lastReceiverReport;
    }

    /** The DLRR of the sub-block {@link #findDlrr} found, in 1/65536 s. */
    public long delaySinceLastReceiverReport() {
        return delaySinceLastReceiverReport;
    }

    /**
     * Writes an XR with one Receiver Reference Time block (section 4.4).
     *
     * @return the bytes written ({@link #RRTR_LENGTH}), or -1 when they do not fit
     */
    public static int writeReceiverReferenceTime(byte[] buf, int off, long senderSsrc, long ntpTimestamp) {
        if (!fits(buf, off, RRTR_LENGTH)) {
            return -1;
        }
        RtcpHeader.write(buf, off, 0, RtcpPacketType.EXTENDED_REPORT, RRTR_LENGTH);
        BigEndian.put32(buf, off + 4, senderSsrc);
        buf[off + 8] = BLOCK_RRTR;
        buf[off + 9] = 0;
        BigEndian.put16(buf, off + 10, 2);
        BigEndian.put64(buf, off + 12, ntpTimestamp);
        return RRTR_LENGTH;
    }
}
