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
    public void untilSomethingLimitsItItFollowsTheTopLayerAsThePublisherAddsLayers() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        assertEquals(e.onReport(0, 180_000, 170_000, 1000), 180_000, "only the middle layer is sent yet");
        assertEquals(e.onReport(0, 200_000, TOP_NEED, 2000), TOP_NEED, "the top layer started");
        e.onReport(lost(0.5), 1_500_000, TOP_NEED, 3000);
        long limited = e.estimate();
        assertEquals(e.onReport(0, 500_000, 3 * TOP_NEED, 4000), limited, "after a decrease it has to grow");
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
        e.onLayerSwitch(false, 2200);
        assertEquals(e.onReport(lost(0.3), 700_000, TOP_NEED, 3000), first,
                "the report right after the switch still counts the top layer's packets queued on the link");
        long second = e.onReport(lost(0.3), 500_000, TOP_NEED, 4000);
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
    public void aRembBelowWhatTheViewerReceivesLowersTheEstimateOnlyOnceItPersists() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        e.onReport(0, 1_500_000, TOP_NEED, 1000);
        assertEquals(e.onRemb(2_200_000, 1100), TOP_NEED, "1.5 x incoming is no limit");
        assertEquals(e.onRemb(600_000, 1200), TOP_NEED, "one overuse is no narrow link yet");
        e.onLayerSwitch(false, 1200);
        e.onRemb(620_000, 4300);
        assertEquals(e.onRemb(640_000, 8000), TOP_NEED, "nor is a REMB below what we send that does not drop");
        assertEquals(e.onRemb(600_000, 8100), TOP_NEED, "one overuse is no narrow link yet");
        long t = 8100;
        for (int i = 0; i < 5; i++) {
            e.onReport(0, 1_500_000, TOP_NEED, t += 500);
            e.onRemb(600_000, t += 500);
        }
        assertEquals(e.estimate(), 600_000, "a queue that stays for " + ViewerBandwidthEstimate.REMB_PERSIST_MILLIS
                + " ms");
        assertEquals(e.decreases(), 1);
        // on the lower layer its REMB stays near 1.5 x 400 k: the estimate grows past it after the hold
        e.onLayerSwitch(false, t);
        long est = 0;
        for (int i = 0; i < 20; i++) {
            e.onRemb(620_000, t += 500);
            est = e.onReport(0, 400_000, TOP_NEED, t += 500);
        }
        assertEquals(est, TOP_NEED, "a lifted cap is found by growing, not by REMB");
    }

    @Test
    public void aPassingOveruseThatRecoversWithinTheWindowIsIgnored() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        e.onReport(0, 1_500_000, TOP_NEED, 1000);
        // Chromium after an overuse: 0.85 x incoming, then +8 %/s
        long t = 1000;
        double remb = 0.85 * 1_500_000;
        for (int i = 0; i < 6; i++) {
            e.onRemb((long) remb, t += 500);
            e.onReport(0, 1_500_000, TOP_NEED, t += 500);
            remb *= 1.08;
        }
        assertEquals(e.estimate(), TOP_NEED);
        assertEquals(e.decreases(), 0);
    }

    @Test
    public void theRembRightAfterASwitchUpIsStillTheOldLayersAndDoesNotSendTheViewerBackDown() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        long low = e.onReport(lost(0.5), 1_500_000, TOP_NEED, 1000);
        e.onLayerSwitch(false, 1500);
        long t = 1500;
        long est = low;
        while (est < TOP_NEED) {
            est = e.onReport(0, 400_000, TOP_NEED, t += 1000);
        }
        // switched up to a 1.5 Mbit/s layer: the viewer's REMB is 1.5 x 400 k and then an overuse on the keyframe
        // burst at 0.85 x what it measured, the old layer (measured: 347 kbit/s on an uncapped link)
        e.onLayerSwitch(true, t);
        e.onRemb(610_000, t + 200);
        e.onReport(0, 900_000, TOP_NEED, t + 1000);
        e.onRemb(347_000, t + 1200);
        e.onRemb(347_000, t + 2200);
        e.onReport(0, 1_500_000, TOP_NEED, t + 2000);
        e.onReport(0, 1_500_000, TOP_NEED, t + 3000);
        // then its estimate climbs 8 %/s from there, below what we send for seconds: catching up, not a queue
        long remb = 400_000;
        for (long at = t + 3200; at < t + 12_000; at += 500) {
            e.onRemb(remb, at);
            e.onReport(0, 1_500_000, TOP_NEED, at + 250);
            remb = (long) (remb * 1.04);
        }
        assertEquals(e.estimate(), TOP_NEED, "the stale REMBs did not count");
        assertEquals(e.decreases(), 1);
        assertEquals(e.probes(), 1);
        assertEquals(e.probesFailed(), 0);
    }

    @Test
    public void eachFailedProbeDoublesTheHoldUpToItsBoundAndASuccessResetsIt() {
        ViewerBandwidthEstimate e = new ViewerBandwidthEstimate();
        e.onReport(0, 1_500_000, TOP_NEED, 0);
        long t = 1000;
        e.onReport(lost(0.4), 1_500_000, TOP_NEED, t); // a cap: down, not a probe
        assertEquals(e.holdMillis(), ViewerBandwidthEstimate.HOLD_MILLIS);
        long[] waited = new long[6];
        for (int probe = 0; probe < waited.length; probe++) {
            e.onLayerSwitch(false, t);
            long decreasedAt = t;
            long heldUntil = -1;
            long before = e.estimate();
            while (e.estimate() < TOP_NEED) {
                e.onReport(0, 500_000, TOP_NEED, t += 500);
                if (heldUntil < 0 && e.estimate() > before) {
                    heldUntil = t;
                }
            }
            waited[probe] = heldUntil - decreasedAt;
            // up to the top layer; the capped link loses a quarter of it
            e.onLayerSwitch(true, t += 300);
            e.onReport(lost(0.25), 1_500_000, TOP_NEED, t += 1000);
        }
        assertEquals(e.probesFailed(), 6);
        // the holds: 2.5 s after the cap, then 5, 10, 20 s and the bound (reports every 0.5 s)
        assertTrue(waited[0] >= 2500 && waited[0] <= 3000, java.util.Arrays.toString(waited));
        assertTrue(waited[1] >= 5000 && waited[1] <= 5500, java.util.Arrays.toString(waited));
        assertTrue(waited[2] >= 10_000 && waited[2] <= 10_500, java.util.Arrays.toString(waited));
        assertTrue(waited[3] >= 20_000 && waited[3] <= 20_500, java.util.Arrays.toString(waited));
        assertTrue(waited[4] >= ViewerBandwidthEstimate.MAX_HOLD_MILLIS
                && waited[5] <= ViewerBandwidthEstimate.MAX_HOLD_MILLIS + 500, java.util.Arrays.toString(waited));
        // the cap is lifted: the next probe lasts, and the hold is back to its start
        e.onLayerSwitch(false, t);
        while (e.estimate() < TOP_NEED) {
            e.onReport(0, 500_000, TOP_NEED, t += 500);
        }
        e.onLayerSwitch(true, t);
        for (int i = 0; i < 12; i++) {
            e.onReport(0, 1_500_000, TOP_NEED, t += 500);
        }
        assertEquals(e.holdMillis(), ViewerBandwidthEstimate.HOLD_MILLIS);
        assertEquals(e.probes(), 7);
        assertEquals(e.probesFailed(), 6);
    }
}
