package io.relaycast.sfu.rtp;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.media.ForwardedCodec;
import org.testng.annotations.Test;

public class KeyframesTest {

    private static boolean vp8(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Keyframes.isKeyframeStart(ForwardedCodec.VP8, b, 0, b.length);
    }

    private static boolean h264(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Keyframes.isKeyframeStart(ForwardedCodec.H264, b, 0, b.length);
    }

    @Test
    public void vp8KeyframesByThePayloadHeadersInverseKeyFrameBit() {
        assertTrue(vp8(0x10, 0x00, 0, 0), "S=1 PID=0, P=0 (RFC 7741 section 4.3)");
        assertFalse(vp8(0x10, 0x01, 0, 0), "P=1: interframe");
        assertFalse(vp8(0x00, 0x00), "not the start of a partition");
        assertFalse(vp8(0x11, 0x00), "partition 1");
        // X=1 with I (15-bit PictureID), L and T/K: descriptor 1 + 1 + 2 + 1 + 1 octets, then the header
        assertTrue(vp8(0x90, 0xF0, 0x80, 0x05, 0x07, 0x20, 0x00));
        assertFalse(vp8(0x90, 0xF0, 0x80, 0x05, 0x07, 0x20, 0x01));
        // X=1 with a 7-bit PictureID only
        assertTrue(vp8(0x90, 0x80, 0x05, 0x00));
        assertFalse(vp8(0x90, 0x80, 0x05), "cut short");
    }

    @Test
    public void h264KeyframesByNalUnitType() {
        assertTrue(h264(0x65, 0x88), "IDR slice (RFC 6184 section 5.3)");
        assertTrue(h264(0x67, 0x42), "SPS");
        assertFalse(h264(0x41, 0x9A), "non-IDR slice");
        assertTrue(h264(0x78, 0x00, 0x02, 0x09, 0xF0, 0x00, 0x02, 0x67, 0x42), "STAP-A: AUD then SPS");
        assertFalse(h264(0x78, 0x00, 0x02, 0x09, 0xF0), "STAP-A without one");
        assertTrue(h264(0x7C, 0x85, 0x00), "FU-A start of an IDR");
        assertFalse(h264(0x7C, 0x05, 0x00), "FU-A continuation");
        assertFalse(Keyframes.isKeyframeStart(ForwardedCodec.VP9, new byte[] {0}, 0, 1), "not recognised: false");
    }
}
