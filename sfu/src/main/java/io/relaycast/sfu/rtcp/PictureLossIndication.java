package io.relaycast.sfu.rtcp;

/**
 * Picture Loss Indication, payload-specific feedback PT 206 FMT 1 (RFC 4585 section 6.3.1): a receiver asks the
 * sender of {@code mediaSsrc} for a key frame. It has no FCI, so the packet is exactly the 12-byte feedback header.
 */
public final class PictureLossIndication extends RtcpFeedbackReader {

    public static final int FORMAT = 1;
    public static final int LENGTH = FCI_OFFSET;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readFeedbackHeader(buf, off, len, RtcpPacketType.PAYLOAD_FEEDBACK, FORMAT, 0);
        return valid;
    }

    /** @return 12, or -1 when the buffer has no room */
    public static int write(byte[] buf, int off, long senderSsrc, long mediaSsrc) {
        if (!fits(buf, off, LENGTH)) {
            return -1;
        }
        writeFeedbackHeader(buf, off, FORMAT, RtcpPacketType.PAYLOAD_FEEDBACK, LENGTH, senderSsrc, mediaSsrc);
        return LENGTH;
    }
}
