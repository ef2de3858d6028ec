package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Common layout of RTCP feedback messages (RFC 4585 section 6.1):
 *
 * <pre>
 * |V=2|P|   FMT   |       PT      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * :            Feedback Control Information (FCI)                 :
 * </pre>
 */
public abstract class RtcpFeedbackReader extends RtcpPacketReader {

    /** Header plus the two SSRCs. */
    public static final int FCI_OFFSET = 12;

    protected final boolean readFeedbackHeader(byte[] buf, int off, int len, int packetType, int format,
                                               int minFciLength) {
        return readHeader(buf, off, len, packetType, FCI_OFFSET + minFciLength)
                && RtcpHeader.count(buf, off) == format;
    }

    public int format() {
        return RtcpHeader.count(buf, off);
    }

    public long senderSsrc() {
        return BigEndian.u32(buf, off + 4);
    }

    public long mediaSsrc() {
        return BigEndian.u32(buf, off + 8);
    }

    /**
     * Rewrites the sender SSRC in place, for feedback the SFU forwards under its own identity. Valid packets only.
     */
    public void setSenderSsrc(long ssrc) {
        BigEndian.put32(buf, off + 4, ssrc);
    }

    /**
     * Rewrites the media source SSRC in place: a viewer's PLI or NACK names the SSRC the viewer sees, and must
     * name the publisher's before it is forwarded upstream. Valid packets only.
     */
    public void setMediaSsrc(long ssrc) {
        BigEndian.put32(buf, off + 8, ssrc);
    }

    /** Absolute offset of the FCI. */
    public int fciOffset() {
        return off + FCI_OFFSET;
    }

    /** FCI length in bytes, padding excluded. */
    public int fciLength() {
        return contentLength - FCI_OFFSET;
    }

    /** Writes the 12 bytes of common feedback header; the caller has checked the room for the whole packet. */
    protected static void writeFeedbackHeader(byte[] buf, int off, int format, int packetType, int packetLength,
                                              long senderSsrc, long mediaSsrc) {
        RtcpHeader.write(buf, off, format, packetType, packetLength);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, mediaSsrc);
    }
}
