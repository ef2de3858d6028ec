package io.relaycast.signaling.webhook;

import org.testng.annotations.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** The shipped backoff (relaycast.conf defaults): fast first retries, hours apart later, at least 24 h in all. */
public class RetryScheduleTest {
    private static final RetrySchedule SHIPPED = new RetrySchedule(Duration.ofSeconds(5), 6, Duration.ofHours(6), 0.2,
            Duration.ofHours(24));

    @Test
    public void firstRetriesComeQuicklyAndLaterOnesHoursApart() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            assertTrue(SHIPPED.delayMillis(1, random) <= 10_000, "first retry within about 10 s");
            long second = SHIPPED.delayMillis(1, random) + SHIPPED.delayMillis(2, random);
            assertTrue(second <= 60_000, "second retry within about a minute of the first attempt: " + second);
            long late = SHIPPED.delayMillis(8, random);
            assertTrue(late >= Duration.ofHours(6).toMillis() * 0.8 && late <= Duration.ofHours(6).toMillis() * 1.2, "capped: " + late);
        }
    }

    @Test
    public void jitterSpreadsRetriesAroundTheExponentialValue() {
        SplittableRandom random = new SplittableRandom(11);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long d = SHIPPED.delayMillis(3, random);
            assertTrue(d >= 180_000 * 0.8 && d <= 180_000 * 1.2, "5 s x 6^2 = 3 min +-20 %: " + d);
            seen.add(d);
        }
        assertTrue(seen.size() > 100, "jitter varies the delay");
    }

    @Test
    public void aFailingDeliveryIsRetriedForAtLeast24Hours() {
        SplittableRandom random = new SplittableRandom(3);
        long created = 0;
        long at = 0;
        int attempts = 1;
        while (!SHIPPED.givesUp(created, at)) {
            at += SHIPPED.delayMillis(attempts, random);
            attempts++;
        }
        assertTrue(at >= Duration.ofHours(24).toMillis(), "last attempt at " + Duration.ofMillis(at));
        assertTrue(at < Duration.ofHours(32).toMillis(), "and not much longer: " + Duration.ofMillis(at));
        assertTrue(attempts >= 8 && attempts <= 14, "attempts: " + attempts);
        assertFalse(SHIPPED.givesUp(0, Duration.ofHours(23).toMillis()));
        assertEquals(SHIPPED.givesUp(0, Duration.ofHours(24).toMillis()), true);
    }
}
