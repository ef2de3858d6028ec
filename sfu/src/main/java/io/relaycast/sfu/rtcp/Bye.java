package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;
import java.util.Arrays;

/**
 * Goodbye, PT 203 (RFC 3550 section 6.6):
 *
 * <pre>
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * |                           SSRC/CSRC                           |   SC times
 * |     length    |               reason for leaving            ...   optional
 * </pre>
 */
public final class Bye extends RtcpPacketReader {

    public static final int MAX_REASON_LENGTH = 255;

    private int reasonOffset = -1;
    private int reasonLength;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        reasonOffset = -1;
        reasonLength = 0;
        if (!readHeader(buf, off, len, RtcpPacketType.BYE, RtcpHeader.LENGTH)) {
            return false;
        }
        int ssrcEnd = RtcpHeader.LENGTH + 4 * RtcpHeader.count(buf, off);
        if (ssrcEnd > contentLength) {
            return false;
        }
        if (ssrcEnd < contentLength) {
            int length = buf[off + ssrcEnd] & 0xFF;
            if (length > contentLength - ssrcEnd - 1) {
                return false;
            }
            reasonOffset = off + ssrcEnd + 1;
            reasonLength = length;
        }
        valid = true;
        return true;
    }

    public int ssrcCount() {
        return count();
    }

    public long ssrc(int index) {
        return BigEndian.u32(buf, off + RtcpHeader.LENGTH + 4 * index);
    }

    /** Absolute offset of the reason text, or -1 when there is none. */
    public int reasonOffset() {
        return reasonOffset;
    }

    public int reasonLength() {
        return reasonLength;
    }

    /**
     * Writes a BYE for {@code ssrcCount} sources, with an optional reason ({@code reason} may be null).
     *
     * @return the bytes written, or -1 when they do not fit, or for more than 31 sources or a reason over 255 bytes
     */
    public static int write(byte[] buf, int off, long[] ssrcs, int ssrcCount, byte[] reason, int reasonOff,
                            int reasonLength) {
        if (ssrcCount < 0 || ssrcCount > RtcpHeader.MAX_COUNT || (ssrcCount > 0 && ssrcs.length < ssrcCount)) {
            return -1;
        }
        boolean hasReason = reason != null;
        if (hasReason && (reasonLength < 0 || reasonLength > MAX_REASON_LENGTH
                || !BigEndian.inBounds(reason, reasonOff, reasonLength))) {
            return -1;
        }
        int ssrcEnd = RtcpHeader.LENGTH + 4 * ssrcCount;
        int length = ssrcEnd + (hasReason ? RtcpHeader.align4(1 + reasonLength) : 0);
        if (!fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, ssrcCount, RtcpPacketType.BYE, length);
        for (int i = 0; i < ssrcCount; i++) {
            BigEndian.put32(buf, off + RtcpHeader.LENGTH + 4 * i, ssrcs[i]);
        }
        if (hasReason) {
            buf[off + ssrcEnd] = (byte) reasonLength;
            System.arraycopy(reason, reasonOff, buf, off + ssrcEnd + 1, reasonLength);
            Arrays.fill(buf, off + ssrcEnd + 1 + reasonLength, off + length, (byte) 0);
        }
        return length;
    }
}
