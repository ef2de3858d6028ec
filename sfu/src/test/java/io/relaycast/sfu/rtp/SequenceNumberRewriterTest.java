package io.relaycast.sfu.rtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class SequenceNumberRewriterTest {

    @Test
    public void firstPacketGetsTheInitialNumberAndTheRestFollow() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(1000);
        assertFalse(rewriter.isStarted());
        assertEquals(rewriter.rewrite(40), 1000);
        assertTrue(rewriter.isStarted());
        assertEquals(rewriter.rewrite(41), 1001);
        assertEquals(rewriter.rewrite(45), 1005, "a gap in the source stays a gap");
        assertEquals(rewriter.highestSequenceNumber(), 1005);
    }

    @Test
    public void sourceWrapFrom65535To0StaysContinuous() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(1000);
        assertEquals(rewriter.rewrite(65534), 1000);
        assertEquals(rewriter.rewrite(65535), 1001);
        assertEquals(rewriter.rewrite(0), 1002);
        assertEquals(rewriter.rewrite(1), 1003);
    }

    @Test
    public void outputWrapFrom65535To0StaysContinuous() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(65534);
        assertEquals(rewriter.rewrite(10), 65534);
        assertEquals(rewriter.rewrite(11), 65535);
        assertEquals(rewriter.rewrite(12), 0);
        assertEquals(rewriter.rewrite(13), 1);
    }

    @Test
    public void manyWrapsKeepAConstantOffset() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(12345);
        int source = 60000;
        for (int i = 0; i < 300_000; i++) {
            assertEquals(rewriter.rewrite((source + i) & 0xFFFF), (12345 + i) & 0xFFFF);
        }
    }

    @Test
    public void reorderedAndDuplicatePacketsMapToTheirOwnNumbers() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(500);
        assertEquals(rewriter.rewrite(65535), 500);
        assertEquals(rewriter.rewrite(1), 502);
        assertEquals(rewriter.rewrite(0), 501, "late packet across the wrap");
        assertEquals(rewriter.rewrite(1), 502, "duplicate");
        assertEquals(rewriter.highestSequenceNumber(), 502);
    }

    @Test
    public void dropsPacketsOlderThanTheStartOfTheMapping() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(500);
        assertEquals(rewriter.rewrite(0), 500);
        assertEquals(rewriter.rewrite(65535), SequenceNumberRewriter.DROP);
        assertEquals(rewriter.rewrite(65000), SequenceNumberRewriter.DROP);
        assertEquals(rewriter.rewrite(1), 501);
        assertEquals(rewriter.highestSequenceNumber(), 501);
    }

    @Test
    public void resyncContinuesAfterTheHighestNumberSent() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(65533);
        rewriter.rewrite(100);
        rewriter.rewrite(102);
        rewriter.rewrite(101); // late, must not lower the high-water mark
        assertEquals(rewriter.highestSequenceNumber(), 65535);

        rewriter.resync();
        assertEquals(rewriter.rewrite(30000), 0, "new source continues at highest + 1, across the wrap");
        assertEquals(rewriter.rewrite(30001), 1);
        assertEquals(rewriter.rewrite(29999), SequenceNumberRewriter.DROP,
                "older than the switch point: its number would collide with the previous source");
        assertEquals(rewriter.rewrite(102), SequenceNumberRewriter.DROP,
                "the old source's numbers mean nothing in the new mapping");
    }

    @Test
    public void resyncBeforeTheFirstPacketChangesNothing() {
        SequenceNumberRewriter rewriter = new SequenceNumberRewriter(77);
        rewriter.resync();
        assertEquals(rewriter.rewrite(9), 77);
    }

    @Test
    public void initialNumberIsTakenModulo65536() {
        assertEquals(new SequenceNumberRewriter(65536 + 3).rewrite(1), 3);
        assertEquals(new SequenceNumberRewriter(-1).rewrite(1), 65535);
    }
}
