package io.relaycast.sfu.room;

/**
 * Bit rate and packet rate of one packet stream over the last whole window of at least {@link #WINDOW_MILLIS},
 * for the stats. The writer counts each packet (one thread at a time: the caller's packet path serializes its
 * calls); a window closes on the first packet after its end and publishes its rates in volatile fields, so a reader
 * (a debug request, the analytics sampler) never takes a lock the packet path takes. A stream that stopped reads
 * as 0 once {@link #STALE_MILLIS} passed without a window closing. Allocation-free.
 *
 * <p>Bits are of whole RTP packets (header and payload) as the SFU handles them in clear: without the SRTP tag and
 * the UDP/IP headers, the same measure as WebRTC's {@code bytesSent + headerBytesSent}.
 */
public final class RateMeter {

    static final long WINDOW_MILLIS = 1000;
    static final long STALE_MILLIS = 2 * WINDOW_MILLIS + 500;

    private long windowStartMillis = Long.MIN_VALUE;
    private long windowOctets;
    private long windowPackets;
    private volatile long bitsPerSecond;
    private volatile double packetsPerSecond;
    private volatile long windowEndMillis = Long.MIN_VALUE;

    /**
     * One packet of {@code octets} at {@code nowMillis} (wall clock, the same clock the readers pass in).
     * A window that closes after a silence averages over the whole silence: the rate of what really flowed.
     */
    public void onPacket(int octets, long nowMillis) {
        if (windowStartMillis == Long.MIN_VALUE) {
            windowStartMillis = nowMillis;
        }
        long elapsed = nowMillis - windowStartMillis;
        if (elapsed >= WINDOW_MILLIS) {
            bitsPerSecond = windowOctets * 8_000L / elapsed;
            packetsPerSecond = windowPackets * 1000.0 / elapsed;
            windowEndMillis = nowMillis;
            windowStartMillis = nowMillis;
            windowOctets = 0;
            windowPackets = 0;
        }
        windowOctets += octets;
        windowPackets++;
    }

    /** Bit/s over the last closed window; 0 before the first or when the stream went quiet. */
    public long bitsPerSecond(long nowMillis) {
        return fresh(nowMillis) ? bitsPerSecond : 0;
    }

    /** Packets/s over the last closed window; 0 before the first or when the stream went quiet. */
    public double packetsPerSecond(long nowMillis) {
        return fresh(nowMillis) ? packetsPerSecond : 0;
    }

    private boolean fresh(long nowMillis) {
        long end = windowEndMillis;
        return end != Long.MIN_VALUE && nowMillis - end <= STALE_MILLIS;
    }
}
