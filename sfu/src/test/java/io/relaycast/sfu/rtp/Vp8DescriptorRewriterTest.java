package io.relaycast.sfu.rtp;

import static org.testng.Assert.assertEquals;

import org.testng.annotations.Test;

public class Vp8DescriptorRewriterTest {

    /** X=1, S=1; I=1, L=1, T=1; 15-bit PictureID; TL0PICIDX; TID byte; one payload byte. */
    private static byte[] descriptor(int pictureId, int tl0) {
        return new byte[]{(byte) 0x90, (byte) 0xE0, (byte) (0x80 | pictureId >>> 8), (byte) pictureId, (byte) tl0,
                0x20, 0x10};
    }

    private static int pictureId(byte[] d) {
        return ((d[2] & 0x7F) << 8) | (d[3] & 0xFF);
    }

    @Test
    public void passesTheFirstLayerThroughAndContinuesItsNumbersOnTheNextLayer() {
        Vp8DescriptorRewriter r = new Vp8DescriptorRewriter();
        byte[] a = descriptor(1000, 7);
        r.restart(a, 0, a.length);
        r.rewrite(a, 0, a.length, true);
        assertEquals(pictureId(a), 1000);
        assertEquals(a[4] & 0xFF, 7);
        byte[] b = descriptor(1001, 8);
        r.rewrite(b, 0, b.length, true);
        // switch: the new layer's keyframe has unrelated numbers
        byte[] k = descriptor(30_000, 250);
        r.restart(k, 0, k.length);
        r.rewrite(k, 0, k.length, true);
        assertEquals(pictureId(k), 1002);
        assertEquals(k[4] & 0xFF, 9);
        byte[] d = descriptor(30_001, 250);
        r.rewrite(d, 0, d.length, true);
        assertEquals(pictureId(d), 1003);
        assertEquals(d[4] & 0xFF, 9);
        assertEquals(d[5], 0x20, "the TID byte is left alone");
        assertEquals(d[6], 0x10, "and the payload");
        byte[] wrap = descriptor(0x7FFF, 255); // 32767 + offset wraps in 15 bits, 255 + offset in 8
        r.rewrite(wrap, 0, wrap.length, true);
        assertEquals(pictureId(wrap), (0x7FFF + 1002 - 30_000) & 0x7FFF);
        assertEquals(wrap[4] & 0xFF, (255 + 9 - 250) & 0xFF);
    }

    @Test
    public void aRetransmissionGetsTheSameNumbersButDoesNotMoveTheNext() {
        Vp8DescriptorRewriter r = new Vp8DescriptorRewriter();
        byte[] a = descriptor(10, 1);
        r.restart(a, 0, a.length);
        r.rewrite(a, 0, a.length, true);
        byte[] b = descriptor(11, 1);
        r.rewrite(b, 0, b.length, true);
        byte[] again = descriptor(10, 1);
        r.rewrite(again, 0, again.length, false);
        assertEquals(pictureId(again), 10);
        byte[] k = descriptor(500, 40);
        r.restart(k, 0, k.length);
        r.rewrite(k, 0, k.length, true);
        assertEquals(pictureId(k), 12, "after the newest sent, not after the retransmitted one");
    }

    @Test
    public void sevenBitPictureIdsStayInSevenBitsAndNoExtensionsIsLeftAlone() {
        Vp8DescriptorRewriter r = new Vp8DescriptorRewriter();
        byte[] a = {(byte) 0x90, (byte) 0x80, 0x7F, 0x00};
        r.restart(a, 0, a.length);
        r.rewrite(a, 0, a.length, true);
        byte[] k = {(byte) 0x90, (byte) 0x80, 0x05, 0x00};
        r.restart(k, 0, k.length);
        r.rewrite(k, 0, k.length, true);
        assertEquals(k[2], 0x00, "127 + 1 in 7 bits, M stays 0");
        byte[] plain = {0x10, 0x00, 0x01};
        r.rewrite(plain, 0, plain.length, true);
        assertEquals(plain, new byte[]{0x10, 0x00, 0x01});
        byte[] truncated = {(byte) 0x90, (byte) 0x80};
        r.rewrite(truncated, 0, truncated.length, true);
        assertEquals(truncated, new byte[]{(byte) 0x90, (byte) 0x80});
    }
}
