package io.relaycast.sfu.rtp;

import io.relaycast.sfu.media.ForwardedCodec;

/**
 * Whether an RTP packet starts a keyframe, from its payload alone (no depacketization), for the codecs whose
 * layers we switch between: the point where a viewer can move to another simulcast layer without a broken picture.
 * Allocation-free; false for anything it does not recognise.
 */
public final class Keyframes {

    private Keyframes() {
    }

    public static boolean isKeyframeStart(ForwardedCodec codec, byte[] buf, int payloadOffset, int payloadLength) {
        if (payloadLength <= 0 || codec == null) {
            return false;
        }
        return switch (codec) {
            case VP8 -> vp8(buf, payloadOffset, payloadLength);
            case H264 -> h264(buf, payloadOffset, payloadLength);
            default -> false;
        };
    }

    /**
     * RFC 7741 section 4.2: the payload descriptor (X, S, PID; then I/L/T/K extensions, a 7- or 15-bit PictureID),
     * then on the first packet of a partition (S=1, PID=0) the VP8 payload header, whose lowest bit P is 0 for a
     * key frame (section 4.3, RFC 6386 section 9.1).
     */
    static boolean vp8(byte[] buf, int off, int len) {
        int end = off + len;
        int b0 = buf[off] & 0xFF;
        if ((b0 & 0x10) == 0 || (b0 & 0x07) != 0) {
            return false; // not the start of partition 0
        }
        int at = off + 1;
        if ((b0 & 0x80) != 0) {
            if (at >= end) {
                return false;
            }
            int x = buf[at++] & 0xFF;
            if ((x & 0x80) != 0) { // I: PictureID, M bit selects 15 bits
                if (at >= end) {
                    return false;
                }
                at += (buf[at] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                at++;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
                at++;
            }
        }
        return at < end && (buf[at] & 0x01) == 0;
    }

    /**
     * RFC 6184 section 5: an IDR slice (NAL type 5) or a sequence parameter set (7) alone, first in a STAP-A (24,
     * section 5.7.1), or starting an FU-A (28, section 5.8).
     */
    static boolean h264(byte[] buf, int off, int len) {
        int type = buf[off] & 0x1F;
        if (type == 5 || type == 7) {
            return true;
        }
        if (type == 24) {
            int at = off + 1;
            int end = off + len;
            while (at + 2 < end) {
                int size = ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
                int nal = buf[at + 2] & 0x1F;
                if (nal == 5 || nal == 7) {
                    return true;
                }
                at += 2 + size;
            }
            return false;
        }
        if (type == 28 && len >= 2) {
            int fu = buf[off + 1] & 0xFF;
            return (fu & 0x80) != 0 && ((fu & 0x1F) == 5 || (fu & 0x1F) == 7);
        }
        return false;
    }
}
