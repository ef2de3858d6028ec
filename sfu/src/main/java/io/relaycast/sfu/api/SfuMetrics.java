package io.relaycast.sfu.api;

import io.relaycast.sfu.forward.ForwardingThread;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The SFU's process-wide counters for {@code /metrics} (the control plane reads, the packet path writes). One hook,
 * kept apart from the rooms and transports: the packet path calls {@link #add} with a constant, which is an
 * uncontended atomic add on a row of its own for each forwarding worker ({@link ForwardingThread#currentWorker()})
 * and one shared row for every other thread (receive, ICE-TCP, DTLS, timer). No allocation, no lock, no logging.
 * Readers sum the rows ({@link #sum}); the values only grow.
 *
 * <p>Process-wide rather than per {@code Sfu}: a node runs one SFU, and Prometheus counts per process. Tests that
 * start two SFUs in one JVM see their sum.
 */
public final class SfuMetrics {
    public static final int PACKETS_IN_AUDIO = 0;
    public static final int PACKETS_IN_VIDEO = 1;
    public static final int BYTES_IN_AUDIO = 2;
    public static final int BYTES_IN_VIDEO = 3;
    public static final int PACKETS_OUT_AUDIO = 4;
    public static final int PACKETS_OUT_VIDEO = 5;
    public static final int BYTES_OUT_AUDIO = 6;
    public static final int BYTES_OUT_VIDEO = 7;
    /** Generic NACK packets from viewers (RFC 4585 section 6.2.1). */
    public static final int NACKS_RECEIVED = 8;
    /** Generic NACK packets we sent to publishers. */
    public static final int NACKS_SENT = 9;
    /** PLI/FIR from viewers. */
    public static final int KEYFRAME_REQUESTS_RECEIVED = 10;
    /** PLI/FIR we sent to publishers. */
    public static final int KEYFRAME_REQUESTS_SENT = 11;
    /** Packets resent to viewers (RTX or byte for byte). */
    public static final int RETRANSMISSIONS_SENT = 12;
    public static final int DTLS_HANDSHAKES_OK = 13;
    public static final int DTLS_HANDSHAKES_FAILED = 14;
    /** Handshakes the handshake pool refused (over its limits). */
    public static final int DTLS_HANDSHAKES_REFUSED = 15;
    /** ICE sessions that ended failed (checks failed or connect timeout). */
    public static final int ICE_FAILURES = 16;
    static final int COUNTERS = 17;

    /** Longs per row: the counters rounded up to whole 64-byte lines, plus one line so rows never share one. */
    private static final int ROW = ((COUNTERS + 7) / 8 + 1) * 8;
    /** Row 0: threads that are not forwarding workers; rows 1..MAX_WORKERS: one per worker. */
    private static final int MAX_WORKERS = 64;
    private static final AtomicLongArray CELLS = new AtomicLongArray((MAX_WORKERS + 1) * ROW);
    private static final List<LatencySource> LATENCY = new CopyOnWriteArrayList<>();

    /**
     * Bucket upper bounds of the forwarding-latency histogram, in nanoseconds (0.1 ms to 1 s; +Inf implied). The
     * packet path stays well under a millisecond when the machine is not short of CPU; the upper buckets show when
     * it is.
     */
    public static final long[] LATENCY_BOUNDS_NANOS = {
            100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
            100_000_000, 250_000_000, 1_000_000_000};

    private SfuMetrics() {
    }

    /** Adds {@code n} to counter {@code counter} (one of the constants). Allocates nothing. */
    public static void add(int counter, long n) {
        int row = ForwardingThread.currentWorker() + 1;
        if (row > MAX_WORKERS) {
            row = 0;
        }
        CELLS.getAndAdd(row * ROW + counter, n);
    }

    /** One RTP packet in from a publisher (after SRTP), {@code bytes} of RTP. */
    public static void received(boolean video, int bytes) {
        add(video ? PACKETS_IN_VIDEO : PACKETS_IN_AUDIO, 1);
        add(video ? BYTES_IN_VIDEO : BYTES_IN_AUDIO, bytes);
    }

    /** One RTP packet out to a viewer, {@code bytes} of RTP before SRTP. */
    public static void sent(boolean video, int bytes) {
        add(video ? PACKETS_OUT_VIDEO : PACKETS_OUT_AUDIO, 1);
        add(video ? BYTES_OUT_VIDEO : BYTES_OUT_AUDIO, bytes);
    }

    /** The counter's total over every thread. */
    public static long sum(int counter) {
        if (counter < 0 || counter >= COUNTERS) {
            throw new IllegalArgumentException("no counter " + counter);
        }
        long s = 0;
        for (int row = 0; row <= MAX_WORKERS; row++) {
            s += CELLS.get(row * ROW + counter);
        }
        return s;
    }

    /** A histogram of forwarding latency the forwarding workers fill (see {@code forward.ForwardingLatency}). */
    public interface LatencySource {
        /** Adds this source's bucket counts (one per bound, then +Inf) into {@code counts}; returns its sum in ns. */
        long addTo(long[] counts);
    }

    public static void register(LatencySource source) {
        LATENCY.add(source);
    }

    public static void unregister(LatencySource source) {
        LATENCY.remove(source);
    }

    /** Forwarding latency so far: the sum in nanoseconds, and per bucket (not cumulative) the counts, +Inf last. */
    public static Latency latency() {
        long[] counts = new long[LATENCY_BOUNDS_NANOS.length + 1];
        long sum = 0;
        for (LatencySource s : LATENCY) {
            sum += s.addTo(counts);
        }
        return new Latency(counts, sum);
    }

    public record Latency(long[] counts, long sumNanos) {
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }
}
