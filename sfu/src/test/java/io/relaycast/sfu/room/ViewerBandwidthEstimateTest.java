package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class ViewerBandwidthEstimateTest {

    private static final long TOP_NEED = 2_000_000;

    /** Fraction lost as a receiver report carries it. */
    private static int lost(double fraction) {
        return (int) Math.round(fraction * 256);
    }

    @Test
    public void startsAtWhatTheTopLayerNeeds() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        assertEquals(e.estimate(), -1);
        assertEquals(e.onReport(0, 300_000, 0, 500), -1, "no layer measured: no estimate, the best layer");
        assertEquals(e.onReport(0, 1_500_000, TOP_NEED, 1000), TOP_NEED);
    }

    @Test
    public void heavyLossDropsBelowWhatWasSentInOneReport() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 1000);
        // a 500 kbit/s link under a 1.5 Mbit/s layer: two thirds lost
        long after = e.onReport(lost(0.66), 1_500_000, TOP_NEED, 2000);
        assertEquals(after, (long) (1_500_000 * (1 - lost(0.66) / 256.0 / 2)));
        assertTrue(after < 1_500_000 * 0.85, "below what the top layer needs with headroom: " + after);
        assertEquals(e.decreases(), 1);
    }

    @Test
    public void theReportsRightAfterADecreaseDoNotCountTwiceWhileWeStillSendTheOldLayer() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 1000);
        long first = e.onReport(lost(0.5), 1_500_000, TOP_NEED, 2000);
        // the switch waits for a keyframe: still 1.5 Mbit/s sent, still lossy
        assertEquals(e.onReport(lost(0.5), 1_500_000, TOP_NEED, 3000), first);
        assertEquals(e.decreases(), 1);
    }

    @Test
    public void lossOnTheLowerLayerTooLowersItAgain() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 1000);
        long first = e.onReport(lost(0.5), 1_500_000, TOP_NEED, 2000);
        long second = e.onReport(lost(0.3), 500_000, TOP_NEED, 3000);
        assertTrue(second < 500_000, "the link is slower than the middle layer: " + first + " -> " + second);
    }

    @Test
    public void moderateLossHolds() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 1000);
        assertEquals(e.onReport(lost(0.05), 1_500_000, TOP_NEED, 2000), TOP_NEED);
        assertEquals(e.onReport(lost(0.05), 1_500_000, TOP_NEED, 12_000), TOP_NEED);
    }

    @Test
    public void growsBackAfterTheHoldAndStopsAtTheTopLayersNeed() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        long low = e.onReport(lost(0.6), 1_500_000, TOP_NEED, 1000);
        long t = 1000;
        assertEquals(e.onReport(0, 400_000, TOP_NEED, t += 1000), low, "held right after the decrease");
        assertEquals(e.onReport(0, 400_000, TOP_NEED, t += 1000), low, "still held");
        long grown = e.onReport(0, 400_000, TOP_NEED, t += 1000);
        assertTrue(grown > low, "grows once the hold is over: " + low + " -> " + grown);
        assertTrue(grown <= low * (1 + ViewerBandwidthEstimate.GROWTH_PER_SECOND) + 1, "about 12 % a second");
        for (int i = 0; i < 30; i++) {
            grown = e.onReport(0, 400_000, TOP_NEED, t += 1000);
        }
        assertEquals(grown, TOP_NEED, "no higher than the top layer needs");
    }

    @Test
    public void aLongSilenceCountsAsOneStepOfGrowthAtMost() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        long low = e.onReport(lost(0.6), 1_500_000, TOP_NEED, 1000);
        long grown = e.onReport(0, 400_000, TOP_NEED, 60_000);
        assertTrue(grown <= low + low * ViewerBandwidthEstimate.GROWTH_PER_SECOND * 2 + 1, low + " -> " + grown);
    }

    @Test
    public void aRembBelowWhatWeSendIsADecreaseAndAboveItIsIgnored() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        assertEquals(e.onRemb(2_200_000, 1_500_000, 500), TOP_NEED, "1.5 x incoming is no limit");
        assertEquals(e.onRemb(600_000, 1_500_000, 600), 600_000, "overuse at 1.5 Mbit/s");
        assertEquals(e.decreases(), 1);
        // on the lower layer its REMB stays near 1.5 x 400 k: the estimate grows past it after the hold
        long t = 600;
        long est = 0;
        for (int i = 0; i < 20; i++) {
            e.onRemb(620_000, 400_000, t += 500);
            est = e.onReport(0, 400_000, TOP_NEED, t += 500);
        }
        assertEquals(est, TOP_NEED, "a lifted cap is found by growing, not by REMB");
    }
}
