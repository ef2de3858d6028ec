package io.relaycast.sfu.room;

/**
 * Which simulcast layer (0 = lowest, up to 2) one viewer receives, and when it may change: a viewer moves to a
 * new layer only on a keyframe of that layer, so its decoder never gets a delta frame whose references it lacks;
 * until then the current layer keeps flowing. Sequence numbers and timestamps stay continuous across the switch
 * because the viewer's {@link io.relaycast.sfu.rtp.RtpStreamRewriter} starts a new mapping on the new SSRC.
 *
 * <p>The target follows the viewer's choice ({@link Quality}) and, in {@code AUTO}, its estimated bandwidth: the
 * highest layer whose measured bitrate fits in 85 % of the estimate (the rest is headroom for audio, RTX and
 * estimate error), never below the lowest; the layer it is on may use the whole estimate (hysteresis). A layer
 * the publisher stopped sending is not a target.
 *
 * <p>Not thread-safe: the viewer's packet path and its feedback call it under the viewer's monitor.
 */
public final class LayerSelector {

    /** The viewer's choice, as the {@code stream:quality} event carries it. */
    public enum Quality { AUTO, HIGH, MEDIUM, LOW }

    /** {@link #onPacket}: not for this viewer. */
    public static final int DROP = 0;
    /** {@link #onPacket}: forward, same layer as before. */
    public static final int FORWARD = 1;
    /** {@link #onPacket}: forward, and it is the first packet of a new layer (a keyframe). */
    public static final int SWITCH = 2;

    static final int MAX_LAYERS = 3;
    static final double HEADROOM = 0.85;
    /** A layer's measured bitrate rising takes this many seconds' measurements to count in full (roughly). */
    static final long RISE_DIVISOR = 4;

    private final long[] layerBitrate = new long[MAX_LAYERS];
    private final boolean[] active = new boolean[MAX_LAYERS];
    private Quality quality = Quality.AUTO;
    private long estimateBps = -1;
    private int current = -1;
    private int target = MAX_LAYERS - 1;
    private long switches;

    /**
     * The measured bitrate of a layer (bit/s), once a second; 0 marks it as not being sent, a negative value as
     * sent but not measured yet (taken to fit any budget). Rises are smoothed, falls are not.
     */
    public void onLayerBitrate(int layer, long bps) {
        if (layer < 0 || layer >= MAX_LAYERS) {
            return;
        }
        long prev = layerBitrate[layer];
        if (bps > prev && prev > 0 && active[layer]) {
            // a rise counts a quarter at a time: the second that holds a keyframe (and a switch asks every layer
            // for one) measured up to 1.6 x the layer's average, and moved a viewer off the layer it had just
            // reached; a fall counts at once, so a layer that got cheaper fits at once
            layerBitrate[layer] = prev + (bps - prev) / RISE_DIVISOR;
        } else {
            layerBitrate[layer] = Math.max(0, bps);
        }
        active[layer] = bps != 0;
        retarget();
    }

    /** The viewer's available bandwidth (bit/s), from its feedback; negative when unknown. */
    public void onEstimate(long bps) {
        estimateBps = bps;
        retarget();
    }

    public void setQuality(Quality q) {
        quality = q;
        retarget();
    }

    /**
     * One video packet of {@code layer}.
     *
     * @return {@link #DROP}, {@link #FORWARD} or {@link #SWITCH}
     */
    public int onPacket(int layer, boolean keyframe) {
        if (layer == current) {
            return FORWARD;
        }
        if (keyframe && (layer == target || current < 0 && layer <= target)) {
            current = layer;
            switches++;
            return SWITCH;
        }
        return DROP;
    }

    /** True when the viewer waits for a keyframe of another layer (the owner should ask the publisher for one). */
    public boolean switchPending() {
        return target != current;
    }

    public int current() {
        return current;
    }

    public int target() {
        return target;
    }

    public Quality quality() {
        return quality;
    }

    public long switches() {
        return switches;
    }

    public long estimate() {
        return estimateBps;
    }

    /**
     * The estimate the highest layer being sent needs to be chosen in AUTO (its bitrate over {@link #HEADROOM}), a
     * tenth more so that growth does not stop just short of it; 0 while no layer has a measured bitrate.
     */
    public long topLayerNeed() {
        for (int l = MAX_LAYERS - 1; l >= 0; l--) {
            if (active[l]) {
                return layerBitrate[l] <= 0 ? 0 : (long) (layerBitrate[l] / HEADROOM * 1.1);
            }
        }
        return 0;
    }

    private void retarget() {
        int highest = -1;
        for (int l = MAX_LAYERS - 1; l >= 0; l--) {
            if (active[l]) {
                highest = l;
                break;
            }
        }
        if (highest < 0) {
            target = current < 0 ? MAX_LAYERS - 1 : current; // nothing measured yet: take what comes
            return;
        }
        int wanted = switch (quality) {
            case HIGH -> highest;
            case MEDIUM -> Math.min(1, highest);
            case LOW -> 0;
            case AUTO -> byBandwidth(highest);
        };
        // the nearest layer actually sent, downwards first
        int t = wanted;
        while (t > 0 && !active[t]) {
            t--;
        }
        if (!active[t]) {
            t = highest;
        }
        target = t;
    }

    private int byBandwidth(int highest) {
        if (estimateBps < 0) {
            return highest;
        }
        long budget = (long) (estimateBps * HEADROOM);
        for (int l = highest; l > 0; l--) {
            // hysteresis: the headroom is for going up; staying needs only the estimate itself, since a layer's
            // measured second that holds a keyframe is a quarter above its average, and without this the viewer
            // bounced off a layer the estimate had just been grown to
            long fits = l == current ? estimateBps : budget;
            if (active[l] && layerBitrate[l] <= fits) {
                return l;
            }
        }
        return 0;
    }
}
