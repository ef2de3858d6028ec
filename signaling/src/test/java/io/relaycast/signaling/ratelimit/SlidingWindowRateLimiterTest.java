package io.relaycast.signaling.ratelimit;

import io.relaycast.signaling.testing.TestClock;
import org.testng.annotations.Test;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

public class SlidingWindowRateLimiterTest {

    @Test
    public void allowsLimitPerWindowAndSaysHowLongToWait() {
        TestClock clock = new TestClock(1_000_000);
        SlidingWindowRateLimiter l = new SlidingWindowRateLimiter(3, 10_000, clock);
        assertEquals(l.tryAcquire("k"), 0);
        clock.advance(1_000);
        assertEquals(l.tryAcquire("k"), 0);
        assertEquals(l.tryAcquire("k"), 0);
        long wait = l.tryAcquire("k");
        assertEquals(wait, 9_000, "the first event leaves the window 9 s from now");
        assertEquals(l.tryAcquire("other"), 0, "keys are independent");
        clock.advance(9_000);
        assertEquals(l.tryAcquire("k"), 0);
        assertTrue(l.tryAcquire("k") > 0);
    }
}
