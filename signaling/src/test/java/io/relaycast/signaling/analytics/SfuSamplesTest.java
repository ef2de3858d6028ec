package io.relaycast.signaling.analytics;

import static io.relaycast.signaling.testing.Services.titled;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.api.PublisherStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.testing.OnBothEngines;
import io.relaycast.signaling.testing.Services;
import java.util.List;
import java.util.Map;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

/** The SFU's samples: aggregated over the viewers, stored beside the clients' and read back per minute and source. */
public class SfuSamplesTest extends OnBothEngines {

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public SfuSamplesTest(String engine) {
        super(engine);
    }

    private static ViewerStats viewer(boolean receiving, long bps, Double loss, Double rtt, int layer) {
        return new ViewerStats("v", receiving, bps, 90, loss, 0, 3.0, rtt, 1, 2, 3, layer, layer);
    }

    private static final PublisherStats PUBLISHER =
            new PublisherStats("p", 2_000_000, 200.5, 12, 1.95, 4.5, null, 7, 6, 2);

    @Test
    public void viewerAggregatesCoverTheViewersWithMediaAndThoseThatReported() {
        SfuSample s = SfuSample.of(new StreamStats("x", PUBLISHER, List.of(
                viewer(true, 1_000_000, 1.0, 20.0, 2),
                viewer(true, 500_000, 4.0, null, 0), // no RTT yet
                viewer(true, 600_000, null, null, 2), // no receiver report yet
                viewer(false, 0, 50.0, 900.0, -1)))); // not connected: counts nowhere
        assertEquals(s.bitrate(), 2_000_000);
        assertEquals(s.packetRate(), 200.5);
        assertEquals(s.packetLoss(), 1.95);
        assertEquals(s.jitter(), 4.5);
        assertNull(s.rtt());
        assertEquals(s.viewers(), 3);
        assertEquals(s.viewerBitrate(), Long.valueOf(700_000));
        assertEquals(s.viewerLoss(), 2.5, "mean of the two that reported");
        assertEquals(s.viewerLossMax(), 4.0);
        assertEquals(s.viewerRtt(), 20.0);
        assertEquals(List.of(s.viewersLow(), s.viewersMedium(), s.viewersHigh()), List.of(1, 0, 2));
        assertNull(SfuSample.of(new StreamStats("x", null, List.of())), "no publisher: nothing live to sample");
        SfuSample alone = SfuSample.of(new StreamStats("x", PUBLISHER, List.of()));
        assertEquals(alone.viewers(), 0);
        assertNull(alone.viewerBitrate());
        assertNull(alone.viewerLoss());
    }

    @Test
    public void storedForLiveStreamsOnlyAndShownPerMinuteBesideTheClientSamples() {
        Principal owner = Services.user("owner");
        s.clock.advance(60_000 - s.clock.millis() % 60_000);
        String id = s.streams.create(owner, titled("sampled")).stream().id();
        SfuSample sample = SfuSample.of(new StreamStats(id, PUBLISHER, List.of(viewer(true, 1_000_000, 1.0, 20.0, 2))));
        assertFalse(s.analytics.recordSfuSample(id, sample), "not live yet");
        s.streams.start(owner, id);
        assertTrue(s.analytics.recordSfuSample(id, sample));
        s.clock.advance(5_000);
        assertTrue(s.analytics.recordSfuSample(id, SfuSample.of(new StreamStats(id, PUBLISHER,
                List.of(viewer(true, 3_000_000, 3.0, 40.0, 0), viewer(true, 1_000_000, 9.0, 60.0, 2))))));
        s.analytics.recordSample(id, owner.userId(), "publisher", new MediaSample(1_000_000L, 30.0, 1280, 720, 0.5, 40.0));

        List<Map<String, Object>> health = s.analytics.forOwner(owner, id).mediaHealth();
        assertEquals(health.size(), 2, "one minute, two sources: " + health);
        Map<String, Object> client = health.get(0);
        Map<String, Object> sfu = health.get(1);
        assertEquals(client.get("source"), "client");
        assertEquals(client.get("fps"), 30.0);
        assertNull(client.get("viewers"));
        assertEquals(sfu.get("source"), "sfu");
        assertEquals(sfu.get("samples"), 2L);
        assertEquals(sfu.get("bitrate"), 2_000_000.0);
        assertEquals(sfu.get("packetRate"), 200.5);
        assertEquals(sfu.get("jitter"), 4.5);
        assertNull(sfu.get("fps"), "the SFU does not decode");
        assertEquals(sfu.get("viewers"), 1.5, "1 then 2");
        assertEquals(sfu.get("viewerBitrate"), 1_500_000.0, "1M, then 2M");
        assertEquals(sfu.get("viewerLoss"), 3.5, "1, then (3 + 9) / 2");
        assertEquals(sfu.get("viewerLossMax"), 9.0);
        assertEquals(sfu.get("viewerRtt"), 35.0, "20, then 50");
        assertEquals(sfu.get("viewersHigh"), 1.0);
        assertEquals(sfu.get("viewersLow"), 0.5);

        s.streams.end(owner, id);
        assertFalse(s.analytics.recordSfuSample(id, sample), "ended");
    }
}
