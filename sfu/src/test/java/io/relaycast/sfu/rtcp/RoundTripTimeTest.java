package io.relaycast.sfu.rtcp;

import static org.testng.Assert.assertEquals;

import org.testng.annotations.Test;

public class RoundTripTimeTest {

    @Test
    public void rfc3550Example() {
        // RFC 3550 section 6.4.1, figure 2: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000,
        // so the round trip is 0x0006:2000 = 6.125 s.
        assertEquals(RoundTripTime.micros(0xB710_8000L, 0xB705_2000L, 0x0005_4000L), 6_125_000L);
    }

    @Test
    public void fromAReportBlock() {
        ReportBlock block = new ReportBlock().set(1, 0, 0, 0, 0, 0xB705_2000L, 0x0005_4000L);
        assertEquals(RoundTripTime.micros(block, 0xB710_8000L), 6_125_000L);
    }

    @Test
    public void worksAcrossTheWrapOfTheCompactClock() {
        long lsr = 0xFFFF_F000L;
        long dlsr = 0x0000_0800L;
        long arrival = 0x0000_1000L; // 0x2000 units after LSR, counting through the wrap
        assertEquals(RoundTripTime.micros(arrival, lsr, dlsr), NtpTime.compactToMicros(0x1800L));
    }

    @Test
    public void noSenderReportYetMeansUnknown() {
        assertEquals(RoundTripTime.micros(0xB710_8000L, 0, 0x0005_4000L), RoundTripTime.UNKNOWN);
    }

    @Test
    public void negativeResultsAreUnknown() {
        assertEquals(RoundTripTime.micros(0xB705_2000L, 0xB705_2000L, 1), RoundTripTime.UNKNOWN);
        assertEquals(RoundTripTime.micros(0xB705_2000L, 0xB705_2000L, 0), 0L);
    }

    @Test
    public void endToEndWithNtpTime() {
        long sentSr = 1_700_000_000_000L;
        long lsr = NtpTime.toCompact(NtpTime.fromUnixMillis(sentSr));
        long dlsr = NtpTime.millisToCompact(250); // the peer held the SR for 250 ms
        long arrival = NtpTime.toCompact(NtpTime.fromUnixMillis(sentSr + 250 + 40));
        long rtt = RoundTripTime.micros(arrival, lsr, dlsr);
        assertEquals(rtt / 1000.0, 40.0, 0.1);
    }
}
