package io.relaycast.signaling.analytics;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.signaling.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every {@link AnalyticsConfig#sfuSampleIntervalMillis()}, takes the media plane's stats of each stream with a
 * publisher on this node ({@link MediaPlane#streamStats()}: volatile and counter reads, no lock the SFU's packet
 * path takes) and stores one {@link SfuSample} per stream through {@link AnalyticsService}. Runs on its own daemon
 * thread so a slow database never delays signaling or media.
 */
public final class SfuStatsSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SfuStatsSampler.class);

    private final MediaPlane media;
    private final AnalyticsService analytics;
    private final ScheduledExecutorService timer;
    private volatile Supplier<Map<String, IngestSample>> ingest = Map::of;
    private volatile boolean failureLogged;

    private SfuStatsSampler(MediaPlane media, AnalyticsService analytics, ScheduledExecutorService timer) {
        this.media = media;
        this.analytics = analytics;
        this.timer = timer;
    }

    /**
     * Also stores, on each tick, the samples an ingest takes of its encoders (RTMP: by stream id, source {@code
     * rtmp}); the supplier runs on the sampler's thread and must not block on media.
     */
    public void sampleIngest(Supplier<Map<String, IngestSample>> samples) {
        this.ingest = samples;
    }

    /** Starts sampling; with an interval of 0 returns a sampler that does nothing. */
    public static SfuStatsSampler start(MediaPlane media, AnalyticsService analytics, AnalyticsConfig config) {
        if (config.sfuSampleIntervalMillis() <= 0) {
            return new SfuStatsSampler(media, analytics, null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sfu-stats-sampler");
            t.setDaemon(true);
            return t;
        });
        SfuStatsSampler sampler = new SfuStatsSampler(media, analytics, timer);
        long interval = config.sfuSampleIntervalMillis();
        timer.scheduleWithFixedDelay(sampler::sampleSafely, interval, interval, TimeUnit.MILLISECONDS);
        return sampler;
    }

    private void sampleSafely() {
        try {
            sampleOnce();
        } catch (RuntimeException e) {
            // a database outage must not end the schedule; say so once, not every tick
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("storing SFU stats failed; further failures are not logged", e);
            }
        }
    }

    /** One tick: a sample per stream with a publisher, and one per ingested stream; returns how many were stored. */
    public int sampleOnce() {
        int stored = 0;
        for (StreamStats stream : media.streamStats()) {
            SfuSample sample = SfuSample.of(stream);
            if (sample == null) {
                continue;
            }
            try {
                if (analytics.recordSfuSample(stream.streamId(), sample)) {
                    stored++;
                }
            } catch (ServiceException e) {
                // the stream was deleted between the SFU's snapshot and now: nothing to attach the sample to
            }
        }
        for (Map.Entry<String, IngestSample> e : ingest.get().entrySet()) {
            try {
                if (analytics.recordIngestSample(e.getKey(), "rtmp", e.getValue())) {
                    stored++;
                }
            } catch (ServiceException ex) {
                // deleted meanwhile, as above
            }
        }
        return stored;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
