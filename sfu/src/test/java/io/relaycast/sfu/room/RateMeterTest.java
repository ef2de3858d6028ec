package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;

import org.testng.annotations.Test;

public class RateMeterTest {

    @Test
    public void aWindowClosesOnTheFirstPacketAfterItsEndAndAveragesOverItsLength() {
        RateMeter m = new RateMeter();
        long t0 = 1_000_000L;
        // 50 packets of 1,200 octets, 20 ms apart: 60,000 octets in the first 1,000 ms
        for (int i = 0; i < 50; i++) {
            m.onPacket(1200, t0 + 20L * i);
        }
        assertEquals(m.bitsPerSecond(t0 + 990), 0, "no window closed yet");
        m.onPacket(1200, t0 + 1000);
        assertEquals(m.bitsPerSecond(t0 + 1000), 480_000, "60,000 octets * 8 / 1 s");
        assertEquals(m.packetsPerSecond(t0 + 1000), 50.0);
        // a packet 1.5 s later closes a 1.5 s window holding one packet
        m.onPacket(1200, t0 + 2500);
        assertEquals(m.bitsPerSecond(t0 + 2500), 1200 * 8 * 1000 / 1500);
        assertEquals(m.packetsPerSecond(t0 + 2500), 1000.0 / 1500, 1e-9);
    }

    @Test
    public void aStreamThatStoppedReadsAsZero() {
        RateMeter m = new RateMeter();
        m.onPacket(100, 0);
        m.onPacket(100, 1000);
        assertEquals(m.bitsPerSecond(1000 + RateMeter.STALE_MILLIS), 800);
        assertEquals(m.bitsPerSecond(1001 + RateMeter.STALE_MILLIS), 0, "nothing for more than two windows");
        assertEquals(m.packetsPerSecond(1001 + RateMeter.STALE_MILLIS), 0.0);
    }
}
