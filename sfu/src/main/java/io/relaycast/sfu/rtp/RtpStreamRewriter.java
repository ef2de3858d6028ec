package io.relaycast.sfu.rtp;

import java.util.random.RandomGenerator;

/**
 * Rewrites SSRC, sequence number and timestamp of the packets forwarded to one viewer track, so that the viewer
 * sees a single continuous RTP stream whatever the SFU forwards into it.
 *
 * <p>RFC 3550 section 5.1 wants the initial sequence number and timestamp to be random, which also keeps one
 * viewer's SRTP keystream inputs unpredictable from another's; {@link #withRandomStart} does that.
 *
 * <p>On a source switch (a new source SSRC, or {@link #resync()} for a switch that keeps the SSRC) the sequence
 * continues at the last number sent plus one (see {@link SequenceNumberRewriter}), and the timestamp continues
 * from the last timestamp sent plus the wall-clock time elapsed since it was sent, converted to the clock rate:
 * the new source's timestamps have an unrelated random base, and wall-clock time is the one thing both sides
 * share. Within one source, timestamps keep their original spacing through a fixed offset.
 *
 * <p>The caller forwards only the packets of the source it has selected (a simulcast switch happens on a key
 * frame, decided by the consumer); a stray packet of another SSRC would be taken as a switch.
 * Not thread-safe: one instance per viewer track, used from that track's sending thread.
 */
public final class RtpStreamRewriter {

    private static final long MASK_32 = 0xFFFF_FFFFL;

    private final long ssrc;
    private final int clockRate;
    private final long initialTimestamp;
    private final SequenceNumberRewriter sequenceNumbers;

    private boolean started;
    private boolean resyncPending = true;
    private long sourceSsrc;
    private long timestampOffset;
    private long lastTimestamp;
    private long lastTimestampWallClockMillis;

    /**
     * @param ssrc the SSRC this viewer track is announced with
     * @param clockRate the RTP clock rate of the codec (90000 for video, 48000 for Opus)
     * @param initialSequenceNumber the first sequence number the viewer sees
     * @param initialTimestamp the first timestamp the viewer sees
     */
    public RtpStreamRewriter(long ssrc, int clockRate, int initialSequenceNumber, long initialTimestamp) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.ssrc = ssrc & MASK_32;
        this.clockRate = clockRate;
        this.initialTimestamp = initialTimestamp & MASK_32;
        this.sequenceNumbers = new SequenceNumberRewriter(initialSequenceNumber);
    }

    /** A rewriter whose first sequence number and timestamp are drawn from {@code random}. */
    public static RtpStreamRewriter withRandomStart(long ssrc, int clockRate, RandomGenerator random) {
        return new RtpStreamRewriter(ssrc, clockRate, random.nextInt(0x1_0000), random.nextLong() & MASK_32);
    }

    /**
     * Rewrites the packet in place.
     *
     * @param packet a packet that was read successfully
     * @param nowMillis the current wall-clock (or monotonic) time in milliseconds
     * @return false, leaving the bytes untouched, when the packet is invalid or too old to map
     */
    public boolean rewrite(RtpHeaderReader packet, long nowMillis) {
        if (!packet.isValid()) {
            return false;
        }
        long packetSsrc = packet.ssrc();
        long sourceTimestamp = packet.timestamp();
        if (resyncPending || packetSsrc != sourceSsrc) {
            startMapping(packetSsrc, sourceTimestamp, nowMillis);
        }
        int sequenceNumber = sequenceNumbers.rewrite(packet.sequenceNumber());
        if (sequenceNumber == SequenceNumberRewriter.DROP) {
            return false;
        }
        long timestamp = (sourceTimestamp + timestampOffset) & MASK_32;
        if (SerialNumbers.isTsNewer(timestamp, lastTimestamp)) {
            // The first packet of a frame is the one closest to its capture time.
            lastTimestamp = timestamp;
            lastTimestampWallClockMillis = nowMillis;
        }
        byte[] buf = packet.buffer();
        int off = packet.offset();
        RtpHeaderWriter.setSequenceNumber(buf, off, sequenceNumber);
        RtpHeaderWriter.setTimestamp(buf, off, timestamp);
        RtpHeaderWriter.setSsrc(buf, off, ssrc);
        return true;
    }

    private void startMapping(long newSourceSsrc, long sourceTimestamp, long nowMillis) {
        long timestamp;
        if (started) {
            long elapsedMillis = Math.max(0L, nowMillis - lastTimestampWallClockMillis);
            // At least one tick: the new source's first frame must not share a timestamp with the old one's last.
            long ticks = Math.max(1L, elapsedMillis * clockRate / 1000L);
            timestamp = SerialNumbers.tsAdd(lastTimestamp, ticks);
        } else {
            timestamp = initialTimestamp;
        }
        timestampOffset = (timestamp - sourceTimestamp) & MASK_32;
        lastTimestamp = timestamp;
        lastTimestampWallClockMillis = nowMillis;
        sourceSsrc = newSourceSsrc;
        sequenceNumbers.resync();
        started = true;
        resyncPending = false;
    }

    /** Makes the next packet start a new mapping even if its SSRC is the current source's. */
    public void resync() {
        resyncPending = true;
    }

    /**
     * The current source's sequence number behind the viewer's {@code viewerSequenceNumber}, or
     * {@link SequenceNumberRewriter#DROP} when that number was not sent from the current source.
     */
    public int sourceSequenceNumber(int viewerSequenceNumber) {
        return sequenceNumbers.sourceSequenceNumber(viewerSequenceNumber);
    }

    /** Maps a source timestamp of the current source (for example from its sender report) to the viewer's. */
    public long mapTimestamp(long sourceTimestamp) {
        return (sourceTimestamp + timestampOffset) & MASK_32;
    }

    public long ssrc() {
        return ssrc;
    }

    public int clockRate() {
        return clockRate;
    }

    /** The SSRC whose packets are currently mapped; meaningful once {@link #isStarted()}. */
    public long sourceSsrc() {
        return sourceSsrc;
    }

    public boolean isStarted() {
        return started;
    }

    /** The highest sequence number sent to the viewer so far. */
    public int highestSequenceNumber() {
        return sequenceNumbers.highestSequenceNumber();
    }

    /** The newest timestamp sent to the viewer so far. */
    public long lastTimestamp() {
        return lastTimestamp;
    }
}
