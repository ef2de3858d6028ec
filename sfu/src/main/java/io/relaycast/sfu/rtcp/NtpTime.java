package io.relaycast.sfu.rtcp;

/**
 * NTP timestamps as RTCP uses them (RFC 3550 section 4): 64 bits, seconds since 1900-01-01 in the high word and
 * a binary fraction of a second in the low word. Sender reports carry the full form; report blocks carry the
 * "compact" middle 32 bits (16.16 fixed point seconds) as LSR, and DLSR in the same 1/65536 s units.
 */
public final class NtpTime {

    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    public static final long UNIX_EPOCH_OFFSET_SECONDS = 2_208_988_800L;
    private static final long MASK_32 = 0xFFFF_FFFFL;

    private NtpTime() {
    }

    /** The 64-bit NTP timestamp of a Unix time in milliseconds. After 2036 the seconds wrap into era 1. */
    public static long fromUnixMillis(long unixMillis) {
        long seconds = Math.floorDiv(unixMillis, 1000L) + UNIX_EPOCH_OFFSET_SECONDS;
        long fraction = (Math.floorMod(unixMillis, 1000L) << 32) / 1000L;
        return (seconds << 32) | fraction;
    }

    /**
     * The Unix time in milliseconds (rounded) of a 64-bit NTP timestamp. Following RFC 4330 section 3, seconds
     * with the top bit clear are read as era 1 (from 2036-02-07), which keeps the conversion right until 2104.
     */
    public static long toUnixMillis(long ntpTimestamp) {
        long seconds = ntpTimestamp >>> 32;
        if (seconds < 0x8000_0000L) {
            seconds += 1L << 32;
        }
        long fraction = ntpTimestamp & MASK_32;
        return (seconds - UNIX_EPOCH_OFFSET_SECONDS) * 1000L + ((fraction * 1000L + (1L << 31)) >>> 32);
    }

    /** The middle 32 bits of a 64-bit NTP timestamp: the LSR form of RFC 3550 section 6.4.1. */
    public static long toCompact(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & MASK_32;
    }

    /** A duration in milliseconds in 1/65536 s units, as DLSR wants it; negative durations give 0. */
    public static long millisToCompact(long millis) {
        return millis <= 0 ? 0 : Math.min(MASK_32, (millis << 16) / 1000L);
    }

    /** A duration in 1/65536 s units in microseconds. */
    public static long compactToMicros(long compact) {
        return (compact & MASK_32) * 1_000_000L >>> 16;
    }
}
