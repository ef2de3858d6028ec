package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReportBlock;
import org.testng.annotations.Test;

public class ReceiveStatisticsTest {

    @Test
    public void nothingToReportBeforeTheFirstPacket() {
        ReceiveStatistics s = new ReceiveStatistics(90_000);
        assertFalse(s.report(1, 0, new ReportBlock()));
        assertEquals(s.expected(), 0);
    }

    @Test
    public void countsCyclesAcrossTheSequenceWrap() {
        ReceiveStatistics s = new ReceiveStatistics(90_000);
        for (int i = 0; i < 10; i++) {
            s.onPacket((65_530 + i) & 0xFFFF, 3000L * i, 33_333L * i);
        }
        // highest is 3 in the second cycle: (1 << 16) | 3, RFC 3550 appendix A.3
        assertEquals(s.extendedHighestSequenceNumber(), (1L << 16) | 3);
        assertEquals(s.expected(), 10);
        assertEquals(s.cumulativeLost(), 0);
    }

    @Test
    public void lossIsCumulativeAndFractionalPerInterval() {
        ReceiveStatistics s = new ReceiveStatistics(48_000);
        ReportBlock block = new ReportBlock();
        for (int seq = 100; seq < 200; seq++) {
            if (seq % 4 != 1) { // a quarter lost (never the first: loss before it is unknowable)
                s.onPacket(seq, 960L * seq, 20_000L * seq);
            }
        }
        assertTrue(s.report(0xCAFEL, 0, block));
        assertEquals(block.ssrc(), 0xCAFEL);
        assertEquals(block.cumulativeLost(), 25);
        assertEquals(block.fractionLost(), 64, "25 of 100 lost: 0.25 * 256");
        for (int seq = 200; seq < 300; seq++) {
            s.onPacket(seq, 960L * seq, 20_000L * seq);
        }
        assertTrue(s.report(0xCAFEL, 0, block));
        assertEquals(block.fractionLost(), 0, "nothing lost in the second interval");
        assertEquals(block.cumulativeLost(), 25);
        assertEquals(block.extendedHighestSequenceNumber(), 299);
    }

    @Test
    public void duplicatesMakeLossNegativeAndReorderingIsNotLoss() {
        ReceiveStatistics s = new ReceiveStatistics(90_000);
        s.onPacket(10, 0, 0);
        s.onPacket(12, 0, 0);
        s.onPacket(11, 0, 0); // late, not lost
        assertEquals(s.cumulativeLost(), 0);
        s.onPacket(12, 0, 0);
        assertEquals(s.cumulativeLost(), -1, "RFC 3550 section 6.4.1: duplicates can make it negative");
    }

    @Test
    public void aHugeJumpRestartsTheCount() {
        ReceiveStatistics s = new ReceiveStatistics(90_000);
        s.onPacket(1000, 0, 0);
        s.onPacket(1001, 0, 0);
        s.onPacket(40_000, 0, 0);
        s.onPacket(40_001, 0, 0);
        assertEquals(s.expected(), 2);
        assertEquals(s.cumulativeLost(), 0, "a restart is not 39,000 lost packets");
    }

    @Test
    public void jitterFollowsAppendixA8() {
        ReceiveStatistics steady = new ReceiveStatistics(90_000);
        for (int i = 0; i < 100; i++) {
            steady.onPacket(i, 3000L * i, 33_333L * i + 1_000_000); // 30 fps, arrival exactly paced
        }
        assertTrue(steady.jitter() <= 1, "paced arrival has no jitter: " + steady.jitter());

        ReceiveStatistics shaky = new ReceiveStatistics(90_000);
        for (int i = 0; i < 400; i++) {
            long wobble = (i % 2 == 0) ? 0 : 10_000; // every other packet 10 ms late = 900 ticks
            shaky.onPacket(i, 3000L * i, 33_333L * i + wobble);
        }
        // |D| is 900 every packet, so J converges to 900 (J += (|D| - J) / 16)
        assertTrue(Math.abs(shaky.jitter() - 900) <= 10, "jitter " + shaky.jitter());
    }

    @Test
    public void lastSenderReportAndDelaySinceIt() {
        ReceiveStatistics s = new ReceiveStatistics(90_000);
        s.onPacket(1, 0, 0);
        long ntp = NtpTime.fromUnixMillis(1_700_000_000_000L);
        s.onSenderReport(ntp, 1_000_000_000L);
        ReportBlock block = new ReportBlock();
        s.report(7, 1_500_000_000L, block);
        assertEquals(block.lastSenderReport(), NtpTime.toCompact(ntp), "middle 32 bits of the NTP timestamp");
        assertEquals(block.delaySinceLastSenderReport(), 32_768, "0.5 s in units of 1/65536 s");
    }
}
