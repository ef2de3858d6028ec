package io.relaycast.signaling.ice;

import org.testng.annotations.Test;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

/** The epoch arithmetic at its boundaries (E = 300 s, ttl = 600 s unless said otherwise). */
public class TurnEpochsTest {
    private final TurnEpochs epochs = new TurnEpochs(300, 600);

    @Test
    public void epochOfIsFloorDivisionIncludingAtTheEdges() {
        assertEquals(epochs.epochOf(0), 0);
        assertEquals(epochs.epochOf(299), 0);
        assertEquals(epochs.epochOf(300), 1);
        assertEquals(epochs.epochOf(599), 1);
        assertEquals(epochs.epochOf(600), 2);
        assertEquals(epochs.epochOf(-1), -1, "floor, not truncation towards zero");
        assertEquals(epochs.epochOf(-300), -1);
        assertEquals(epochs.epochOf(-301), -2);
    }

    @Test
    public void retirementComesAfterTheEpochsLastExpiryPlusTheGrace() {
        assertEquals(epochs.retireAt(0), 300 + TurnEpochs.GRACE_SECONDS);
        assertEquals(epochs.retireAt(5), 6 * 300 + TurnEpochs.GRACE_SECONDS);
        // the last expiry of epoch 5 is 1799: still in the store a grace after it
        assertTrue(epochs.retireAt(5) > 1799 + TurnEpochs.GRACE_SECONDS - 1);
    }

    @Test
    public void firstLiveIsTheOldestEpochNotYetRetired() {
        for (long now = 1_000_000_000L - 400; now <= 1_000_000_000L + 400; now++) {
            long first = epochs.firstLive(now);
            assertTrue(epochs.retireAt(first) > now, "epoch " + first + " retired at " + now);
            assertTrue(epochs.retireAt(first - 1) <= now, "epoch " + (first - 1) + " kept at " + now);
        }
        // exactly at the retirement second the epoch goes
        long k = 3_333_333;
        assertEquals(epochs.firstLive(epochs.retireAt(k) - 1), k);
        assertEquals(epochs.firstLive(epochs.retireAt(k)), k + 1);
    }

    @Test
    public void everyExpiryTheApiCanSignWithinTheLookaheadIsLive() {
        for (long now = 1_700_000_000L - 700; now <= 1_700_000_000L + 700; now++) {
            long first = epochs.firstLive(now);
            long last = epochs.lastLive(now);
            // a credential signed now, or by the time the next two runs could have happened, for now + ttl
            for (long signedAt = now; signedAt <= now + TurnEpochs.LOOKAHEAD_SECONDS; signedAt += 10) {
                long k = epochs.epochOf(signedAt + 600);
                assertTrue(k >= first && k <= last, now + ": " + k + " not in " + first + ".." + last);
            }
            // an unexpired credential signed a while ago is live too
            assertTrue(epochs.epochOf(now) >= first);
            // and nothing beyond the lookahead
            assertEquals(last, epochs.epochOf(now + 600 + TurnEpochs.LOOKAHEAD_SECONDS));
        }
    }

    @Test
    public void farFutureExpiriesFallOutsideTheLiveEpochs() {
        long now = 1_700_000_000L;
        assertTrue(epochs.epochOf(now + 30L * 86_400) > epochs.lastLive(now));
        assertTrue(epochs.epochOf(now + 5L * 365 * 86_400) > epochs.lastLive(now));
        // the smallest expiry refused: the first second of the epoch after lastLive
        long firstRefused = (epochs.lastLive(now) + 1) * 300;
        assertTrue(firstRefused > now + 600 + TurnEpochs.LOOKAHEAD_SECONDS);
        assertTrue(firstRefused <= now + 600 + TurnEpochs.LOOKAHEAD_SECONDS + 300);
    }

    @Test
    public void liveWindowAndBoundForTheDefaults() {
        TurnEpochs hourly = new TurnEpochs(3600, 3600);
        long now = 1_700_000_000L;
        long count = hourly.lastLive(now) - hourly.firstLive(now) + 1;
        assertTrue(count >= 2 && count <= 3, "live secrets with E = ttl = 1h: " + count);
        assertEquals(hourly.maxSecondsAtCoturn(), 3600 + 3600 + TurnEpochs.LOOKAHEAD_SECONDS + TurnEpochs.GRACE_SECONDS);
        // the bound, checked against the definitions: presence starts when lastLive reaches k and ends at retireAt(k)
        long k = hourly.epochOf(now) + 1;
        long firstPresent = now;
        while (hourly.lastLive(firstPresent - 1) >= k) {
            firstPresent--;
        }
        while (hourly.lastLive(firstPresent) < k) {
            firstPresent++;
        }
        assertEquals(hourly.retireAt(k) - firstPresent, hourly.maxSecondsAtCoturn());
    }

    @Test
    public void epochsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TurnEpochs(0, 600));
        assertThrows(IllegalArgumentException.class, () -> new TurnEpochs(300, 0));
    }

    @Test
    public void epochSecretsAreHmacSha256OfTheLabel() {
        // computed independently: printf %s "relaycast-turn/300/5666666" | openssl dgst -sha256 -hmac master-secret -binary | base64
        assertEquals(EpochSecret.derive("master-secret", 300, 5_666_666), "J/4Zb2S07wXsvIe/6hw9xR5p9y2MAaAKL94ZkVDpdjw=");
        assertEquals(EpochSecret.derive("master-secret", 3600, -1), "9E9h9+DSOHG45gQGMZIzzH+xd+FEeh6qC9ti29l2PP4=");
        assertNotEquals(EpochSecret.derive("master-secret", 300, 1), EpochSecret.derive("master-secret", 300, 2));
        assertNotEquals(EpochSecret.derive("master-secret", 300, 12), EpochSecret.derive("master-secret", 3600, 12),
                "another epoch length, another secret");
        assertNotEquals(EpochSecret.derive("master-secret", 300, 1), EpochSecret.derive("other-secret", 300, 1));
    }
}
