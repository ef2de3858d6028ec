package io.relaycast.load;

import io.relaycast.load.rtc.Histogram;

import java.util.concurrent.atomic.LongAdder;

/** Chat counts of a run and send → delivery latency (Socket.IO's event thread and the timer write them). */
final class ChatStats {
    final LongAdder sent = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder received = new LongAdder();
    private final Histogram latency = new Histogram();

    void delivered(long micros) {
        received.increment();
        synchronized (latency) {
            latency.record(micros);
        }
    }

    /** p50, p95, p99 and max in ms. */
    double[] latencyMs() {
        long[] now;
        synchronized (latency) {
            now = latency.snapshot();
        }
        return Histogram.percentilesMs(new long[now.length], now, 0.5, 0.95, 0.99);
    }

}
