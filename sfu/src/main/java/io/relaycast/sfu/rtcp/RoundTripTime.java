package io.relaycast.sfu.rtcp;

/**
 * Round-trip time from a report block's LSR and DLSR (RFC 3550 section 6.4.1): when a report block arrives at
 * (compact NTP) time A, the round trip is {@code A - LSR - DLSR}, all in 1/65536 s units, modulo 2^32.
 */
public final class RoundTripTime {

    /** Returned when no RTT can be computed. */
    public static final long UNKNOWN = -1;
    private static final long MASK_32 = 0xFFFF_FFFFL;

    private RoundTripTime() {
    }

    /**
     * @param arrivalCompactNtp when the report arrived, as compact NTP ({@link NtpTime#toCompact})
     * @param lastSenderReport the block's LSR; 0 means the peer has not received a sender report yet
     * @param delaySinceLastSenderReport the block's DLSR
     * @return the RTT in microseconds, or {@link #UNKNOWN} without an LSR or when the result is negative
     *     (a report computed against another clock, or a forged one)
     */
    public static long micros(long arrivalCompactNtp, long lastSenderReport, long delaySinceLastSenderReport) {
        if ((lastSenderReport & MASK_32) == 0) {
            return UNKNOWN;
        }
        long rtt = (arrivalCompactNtp - lastSenderReport - delaySinceLastSenderReport) & MASK_32;
        if (rtt >= 0x8000_0000L) {
            return UNKNOWN;
        }
        return NtpTime.compactToMicros(rtt);
    }

    /** The RTT in microseconds that {@code block} implies, or {@link #UNKNOWN}. */
    public static long micros(ReportBlock block, long arrivalCompactNtp) {
        return micros(arrivalCompactNtp, block.lastSenderReport(), block.delaySinceLastSenderReport());
    }
}
