package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.LayerSelector.DROP;
import static io.relaycast.sfu.room.LayerSelector.FORWARD;
import static io.relaycast.sfu.room.LayerSelector.SWITCH;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class LayerSelectorTest {

    private static LayerSelector threeLayers() {
        LayerSelector s = new LayerSelector();
        s.onLayerBitrate(0, 150_000);
        s.onLayerBitrate(1, 500_000);
        s.onLayerBitrate(2, 1_500_000);
        return s;
    }

    @Test
    public void startsOnTheFirstKeyframeAtOrBelowTheTarget() {
        LayerSelector s = threeLayers();
        assertEquals(s.target(), 2, "no estimate yet: the best layer");
        assertEquals(s.onPacket(2, false), DROP, "a delta frame cannot start a picture");
        assertEquals(s.onPacket(1, true), SWITCH, "any keyframe up to the target starts the stream");
        assertEquals(s.onPacket(1, false), FORWARD);
        assertEquals(s.onPacket(0, true), DROP, "other layers are dropped");
        assertTrue(s.switchPending(), "still heading for layer 2");
        assertEquals(s.onPacket(2, false), DROP, "not on a delta frame");
        assertEquals(s.onPacket(1, false), FORWARD, "the current layer flows until then");
        assertEquals(s.onPacket(2, true), SWITCH, "switches on the target's keyframe");
        assertEquals(s.onPacket(1, false), DROP);
        assertFalse(s.switchPending());
        assertEquals(s.switches(), 2);
    }

    @Test
    public void followsTheEstimateDownAndBackUp() {
        LayerSelector s = threeLayers();
        s.onPacket(2, true);
        s.onEstimate(400_000); // capped: 85 % is 340 kbit/s, only layer 0 fits
        assertEquals(s.target(), 0);
        assertEquals(s.onPacket(2, false), FORWARD, "keeps the old layer until the new one's keyframe");
        assertEquals(s.onPacket(0, true), SWITCH);
        assertEquals(s.current(), 0);
        s.onEstimate(700_000); // 595 kbit/s: layer 1
        assertEquals(s.target(), 1);
        s.onEstimate(5_000_000); // lifted
        assertEquals(s.target(), 2);
        assertEquals(s.onPacket(1, true), DROP, "the target is 2 now, not 1");
        assertEquals(s.onPacket(2, true), SWITCH);
        s.onEstimate(10_000);
        assertEquals(s.target(), 0, "never below the lowest layer");
    }

    @Test
    public void theViewersChoiceOverridesTheEstimateAndSkipsPausedLayers() {
        LayerSelector s = threeLayers();
        s.onEstimate(10_000_000);
        s.setQuality(LayerSelector.Quality.LOW);
        assertEquals(s.target(), 0);
        s.setQuality(LayerSelector.Quality.MEDIUM);
        assertEquals(s.target(), 1);
        s.onLayerBitrate(1, 0); // the publisher paused the middle layer
        assertEquals(s.target(), 0, "the nearest layer below that is sent");
        s.setQuality(LayerSelector.Quality.HIGH);
        assertEquals(s.target(), 2);
        s.onLayerBitrate(2, 0);
        assertEquals(s.target(), 0, "the best layer still sent");
        s.setQuality(LayerSelector.Quality.AUTO);
        s.onLayerBitrate(2, 1_500_000);
        assertEquals(s.target(), 2);
    }

    @Test
    public void theTopLayersNeedIsItsBitrateOverTheHeadroomAndATenthMore() {
        LayerSelector s = threeLayers();
        assertEquals(s.topLayerNeed(), (long) (1_500_000 / LayerSelector.HEADROOM * 1.1));
        s.onEstimate(s.topLayerNeed());
        assertEquals(s.target(), 2, "an estimate at the need picks the top layer");
        s.onLayerBitrate(2, 0);
        assertEquals(s.topLayerNeed(), (long) (500_000 / LayerSelector.HEADROOM * 1.1), "layer 2 stopped");
        assertEquals(new LayerSelector().topLayerNeed(), 0, "nothing measured");
    }

    @Test
    public void theHeadroomIsForGoingUpTheLayerItIsOnMayUseTheWholeEstimate() {
        LayerSelector s = threeLayers();
        s.onEstimate(1_800_000); // 85 %: 1.53 Mbit/s, layer 2 fits
        assertEquals(s.onPacket(2, true), SWITCH);
        s.onEstimate(1_600_000);
        assertEquals(s.target(), 2, "stays: 1.5 Mbit/s is within the estimate, though not within 85 % of it");
        s.onEstimate(1_400_000);
        assertEquals(s.target(), 1, "leaves a layer above the estimate itself");
        assertEquals(s.onPacket(1, true), SWITCH);
        s.onEstimate(1_600_000);
        assertEquals(s.target(), 1, "and comes back only within 85 % of it");
    }

    @Test
    public void aLayersRiseCountsAQuarterAtATimeAndItsFallAtOnce() {
        LayerSelector s = threeLayers();
        s.onEstimate(1_800_000);
        assertEquals(s.onPacket(2, true), SWITCH);
        s.onLayerBitrate(2, 2_700_000); // the second with the switch's keyframe in it
        assertEquals(s.target(), 2, "1.5 M + 1.2 M / 4 = 1.8 M: still within the estimate");
        s.onLayerBitrate(2, 1_000_000);
        s.onEstimate(1_200_000);
        assertEquals(s.target(), 2, "a fall counts at once: 1 M fits 85 % of 1.2 M");
        s.onLayerBitrate(2, 0);
        assertEquals(s.target(), 1, "stopped");
        s.onLayerBitrate(2, 3_000_000);
        assertEquals(s.target(), 1, "restarted: its first measurement counts in full");
    }
}
