package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtp.SerialNumbers;

/**
 * Reception statistics of one incoming RTP source, as an RTCP receiver report block needs them (RFC 3550 section
 * 6.4.1, computed as in appendix A.1, A.3 and A.8): extended highest sequence number, cumulative and fractional
 * loss, interarrival jitter, and the last sender report's time for the sender's round-trip computation.
 *
 * <p>Updated on the receive thread for every packet and read on the same thread when the report goes out; not
 * thread-safe. Allocation-free.
 */
public final class ReceiveStatistics {

    /** RFC 3550 appendix A.1: a jump larger than this is a restart of the sequence, not loss. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 section 6.4.1: cumulative loss is a signed 24-bit field. */
    private static final long MAX_LOST = 0x7F_FFFF;
    private static final long MIN_LOST = -0x80_0000;

    private final int clockRate;
    private boolean started;
    private long baseExtended;
    private long highestExtended;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    /** Interarrival jitter in timestamp units, times 16 (the integer form of appendix A.8). */
    private long jitterTimes16;
    private boolean hasTransit;
    private long lastTransit;
    private long lastSenderReportCompact;
    private long lastSenderReportArrivalNanos;
    private boolean hasSenderReport;

    public ReceiveStatistics(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive");
        }
        this.clockRate = clockRate;
    }

    /**
     * One received packet.
     *
     * @param arrivalMicros arrival time on any monotonic clock, in microseconds
     */
    public void onPacket(int sequenceNumber, long rtpTimestamp, long arrivalMicros) {
        int seq = sequenceNumber & 0xFFFF;
        if (!started) {
            started = true;
            baseExtended = 0x1_0000L + seq;
            highestExtended = baseExtended;
        } else {
            int delta = SerialNumbers.seqDiff(seq, (int) (highestExtended & 0xFFFF));
            if (delta > MAX_DROPOUT || delta < -MAX_DROPOUT) {
                // A.1: the source restarted its sequence (or is badly broken): count from here afresh
                baseExtended = highestExtended - (highestExtended & 0xFFFF) + 0x1_0000L + seq;
                highestExtended = baseExtended;
                received = 0;
                expectedPrior = 0;
                receivedPrior = 0;
            } else if (delta > 0) {
                highestExtended += delta;
            }
        }
        received++;
        // A.8: transit = arrival - timestamp, both in timestamp units; J += (|D| - J) / 16
        long arrival = arrivalMicros * clockRate / 1_000_000L;
        long transit = arrival - (rtpTimestamp & 0xFFFF_FFFFL);
        if (hasTransit) {
            long d = Math.abs(transit - lastTransit);
            // a jump of more than 10 s is a new timestamp base (or padding with arbitrary timestamps), not jitter
            if (d <= 10L * clockRate) {
                jitterTimes16 += d - ((jitterTimes16 + 8) >> 4);
            }
        }
        lastTransit = transit;
        hasTransit = true;
    }

    /** The source's sender report arrived (for LSR and DLSR, RFC 3550 section 6.4.1). */
    public void onSenderReport(long ntpTimestamp, long arrivalNanos) {
        lastSenderReportCompact = NtpTime.toCompact(ntpTimestamp);
        lastSenderReportArrivalNanos = arrivalNanos;
        hasSenderReport = true;
    }

    /** The RTP clock rate (Hz) jitter is measured in. */
    public int clockRate() {
        return clockRate;
    }

    public boolean hasPackets() {
        return started;
    }

    public long received() {
        return received;
    }

    /** Cycles in the upper 16 bits, highest sequence number in the lower (RFC 3550 appendix A.3). */
    public long extendedHighestSequenceNumber() {
        return (highestExtended - 0x1_0000L) & 0xFFFF_FFFFL;
    }

    public long expected() {
        return started ? highestExtended - baseExtended + 1 : 0;
    }

    /** Cumulative packets lost, clamped to the 24-bit field; negative with duplicates (RFC 3550 section 6.4.1). */
    public int cumulativeLost() {
        long lost = expected() - received;
        return (int) Math.max(MIN_LOST, Math.min(MAX_LOST, lost));
    }

    /** Interarrival jitter in timestamp units. */
    public long jitter() {
        return jitterTimes16 >> 4;
    }

    /**
     * Fills a report block for {@code ssrc} and starts the next reporting interval (the fraction lost is per
     * interval, appendix A.3).
     *
     * @return false when nothing was received yet (no block to send)
     */
    public boolean report(long ssrc, long nowNanos, ReportBlock into) {
        if (!started) {
            return false;
        }
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long lsr = 0;
        long dlsr = 0;
        if (hasSenderReport) {
            lsr = lastSenderReportCompact;
            // delay since the last SR in units of 1/65536 s
            dlsr = Math.max(0, nowNanos - lastSenderReportArrivalNanos) * 65_536L / 1_000_000_000L;
        }
        into.set(ssrc, Math.min(255, fraction), cumulativeLost(), extendedHighestSequenceNumber(), jitter(), lsr, dlsr);
        return true;
    }
}
