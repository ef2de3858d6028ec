package io.relaycast.sfu.rtcp;

import static org.testng.Assert.assertEquals;

import java.time.Instant;
import org.testng.annotations.Test;

public class NtpTimeTest {

    @Test
    public void unixEpochIsNtpSecond2208988800() {
        assertEquals(NtpTime.fromUnixMillis(0), 2_208_988_800L << 32);
        assertEquals(NtpTime.toUnixMillis(2_208_988_800L << 32), 0L);
    }

    @Test
    public void halfASecondIsHalfTheFraction() {
        assertEquals(NtpTime.fromUnixMillis(500) & 0xFFFF_FFFFL, 0x8000_0000L);
        assertEquals(NtpTime.fromUnixMillis(1_250) >>> 32, 2_208_988_801L);
        assertEquals(NtpTime.fromUnixMillis(1_250) & 0xFFFF_FFFFL, 0x4000_0000L);
    }

    @Test
    public void millisecondsRoundTrip() {
        long[] times = {
            0, 1, 999, 1_000, Instant.parse("1995-11-10T11:33:25.125Z").toEpochMilli(),
            Instant.parse("2025-06-01T12:00:00.001Z").toEpochMilli(),
            Instant.parse("2036-02-07T06:28:15.999Z").toEpochMilli(),
        };
        for (long millis : times) {
            assertEquals(NtpTime.toUnixMillis(NtpTime.fromUnixMillis(millis)), millis, "at " + millis);
        }
        for (long millis = 1_700_000_000_000L; millis < 1_700_000_005_000L; millis += 7) {
            assertEquals(NtpTime.toUnixMillis(NtpTime.fromUnixMillis(millis)), millis);
        }
    }

    @Test
    public void era1AfterThe2036RolloverStillConverts() {
        long rollover = Instant.parse("2036-02-07T06:28:16Z").toEpochMilli();
        assertEquals(NtpTime.fromUnixMillis(rollover) >>> 32, 0L, "NTP seconds wrap to zero");
        long later = Instant.parse("2040-01-01T00:00:00.250Z").toEpochMilli();
        assertEquals(NtpTime.toUnixMillis(NtpTime.fromUnixMillis(later)), later);
    }

    @Test
    public void compactFormIsTheMiddle32Bits() {
        assertEquals(NtpTime.toCompact(0xE123456789ABCDEFL), 0x456789ABL);
        assertEquals(NtpTime.toCompact(0xFFFF_FFFF_FFFF_FFFFL), 0xFFFF_FFFFL);
    }

    @Test
    public void durationsInSixtyFiveThousandthsOfASecond() {
        assertEquals(NtpTime.millisToCompact(1_000), 0x1_0000L);
        assertEquals(NtpTime.millisToCompact(5_250), 0x5_4000L);
        assertEquals(NtpTime.millisToCompact(-5), 0L);
        assertEquals(NtpTime.millisToCompact(Long.MAX_VALUE / 65536), 0xFFFF_FFFFL);
        assertEquals(NtpTime.compactToMicros(0x1_0000L), 1_000_000L);
        assertEquals(NtpTime.compactToMicros(0x6_2000L), 6_125_000L);
    }
}
