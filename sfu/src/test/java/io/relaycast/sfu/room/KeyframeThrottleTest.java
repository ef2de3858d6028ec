package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

public class KeyframeThrottleTest {
    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    public void theFirstRequestGoesOutAtOnce() {
        KeyframeThrottle t = new KeyframeThrottle(INTERVAL);
        assertEquals(t.request(-5_000 * MS), KeyframeThrottle.NOW, "any clock origin, negative nanoTime included");
        assertEquals(t.sent(), 1);
    }

    @Test
    public void manyJoinsInOneIntervalCostOneDeferredRequest() {
        KeyframeThrottle t = new KeyframeThrottle(INTERVAL);
        assertEquals(t.request(0), KeyframeThrottle.NOW);
        assertEquals(t.request(100 * MS), 400 * MS, "deferred to the end of the interval");
        for (int i = 0; i < 50; i++) {
            assertEquals(t.request((150 + i) * MS), KeyframeThrottle.COALESCED);
        }
        assertTrue(t.fire(500 * MS));
        assertFalse(t.fire(501 * MS), "one deferred request, fired once");
        assertEquals(t.requests(), 52);
        assertEquals(t.sent(), 2);
        // the interval restarts at the deferred send
        assertEquals(t.request(700 * MS), 300 * MS);
    }

    @Test
    public void aRequestAfterTheIntervalGoesOutAtOnce() {
        KeyframeThrottle t = new KeyframeThrottle(INTERVAL);
        assertEquals(t.request(0), KeyframeThrottle.NOW);
        assertEquals(t.request(500 * MS), KeyframeThrottle.NOW);
        assertEquals(t.request(1_200 * MS), KeyframeThrottle.NOW);
        assertEquals(t.sent(), 3);
    }

    @Test
    public void theIntervalMustBePositive() {
        expectThrows(IllegalArgumentException.class, () -> new KeyframeThrottle(0));
    }
}
