package io.relaycast.web.media;

import io.relaycast.rtmp.media.IngestHealth;
import io.relaycast.rtmp.server.RtmpServer;
import io.relaycast.signaling.analytics.IngestSample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RTMP ingest's measurements of its encoders, for the media-stats route ({@code media.ingest}) and the analytics
 * sampler (media health rows with source {@code rtmp}). The RTMP server starts after the routes are registered, so
 * it is set here when it is up; until then, and when RTMP is off, there is nothing to report.
 */
public final class IngestHealthSource {
    private volatile RtmpServer rtmp;

    public void set(RtmpServer rtmp) {
        this.rtmp = rtmp;
    }

    /** {@code media.ingest} of the stream, or null when no RTMP encoder publishes it on this node. */
    public Map<String, Object> of(String streamId) {
        RtmpServer r = rtmp;
        IngestHealth.Reading h = r == null ? null : r.ingestHealth(streamId);
        if (h == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", "rtmp");
        m.put("bitrateBps", h.bitrateBps());
        m.put("fps", h.fps());
        m.put("keyframeIntervalMs", h.keyframeIntervalMs());
        m.put("width", h.width());
        m.put("height", h.height());
        m.put("warnings", h.warnings());
        return m;
    }

    /** One sample per RTMP-published stream on this node. */
    public Map<String, IngestSample> samples() {
        RtmpServer r = rtmp;
        if (r == null) {
            return Map.of();
        }
        Map<String, IngestSample> out = new LinkedHashMap<>();
        r.ingestHealth().forEach((id, h) -> out.put(id, new IngestSample(h.bitrateBps(), h.fps(),
                h.keyframeIntervalMs(), h.width(), h.height())));
        return out;
    }
}
