package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class LossTrackerTest {

    private final int[] out = new int[LossTracker.CAPACITY];

    private int[] collect(LossTracker t, long now) {
        return Arrays.copyOf(out, t.collect(now, 0, out));
    }

    @Test
    public void aGapAcrossTheWrapIsRequestedAndARetransmissionClearsIt() {
        LossTracker t = new LossTracker();
        t.onPacket(65_533, 0);
        t.onPacket(65_534, 0);
        t.onPacket(1, 5); // 65535 and 0 missing
        assertEquals(t.missing(), 2);
        assertEquals(collect(t, 5), new int[] {65_535, 0});
        assertEquals(collect(t, 10), new int[0], "not again before the retry interval");
        t.onPacket(0, 12); // retransmitted
        assertEquals(t.missing(), 1);
        assertEquals(t.recovered(), 1);
        assertEquals(collect(t, 5 + LossTracker.MIN_RETRY_MILLIS), new int[] {65_535}, "retried after the interval");
        assertFalse(t.onPacket(0, 30), "a duplicate is no news");
        assertEquals(t.recovered(), 1, "a duplicate is not a recovery");
        assertFalse(t.onRepair(5), "a repair of a number never missing (or newer than any) is ignored");
        assertTrue(t.onRepair(65_535));
        assertFalse(t.onRepair(65_535), "and only once");
        assertEquals(t.missing(), 0);
        assertFalse(t.takeHopeless());
    }

    @Test
    public void givesUpAfterTheRetriesOrTheAgeAndAsksForAKeyframe() {
        LossTracker t = new LossTracker();
        t.onPacket(10, 0);
        t.onPacket(12, 0);
        long now = 0;
        for (int i = 0; i < LossTracker.MAX_REQUESTS; i++) {
            assertEquals(collect(t, now), new int[] {11}, "request " + (i + 1));
            now += LossTracker.MIN_RETRY_MILLIS;
        }
        assertEquals(collect(t, now), new int[0]);
        assertEquals(t.missing(), 0);
        assertEquals(t.givenUp(), 1);
        assertTrue(t.takeHopeless());
        assertFalse(t.takeHopeless(), "reported once");

        t.onPacket(14, 2_000);
        assertEquals(collect(t, 2_000 + LossTracker.MAX_AGE_MILLIS + 1), new int[0], "too late to be useful");
        assertTrue(t.takeHopeless());
    }

    @Test
    public void aBurstTooLargeToRepairIsHopelessAndARestartIsNotLoss() {
        LossTracker t = new LossTracker();
        t.onPacket(100, 0);
        t.onPacket(100 + LossTracker.CAPACITY + 2, 0);
        assertEquals(t.missing(), 0);
        assertTrue(t.takeHopeless());
        t.onPacket(40_000, 0); // RFC 3550 A.1: a jump past MAX_DROPOUT is a restart
        assertEquals(t.missing(), 0);
        assertFalse(t.takeHopeless());
        t.onPacket(40_001, 0);
        assertEquals(t.missing(), 0);
    }
}
