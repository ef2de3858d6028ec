package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Receiver report, PT 201 (RFC 3550 section 6.4.2):
 *
 * <pre>
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * |                     SSRC of packet sender                     |
 * |                 report blocks (RC x 24 bytes)                 |
 * </pre>
 */
public final class ReceiverReport extends RtcpPacketReader {

    public static final int FIXED_LENGTH = 8;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readHeader(buf, off, len, RtcpPacketType.RECEIVER_REPORT, FIXED_LENGTH)
                && FIXED_LENGTH + ReportBlock.LENGTH * RtcpHeader.count(buf, off) <= contentLength;
        return valid;
    }

    public long senderSsrc() {
        return BigEndian.u32(buf, off + 4);
    }

    public int reportCount() {
        return count();
    }

    /** Copies report block {@code index} (0 to reportCount - 1) into {@code into}. */
    public void readReportBlock(int index, ReportBlock into) {
        into.readFrom(buf, off + FIXED_LENGTH + ReportBlock.LENGTH * index);
    }

    /**
     * Writes an RR with {@code blockCount} report blocks (zero is valid: an empty RR heads a compound packet
     * from a receiver that has nothing to report yet).
     *
     * @return the bytes written, or -1 when they do not fit or more than 31 blocks are asked for
     */
    public static int write(byte[] buf, int off, long senderSsrc, ReportBlock[] blocks, int blockCount) {
        if (blockCount < 0 || blockCount > RtcpHeader.MAX_COUNT || (blockCount > 0 && blocks.length < blockCount)) {
            return -1;
        }
        int length = FIXED_LENGTH + ReportBlock.LENGTH * blockCount;
        if (!fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, blockCount, RtcpPacketType.RECEIVER_REPORT, length);
        BigEndian.put32(buf, off + 4, senderSsrc);
        for (int i = 0; i < blockCount; i++) {
            blocks[i].writeTo(buf, off + FIXED_LENGTH + ReportBlock.LENGTH * i);
        }
        return length;
    }
}
