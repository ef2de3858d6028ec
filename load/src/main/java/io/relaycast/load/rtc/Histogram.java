package io.relaycast.load.rtc;

/** Latency counts in 10 µs buckets up to 2 s (and one overflow bucket); written by one thread, read after. */
public final class Histogram {
    private static final int BUCKET_MICROS = 10;
    private final long[] counts = new long[200_001];
    private long max;

    public void record(long micros) {
        int b = (int) Math.min(counts.length - 1, Math.max(0, micros / BUCKET_MICROS));
        counts[b]++;
        if (micros > max) {
            max = micros;
        }
    }

    public synchronized long[] snapshot() {
        return counts.clone();
    }

    public long max() {
        return max;
    }

    /** Percentiles (0..1) in ms of the counts added between two snapshots. */
    public static double[] percentilesMs(long[] before, long[] after, double... ps) {
        long total = 0;
        long[] d = new long[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
            total += d[i];
        }
        double[] out = new double[ps.length + 1];
        for (int k = 0; k < ps.length; k++) {
            long rank = (long) Math.ceil(ps[k] * total);
            long seen = 0;
            for (int i = 0; i < d.length; i++) {
                seen += d[i];
                if (seen >= rank && rank > 0) {
                    out[k] = (i + 0.5) * BUCKET_MICROS / 1000.0;
                    break;
                }
            }
        }
        int last = -1;
        for (int i = d.length - 1; i >= 0; i--) {
            if (d[i] > 0) {
                last = i;
                break;
            }
        }
        out[ps.length] = last < 0 ? 0 : (last + 1) * BUCKET_MICROS / 1000.0;
        return out;
    }
}
