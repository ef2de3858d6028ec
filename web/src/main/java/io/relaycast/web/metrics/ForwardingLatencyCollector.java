package io.relaycast.web.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.relaycast.sfu.api.SfuMetrics;

/**
 * {@code relaycast_sfu_forwarding_latency_seconds}: a classic Prometheus histogram made from the buckets the SFU's
 * forwarding workers fill themselves ({@link SfuMetrics#latency()}). Micrometer's own timers would put their
 * recording (and its time-window rotation) on the packet path; these buckets cost the workers one array add.
 */
final class ForwardingLatencyCollector implements Collector {
    static final String NAME = "relaycast_sfu_forwarding_latency_seconds";
    private static final double[] BOUNDS;

    static {
        long[] nanos = SfuMetrics.LATENCY_BOUNDS_NANOS;
        BOUNDS = new double[nanos.length + 1];
        for (int i = 0; i < nanos.length; i++) {
            BOUNDS[i] = nanos[i] / 1e9;
        }
        BOUNDS[nanos.length] = Double.POSITIVE_INFINITY;
    }

    @Override
    public MetricSnapshot collect() {
        SfuMetrics.Latency l = SfuMetrics.latency();
        return HistogramSnapshot.builder()
                .name(NAME)
                .help("SFU forwarding latency: publisher packet handed to the forwarding workers until sent to the"
                        + " last viewer of each worker (one sample per packet per worker)")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, l.counts()))
                        .sum(l.sumNanos() / 1e9)
                        .build())
                .build();
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }
}
