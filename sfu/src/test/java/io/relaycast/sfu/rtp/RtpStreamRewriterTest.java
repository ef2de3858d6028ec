package io.relaycast.sfu.rtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.assertThrows;

import java.util.SplittableRandom;
import org.testng.annotations.Test;

public class RtpStreamRewriterTest {

    private static final long VIEWER_SSRC = 0xAABBCCDDL;
    private static final long PUBLISHER_A = 0x1111L;
    private static final long PUBLISHER_B = 0x2222L;

    private final RtpHeaderReader reader = new RtpHeaderReader();

    /** Builds a packet, runs it through the rewriter, and leaves {@link #reader} on the result. */
    private boolean forward(RtpStreamRewriter rewriter, long ssrc, int seq, long timestamp, long nowMillis) {
        byte[] packet = RtpTestPackets.simple(96, seq, timestamp, ssrc, 10);
        assertTrue(reader.reset(packet, 0, packet.length));
        boolean forwarded = rewriter.rewrite(reader, nowMillis);
        assertTrue(reader.reset(packet, 0, packet.length));
        return forwarded;
    }

    @Test
    public void rewritesSsrcSequenceAndTimestampInPlace() {
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 90_000, 100, 5_000);
        assertTrue(forward(rewriter, PUBLISHER_A, 7, 1_000_000, 0));
        assertEquals(reader.ssrc(), VIEWER_SSRC);
        assertEquals(reader.sequenceNumber(), 100);
        assertEquals(reader.timestamp(), 5_000L);
        assertEquals(reader.payloadLength(), 10);

        assertTrue(forward(rewriter, PUBLISHER_A, 8, 1_003_000, 33));
        assertEquals(reader.sequenceNumber(), 101);
        assertEquals(reader.timestamp(), 8_000L, "spacing between frames is preserved");
        assertEquals(rewriter.sourceSsrc(), PUBLISHER_A);
        assertEquals(rewriter.highestSequenceNumber(), 101);
        assertEquals(rewriter.lastTimestamp(), 8_000L);
        assertEquals(rewriter.mapTimestamp(1_006_000), 11_000L);
    }

    @Test
    public void sourceSwitchContinuesSequenceAndEstimatesTimestampFromWallClock() {
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 90_000, 100, 5_000);
        forward(rewriter, PUBLISHER_A, 7, 1_000_000, 0);
        forward(rewriter, PUBLISHER_A, 8, 1_003_000, 33);
        forward(rewriter, PUBLISHER_A, 9, 1_003_000, 40); // same frame, later packet

        // New publisher 100 ms after the last frame started: 100 ms at 90 kHz is 9000 ticks.
        assertTrue(forward(rewriter, PUBLISHER_B, 50_000, 77, 133));
        assertEquals(reader.ssrc(), VIEWER_SSRC);
        assertEquals(reader.sequenceNumber(), 103);
        assertEquals(reader.timestamp(), 8_000L + 9_000L);
        assertEquals(rewriter.sourceSsrc(), PUBLISHER_B);

        assertTrue(forward(rewriter, PUBLISHER_B, 50_001, 77 + 3_000, 166));
        assertEquals(reader.sequenceNumber(), 104);
        assertEquals(reader.timestamp(), 20_000L);
    }

    @Test
    public void switchWithoutElapsedTimeStillAdvancesTheTimestamp() {
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 48_000, 0, 0);
        forward(rewriter, PUBLISHER_A, 1, 960, 1_000);
        assertTrue(forward(rewriter, PUBLISHER_B, 1, 960, 1_000));
        assertEquals(reader.timestamp(), 1L, "a new frame never reuses the previous frame's timestamp");
        assertEquals(reader.sequenceNumber(), 1);
    }

    @Test
    public void sourceSwitchAcrossBothWraps() {
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 90_000, 65535, 0xFFFF_FFFFL - 100);
        forward(rewriter, PUBLISHER_A, 65535, 0xFFFF_FF00L, 0);
        assertEquals(reader.sequenceNumber(), 65535);
        assertTrue(forward(rewriter, PUBLISHER_A, 0, 0xFFFF_FF00L + 0x200, 10));
        assertEquals(reader.sequenceNumber(), 0);
        assertEquals(reader.timestamp(), SerialNumbers.tsAdd(0xFFFF_FFFFL - 100, 0x200));
        long before = reader.timestamp();

        assertTrue(forward(rewriter, PUBLISHER_B, 65535, 12, 20));
        assertEquals(reader.sequenceNumber(), 1);
        assertEquals(reader.timestamp(), SerialNumbers.tsAdd(before, 900));
        assertTrue(forward(rewriter, PUBLISHER_B, 0, 12 + 3000, 53));
        assertEquals(reader.sequenceNumber(), 2, "the new source wraps 65535 -> 0 too");
    }

    @Test
    public void resyncStartsANewMappingForTheSameSsrc() {
        // A simulcast layer switch that keeps the SSRC (or a publisher restart) has to be flagged explicitly.
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 90_000, 10, 0);
        forward(rewriter, PUBLISHER_A, 100, 500, 0);
        rewriter.resync();
        assertTrue(forward(rewriter, PUBLISHER_A, 9000, 123_456, 50));
        assertEquals(reader.sequenceNumber(), 11);
        assertEquals(reader.timestamp(), 4_500L);
    }

    @Test
    public void tooOldPacketsAreDroppedAndLeftUntouched() {
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 90_000, 10, 0);
        forward(rewriter, PUBLISHER_A, 100, 500, 0);
        forward(rewriter, PUBLISHER_B, 2000, 900, 10);

        byte[] late = RtpTestPackets.simple(96, 1999, 600, PUBLISHER_B, 4);
        byte[] before = late.clone();
        assertTrue(reader.reset(late, 0, late.length));
        assertFalse(rewriter.rewrite(reader, 20));
        assertEquals(late, before);
        assertEquals(rewriter.highestSequenceNumber(), 11);
    }

    @Test
    public void invalidPacketsAreRefused() {
        RtpStreamRewriter rewriter = new RtpStreamRewriter(VIEWER_SSRC, 90_000, 10, 0);
        byte[] junk = {1, 2, 3};
        reader.reset(junk, 0, junk.length);
        assertFalse(rewriter.rewrite(reader, 0));
        assertFalse(rewriter.isStarted());
    }

    @Test
    public void randomStartDrawsBothOffsetsFromTheGenerator() {
        RtpStreamRewriter rewriter = RtpStreamRewriter.withRandomStart(VIEWER_SSRC, 90_000, new SplittableRandom(42));
        SplittableRandom same = new SplittableRandom(42);
        int expectedSeq = same.nextInt(0x1_0000);
        long expectedTs = same.nextLong() & 0xFFFF_FFFFL;
        assertTrue(forward(rewriter, PUBLISHER_A, 7, 1234, 0));
        assertEquals(reader.sequenceNumber(), expectedSeq);
        assertEquals(reader.timestamp(), expectedTs);

        RtpStreamRewriter other = RtpStreamRewriter.withRandomStart(VIEWER_SSRC, 90_000, new SplittableRandom(43));
        assertTrue(forward(other, PUBLISHER_A, 7, 1234, 0));
        assertNotEquals(reader.timestamp(), expectedTs, "viewers must not share a timestamp base");
    }

    @Test
    public void rejectsANonPositiveClockRate() {
        assertThrows(IllegalArgumentException.class, () -> new RtpStreamRewriter(1, 0, 0, 0));
    }
}
