package io.relaycast.sfu.forward;

import io.relaycast.sfu.api.SfuMetrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Forwarding latency per worker: from the hand-off on the receive thread ({@link ForwardingWorkers#dispatch}, right
 * after SRTP unprotect and the publisher's bookkeeping) to the moment the worker has sent the packet to the last of
 * its viewers in that room, i.e. the slowest viewer of that worker. One sample per packet per worker. Each worker
 * writes only its own row (single writer: a plain add published with a release store), so recording allocates
 * nothing and takes no lock; the scrape sums the rows.
 */
final class ForwardingLatency implements SfuMetrics.LatencySource {
    private static final long[] BOUNDS = SfuMetrics.LATENCY_BOUNDS_NANOS;
    /** Buckets, +Inf, the sum; padded to whole cache lines plus one so workers' rows never share a line. */
    private static final int ROW = ((BOUNDS.length + 2 + 7) / 8 + 1) * 8;
    private static final int SUM = BOUNDS.length + 1;
    private final AtomicLongArray cells;
    private final int workers;

    ForwardingLatency(int workers) {
        this.workers = workers;
        this.cells = new AtomicLongArray(workers * ROW);
    }

    /** On worker {@code worker}'s thread only. */
    void record(int worker, long nanos) {
        int i = 0;
        while (i < BOUNDS.length && nanos > BOUNDS[i]) {
            i++;
        }
        int base = worker * ROW;
        cells.lazySet(base + i, cells.get(base + i) + 1);
        cells.lazySet(base + SUM, cells.get(base + SUM) + nanos);
    }

    @Override
    public long addTo(long[] counts) {
        long sum = 0;
        for (int w = 0; w < workers; w++) {
            int base = w * ROW;
            for (int i = 0; i <= BOUNDS.length; i++) {
                counts[i] += cells.get(base + i);
            }
            sum += cells.get(base + SUM);
        }
        return sum;
    }
}
