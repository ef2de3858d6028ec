package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RoundTripTime;

/**
 * When our last few sender reports toward one viewer went out, to turn the viewer's report block into a round-trip
 * time (RFC 3550 section 6.4.1: RTT = A - LSR - DLSR); the publisher's side uses it for the receiver reference
 * times it sends (RFC 3611 section 4.4), whose DLRR answers work the same way. The NTP time in those SRs is the publisher's, relayed
 * unchanged so the viewer can line audio up with video, so A cannot be read off our own wall clock: the SR whose
 * compact NTP time equals LSR is looked up here, and A is LSR plus the time since that SR left, on our monotonic
 * clock. Both a clock offset to the publisher and our own clock steps drop out.
 *
 * <p>Not thread-safe: the viewer's sender and RTCP paths call it under the viewer's monitor. Allocation-free.
 */
final class SentReportTimes {

    /** SRs go out about once a second per stream; a viewer's RR names one of the last few. */
    static final int KEPT = 8;

    private final long[] compactNtp = new long[KEPT];
    private final long[] sentNanos = new long[KEPT];
    private int next;
    private int count;

    /** A sender report with NTP timestamp {@code ntpTimestamp} (the full 64 bits) left at {@code nowNanos}. */
    void sent(long ntpTimestamp, long nowNanos) {
        compactNtp[next] = NtpTime.toCompact(ntpTimestamp);
        sentNanos[next] = nowNanos;
        next = (next + 1) % KEPT;
        count = Math.min(KEPT, count + 1);
    }

    /**
     * @return the round trip in microseconds that {@code block} (arrived at {@code arrivalNanos}) implies, or
     *     {@link RoundTripTime#UNKNOWN} when it names no SR of ours (LSR 0: none received yet; or one older than
     *     {@link #KEPT} reports) or the result is negative
     */
    long roundTripMicros(ReportBlock block, long arrivalNanos) {
        return roundTripMicros(block.lastSenderReport(), block.delaySinceLastSenderReport(), arrivalNanos);
    }

    /**
     * The same for any echo of our NTP time: LSR/DLSR of a report block, or LRR/DLRR of an RFC 3611 DLRR block
     * answering our receiver reference time (section 4.5), both compact NTP and 1/65536 s.
     */
    long roundTripMicros(long lsr, long dlsr, long arrivalNanos) {
        for (int i = 0; i < count; i++) {
            int at = Math.floorMod(next - 1 - i, KEPT); // newest first: LSR repeats only across 18-hour wraps
            if (compactNtp[at] == lsr && lsr != 0) {
                // the time since that SR left, in the 1/65536 s units of LSR and DLSR
                long sinceSent = Math.max(0, arrivalNanos - sentNanos[at]) * 65_536L / 1_000_000_000L;
                return RoundTripTime.micros((lsr + sinceSent) & 0xFFFF_FFFFL, lsr, dlsr);
            }
        }
        return RoundTripTime.UNKNOWN;
    }
}
