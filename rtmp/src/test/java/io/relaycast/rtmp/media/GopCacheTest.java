package io.relaycast.rtmp.media;

import org.testng.annotations.Test;

import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** The GOP cache's rules: sequence headers first, a group starts at a keyframe, oversize groups are dropped whole. */
public class GopCacheTest {
    // FLV tag bodies (FLV specification E.4.2.1 / E.4.3.1)
    private static final byte[] AVC_CONFIG = {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1e};
    private static final byte[] AAC_CONFIG = {(byte) 0xAF, 0, 0x12, 0x10};

    private static byte[] keyframe(int size) {
        byte[] b = new byte[size];
        b[0] = 0x17;
        b[1] = 1;
        return b;
    }

    private static byte[] interframe(int size) {
        byte[] b = new byte[size];
        b[0] = 0x27;
        b[1] = 1;
        return b;
    }

    private static byte[] aac(int size) {
        byte[] b = new byte[size];
        b[0] = (byte) 0xAF;
        b[1] = 1;
        return b;
    }

    @Test
    public void whileTheStartFitsEverythingFromTheFirstKeyframeIsKept() {
        GopCache c = new GopCache(1 << 20, 10_000);
        c.add(true, AVC_CONFIG, 0);
        c.add(false, AAC_CONFIG, 0);
        byte[] first = keyframe(100);
        c.add(true, first, 0);
        c.add(true, interframe(50), 33);
        c.add(false, aac(20), 40);
        c.add(true, keyframe(100), 1000);
        c.add(true, interframe(50), 1033);
        assertTrue(c.fromStart());
        assertEquals(c.tags(), 5);
        assertEquals(c.millis(), 1033);
        List<GopCache.Tag> out = c.drain();
        assertEquals(out.size(), 7);
        assertTrue(out.get(0).payload() == AVC_CONFIG && out.get(1).payload() == AAC_CONFIG,
                "sequence headers first");
        assertTrue(out.get(2).payload() == first, "then the stream from its first keyframe");
        assertEquals(c.tags(), 0, "a drain empties the media");
        assertEquals(c.drain().size(), 2, "the sequence headers stay for the next drain");
    }

    @Test
    public void onceTheStartNoLongerFitsOnlyTheLastGroupIsKept() {
        GopCache c = new GopCache(1 << 20, 2500);
        c.add(true, keyframe(100), 0);
        c.add(true, interframe(50), 1000);
        byte[] second = keyframe(100);
        c.add(true, second, 2000);
        c.add(true, interframe(50), 2600); // 2600 ms since the first keyframe > 2500: the start is let go
        assertFalse(c.fromStart());
        assertEquals(c.tags(), 2);
        assertEquals(c.millis(), 600);
        byte[] third = keyframe(100);
        c.add(true, third, 4000);
        c.add(false, aac(20), 4010);
        assertEquals(c.tags(), 2, "from now on each keyframe starts the cache afresh");
        List<GopCache.Tag> out = c.drain();
        assertTrue(out.get(0).payload() == third);
        assertEquals(c.groupsTooLarge(), 0);
    }

    @Test
    public void nothingIsKeptBeforeTheFirstKeyframe() {
        GopCache c = new GopCache(1 << 20, 10_000);
        c.add(true, interframe(50), 0);
        c.add(false, aac(20), 5);
        assertEquals(c.tags(), 0);
        assertEquals(c.bytes(), 0);
    }

    @Test
    public void aGroupOverTheByteBoundIsDroppedWholeUntilTheNextKeyframe() {
        GopCache c = new GopCache(1000, 10_000);
        c.add(true, keyframe(600), 0);
        c.add(true, interframe(300), 33);
        c.add(true, interframe(300), 66); // 1200 > 1000
        assertEquals(c.tags(), 0);
        assertEquals(c.groupsTooLarge(), 1);
        c.add(true, interframe(10), 99);
        assertEquals(c.tags(), 0, "no keyframe to start from");
        c.add(true, keyframe(100), 1000);
        assertEquals(c.tags(), 1);
        assertEquals(c.bytes(), 100);
        assertFalse(c.fromStart(), "the start was lost with the oversize group");
    }

    @Test
    public void aGroupOverTheDurationBoundIsDropped() {
        GopCache c = new GopCache(1 << 20, 2000);
        c.add(true, keyframe(10), 0);
        c.add(true, interframe(10), 1999);
        assertEquals(c.tags(), 2);
        c.add(true, interframe(10), 2001);
        assertEquals(c.tags(), 0);
        assertEquals(c.groupsTooLarge(), 1);
    }

    @Test
    public void offKeepsOnlySequenceHeaders() {
        GopCache c = new GopCache(0, 10_000);
        c.add(true, AVC_CONFIG, 0);
        c.add(true, keyframe(10), 0);
        assertEquals(c.tags(), 0);
        assertEquals(c.drain().size(), 1);
        assertFalse(GopCache.isKeyframe(interframe(5)));
        assertFalse(GopCache.isKeyframe(AVC_CONFIG), "a sequence header is not a picture");
    }
}
