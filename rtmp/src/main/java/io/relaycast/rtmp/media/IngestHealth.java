package io.relaycast.rtmp.media;

import java.util.ArrayList;
import java.util.List;

/**
 * What an RTMP encoder sends, measured at the ingest (before the SFU): bitrate of the FLV audio and video tag bodies,
 * video frame rate, the keyframe interval, and the picture size the encoder announced in {@code onMetaData}. Rates
 * are per second of media time (FLV timestamps), over windows of at least one second closed by the next tag on the
 * event loop (the only writer), so network bursts do not read as a higher frame rate; readers on other threads see
 * the last closed window, or zero once the encoder has been quiet for {@link #QUIET_MILLIS} of wall time.
 */
public final class IngestHealth {
    public static final String KEYFRAME_INTERVAL_TOO_LONG = "KEYFRAME_INTERVAL_TOO_LONG";
    public static final String GOP_LARGER_THAN_CACHE = "GOP_LARGER_THAN_CACHE";
    static final long QUIET_MILLIS = 2500;

    /**
     * One reading.
     *
     * @param keyframeIntervalMs FLV time between the last two keyframes, null before the second one
     * @param warnings           {@link #KEYFRAME_INTERVAL_TOO_LONG}: viewers and taps that join between keyframes
     *                           wait that long, and HLS segments of the remuxed rendition are that long;
     *                           {@link #GOP_LARGER_THAN_CACHE}: the GOP cache cannot hold one group, so joiners
     *                           wait for the next keyframe
     */
    public record Reading(long bitrateBps, double fps, Long keyframeIntervalMs, Integer width, Integer height,
                          List<String> warnings) {
    }

    private final long warnAboveMillis;
    private long windowStartFlv = -1;
    private long windowBytes;
    private long windowFrames;
    private long lastKeyframeFlv = -1;
    private volatile long bitrateBps;
    private volatile double fps;
    private volatile long windowClosedAtMillis;
    private volatile long keyframeIntervalMs = -1;
    private volatile int width;
    private volatile int height;
    private volatile boolean gopTooLarge;

    /** @param warnAboveMillis a keyframe interval above this is warned about */
    public IngestHealth(long warnAboveMillis) {
        this.warnAboveMillis = warnAboveMillis;
    }

    /** One video tag body at FLV time {@code flvMillis}; {@code frame}: it carries a picture (not a header). */
    public void onVideo(int bytes, boolean frame, boolean keyframe, long flvMillis, long nowMillis) {
        if (keyframe) {
            if (lastKeyframeFlv >= 0 && flvMillis > lastKeyframeFlv) {
                keyframeIntervalMs = flvMillis - lastKeyframeFlv;
            }
            lastKeyframeFlv = flvMillis;
        }
        count(bytes, frame ? 1 : 0, flvMillis, nowMillis);
    }

    public void onAudio(int bytes, long flvMillis, long nowMillis) {
        count(bytes, 0, flvMillis, nowMillis);
    }

    /** The tag that closes a window (its time is the window's end) counts in the next one. */
    private void count(int bytes, int frames, long flvMillis, long now) {
        if (windowStartFlv < 0 || flvMillis < windowStartFlv) {
            windowStartFlv = flvMillis; // first tag, or the encoder's clock went back (a new timeline)
        }
        long elapsed = flvMillis - windowStartFlv;
        if (elapsed >= 1000) {
            bitrateBps = windowBytes * 8 * 1000 / elapsed;
            fps = Math.round(windowFrames * 1000 * 100.0 / elapsed) / 100.0;
            windowClosedAtMillis = now;
            windowStartFlv = flvMillis;
            windowBytes = 0;
            windowFrames = 0;
        }
        windowBytes += bytes;
        windowFrames += frames;
    }

    /** The picture size from the encoder's {@code onMetaData} (FLV specification E.5), when it sent one. */
    public void onMetaData(Number w, Number h) {
        if (w != null && h != null && w.intValue() > 0 && h.intValue() > 0) {
            width = w.intValue();
            height = h.intValue();
        }
    }

    public void gopTooLarge(boolean tooLarge) {
        gopTooLarge = tooLarge;
    }

    /** The last keyframe interval is above the warning threshold. */
    public boolean keyframeIntervalTooLong() {
        return keyframeIntervalMs > warnAboveMillis;
    }

    /** FLV time between the last two keyframes, -1 before the second. */
    public long lastKeyframeIntervalMillis() {
        return keyframeIntervalMs;
    }

    public Reading read(long nowMillis) {
        boolean quiet = windowClosedAtMillis == 0 || nowMillis - windowClosedAtMillis > QUIET_MILLIS;
        long interval = keyframeIntervalMs;
        List<String> warnings = new ArrayList<>(2);
        if (interval > warnAboveMillis) {
            warnings.add(KEYFRAME_INTERVAL_TOO_LONG);
        }
        if (gopTooLarge) {
            warnings.add(GOP_LARGER_THAN_CACHE);
        }
        return new Reading(quiet ? 0 : bitrateBps, quiet ? 0 : fps, interval < 0 ? null : interval,
                width > 0 ? width : null, height > 0 ? height : null, List.copyOf(warnings));
    }
}
