package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Sender report, PT 200 (RFC 3550 section 6.4.1):
 *
 * <pre>
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * |                 report blocks (RC x 24 bytes)                 |
 * </pre>
 */
public final class SenderReport extends RtcpPacketReader {

    /** Header, sender SSRC and the 20 bytes of sender info. */
    public static final int FIXED_LENGTH = 28;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readHeader(buf, off, len, RtcpPacketType.SENDER_REPORT, FIXED_LENGTH)
                && FIXED_LENGTH + ReportBlock.LENGTH * RtcpHeader.count(buf, off) <= contentLength;
        return valid;
    }

    public long senderSsrc() {
        return BigEndian.u32(buf, off + 4);
    }

    /** The full 64-bit NTP timestamp (RFC 3550 section 4); see {@link NtpTime}. */
    public long ntpTimestamp() {
        return BigEndian.u64(buf, off + 8);
    }

    public long rtpTimestamp() {
        return BigEndian.u32(buf, off + 16);
    }

    public long packetCount() {
        return BigEndian.u32(buf, off + 20);
    }

    public long octetCount() {
        return BigEndian.u32(buf, off + 24);
    }

    /** Rewrites the sender SSRC in place, for a report forwarded to a viewer. Valid packets only. */
    public void setSenderSsrc(long ssrc) {
        BigEndian.put32(buf, off + 4, ssrc);
    }

    /**
     * Rewrites the RTP timestamp in place: a report forwarded to a viewer must pair the NTP time with the
     * timestamp in the viewer's space (see {@code RtpStreamRewriter.mapTimestamp}). Valid packets only.
     */
    public void setRtpTimestamp(long rtpTimestamp) {
        BigEndian.put32(buf, off + 16, rtpTimestamp);
    }

    public int reportCount() {
        return count();
    }

    /** Copies report block {@code index} (0 to reportCount - 1) into {@code into}. */
    public void readReportBlock(int index, ReportBlock into) {
        into.readFrom(buf, off + FIXED_LENGTH + ReportBlock.LENGTH * index);
    }

    /**
     * Writes an SR with {@code blockCount} report blocks taken from {@code blocks}.
     *
     * @return the bytes written, or -1 when they do not fit or more than 31 blocks are asked for
     */
    public static int write(byte[] buf, int off, long senderSsrc, long ntpTimestamp, long rtpTimestamp,
                            long packetCount, long octetCount, ReportBlock[] blocks, int blockCount) {
        if (blockCount < 0 || blockCount > RtcpHeader.MAX_COUNT || (blockCount > 0 && blocks.length < blockCount)) {
            return -1;
        }
        int length = FIXED_LENGTH + ReportBlock.LENGTH * blockCount;
        if (!fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, blockCount, RtcpPacketType.SENDER_REPORT, length);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put64(buf, off + 8, ntpTimestamp);
        BigEndian.put32(buf, off + 16, rtpTimestamp);
        BigEndian.put32(buf, off + 20, packetCount);
        BigEndian.put32(buf, off + 24, octetCount);
        for (int i = 0; i < blockCount; i++) {
            blocks[i].writeTo(buf, off + FIXED_LENGTH + ReportBlock.LENGTH * i);
        }
        return length;
    }
}
