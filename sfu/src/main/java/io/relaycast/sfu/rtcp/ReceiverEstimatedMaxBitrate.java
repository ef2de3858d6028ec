package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * REMB, payload-specific feedback PT 206 FMT 15 (application layer feedback) with the "REMB" identifier
 * (draft-alvestrand-rmcat-remb-03 section 2.2). The media source SSRC of the header is 0; the FCI is:
 *
 * <pre>
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * |   SSRC feedback                                               |   Num SSRC times
 * </pre>
 *
 * The bitrate in bits per second is {@code mantissa << exp}: an 18-bit mantissa with a 6-bit exponent.
 */
public final class ReceiverEstimatedMaxBitrate extends RtcpFeedbackReader {

    public static final int FORMAT = 15;
    public static final int MAX_MANTISSA = 0x3_FFFF;
    public static final int MAX_SSRCS = 255;
    private static final int IDENTIFIER = ('R' << 24) | ('E' << 16) | ('M' << 8) | 'B';
    private static final int MIN_FCI_LENGTH = 8;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        valid = readFeedbackHeader(buf, off, len, RtcpPacketType.PAYLOAD_FEEDBACK, FORMAT, MIN_FCI_LENGTH)
                && BigEndian.u32(buf, off + FCI_OFFSET) == IDENTIFIER
                && MIN_FCI_LENGTH + 4 * (buf[off + FCI_OFFSET + 4] & 0xFF) <= fciLength();
        return valid;
    }

    public int ssrcCount() {
        return buf[off + FCI_OFFSET + 4] & 0xFF;
    }

    public int exponent() {
        return (buf[off + FCI_OFFSET + 5] & 0xFF) >>> 2;
    }

    public int mantissa() {
        return BigEndian.u24(buf, off + FCI_OFFSET + 5) & MAX_MANTISSA;
    }

    /** The estimate in bits per second; saturates at {@code Long.MAX_VALUE} for exponents no long can hold. */
    public long bitrate() {
        long mantissa = mantissa();
        int exponent = exponent();
        if (mantissa != 0 && exponent > Long.numberOfLeadingZeros(mantissa) - 1) {
            return Long.MAX_VALUE;
        }
        return mantissa << exponent;
    }

    public long ssrc(int index) {
        return BigEndian.u32(buf, off + FCI_OFFSET + MIN_FCI_LENGTH + 4 * index);
    }

    /**
     * Writes a REMB. The bitrate is rounded down to what mantissa and exponent can express, so the receiver is
     * never told more than was estimated.
     *
     * @return the bytes written, or -1 when they do not fit, the bitrate is negative, or over 255 SSRCs are given
     */
    public static int write(byte[] buf, int off, long senderSsrc, long bitrate, long[] ssrcs, int ssrcCount) {
        if (bitrate < 0 || ssrcCount < 0 || ssrcCount > MAX_SSRCS || (ssrcCount > 0 && ssrcs.length < ssrcCount)) {
            return -1;
        }
        int length = FCI_OFFSET + MIN_FCI_LENGTH + 4 * ssrcCount;
        if (!fits(buf, off, length)) {
            return -1;
        }
        long mantissa = bitrate;
        int exponent = 0;
        while (mantissa > MAX_MANTISSA) {
            mantissa >>>= 1;
            exponent++;
        }
        writeFeedbackHeader(buf, off, FORMAT, RtcpPacketType.PAYLOAD_FEEDBACK, length, senderSsrc, 0L);
        BigEndian.put32(buf, off + FCI_OFFSET, IDENTIFIER);
        buf[off + FCI_OFFSET + 4] = (byte) ssrcCount;
        BigEndian.put24(buf, off + FCI_OFFSET + 5, (exponent << 18) | (int) mantissa);
        for (int i = 0; i < ssrcCount; i++) {
            BigEndian.put32(buf, off + FCI_OFFSET + MIN_FCI_LENGTH + 4 * i, ssrcs[i]);
        }
        return length;
    }
}
