package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Full Intra Request, payload-specific feedback PT 206 FMT 4 (RFC 5104 section 4.3.1). The header's media source
 * SSRC is unused and set to 0 (section 4.3.1.2); each FCI entry names its target:
 *
 * <pre>
 * |                              SSRC                             |
 * | Seq nr.       |    Reserved                                   |
 * </pre>
 *
 * The sender increments the 8-bit sequence number for every new request, so that a repeated packet is not
 * mistaken for a new request (section 4.3.1.1).
 */
public final class FullIntraRequest extends RtcpFeedbackReader {

    public static final int FORMAT = 4;
    public static final int ENTRY_LENGTH = 8;
    /** Length of a FIR with one entry. */
    public static final int LENGTH = FCI_OFFSET + ENTRY_LENGTH;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readFeedbackHeader(buf, off, len, RtcpPacketType.PAYLOAD_FEEDBACK, FORMAT, ENTRY_LENGTH);
        return valid;
    }

    public int entryCount() {
        return fciLength() / ENTRY_LENGTH;
    }

    /** The SSRC asked to send a decoder refresh point. */
    public long entrySsrc(int index) {
        return BigEndian.u32(buf, fciOffset() + ENTRY_LENGTH * index);
    }

    public int entrySequenceNumber(int index) {
        return buf[fciOffset() + ENTRY_LENGTH * index + 4] & 0xFF;
    }

    /** Rewrites the target SSRC of entry {@code index} in place, for a viewer's FIR forwarded upstream. */
    public void setEntrySsrc(int index, long ssrc) {
        BigEndian.put32(buf, fciOffset() + ENTRY_LENGTH * index, ssrc);
    }

    /** Rewrites the sequence number of entry {@code index} in place: upstream, the SFU numbers its own requests. */
    public void setEntrySequenceNumber(int index, int sequenceNumber) {
        buf[fciOffset() + ENTRY_LENGTH * index + 4] = (byte) sequenceNumber;
    }

    /** @return the bytes written (20), or -1 when the buffer has no room */
    public static int write(byte[] buf, int off, long senderSsrc, long targetSsrc, int sequenceNumber) {
        if (!fits(buf, off, LENGTH)) {
            return -1;
        }
        writeFeedbackHeader(buf, off, FORMAT, RtcpPacketType.PAYLOAD_FEEDBACK, LENGTH, senderSsrc, 0L);
        BigEndian.put32(buf, off + FCI_OFFSET, targetSsrc);
        buf[off + FCI_OFFSET + 4] = (byte) sequenceNumber;
        BigEndian.put24(buf, off + FCI_OFFSET + 5, 0);
        return LENGTH;
    }
}
