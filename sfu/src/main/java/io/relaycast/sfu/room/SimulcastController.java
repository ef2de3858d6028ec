package io.relaycast.sfu.room;

import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.rtp.Vp8DescriptorRewriter;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A viewer's simulcast: which layer it gets ({@link LayerSelector}: its {@code stream:quality} choice, else its
 * {@link ViewerBandwidthEstimate} against the layers' measured bitrates, which it reads through the room), where it
 * switches (on the target layer's keyframe, asked for through the room), and VP8 PictureID/TL0PICIDX continuity
 * across switches ({@link Vp8DescriptorRewriter}), for retransmissions too.
 *
 * <p>Guarded by the subscriber's monitor (the packet path and the viewer's RTCP); the state the stats read is
 * copied into volatile fields.
 */
final class SimulcastController {
    private final Room room;
    private final LayerSelector layers = new LayerSelector();
    private long layerRatesAtMillis;
    private final Vp8DescriptorRewriter vp8 = new Vp8DescriptorRewriter();
    /** The packet take() just let through starts a new layer. */
    private boolean layerStarts;
    /** The video being forwarded is VP8 simulcast (its retransmissions need {@link #vp8} too). */
    private boolean vp8Simulcast;
    private final ViewerBandwidthEstimate bandwidth = new ViewerBandwidthEstimate();
    private long octetsAtLastReport;
    private long lastReportAtMillis;
    /** The viewer's REMB, if it sends one; negative until then. */
    private long rembBps = -1;
    /** Video bit/s we sent between its last two receiver reports. */
    private long sentBps;
    private long layerKeyframeAskedAtMillis;
    private final LongAdder switches = new LongAdder();
    private volatile long lastEstimate = -1;
    private volatile int currentLayer = -1;
    private volatile int targetLayer = LayerSelector.MAX_LAYERS - 1;
    private volatile LayerSelector.Quality chosenQuality = LayerSelector.Quality.AUTO;

    SimulcastController(Room room) {
        this.room = room;
    }

    /**
     * Whether this packet's layer is the one this viewer gets; a switch needs nothing more here, since the
     * rewriter starts a continuous new mapping on the new layer's SSRC.
     */
    boolean take(MediaPacket packet) {
        long now = packet.receivedAtMillis();
        if (now - layerRatesAtMillis >= 1000) {
            layerRatesAtMillis = now;
            for (int l = 0; l < LayerSelector.MAX_LAYERS; l++) {
                layers.onLayerBitrate(l, room.videoLayerBitrate(l));
            }
        }
        int before = layers.current();
        int decision = layers.onPacket(packet.layer(), packet.keyframe());
        publishLayers();
        if (decision == LayerSelector.DROP) {
            if (layers.switchPending() && now - layerKeyframeAskedAtMillis >= Room.KEYFRAME_INTERVAL_MILLIS * 2) {
                layerKeyframeAskedAtMillis = now;
                room.requestKeyframe(); // the target layer's next keyframe is where we can switch
            }
            return false;
        }
        if (decision == LayerSelector.SWITCH) {
            switches.increment();
            layerStarts = true;
            // a switch up is the estimate's probe; any switch makes the viewer's REMB stale for a while
            bandwidth.onLayerSwitch(before >= 0 && layers.current() > before, now);
        }
        return true;
    }

    /** The payload of a packet being forwarded, rewritten in place (VP8 simulcast: continuous PictureID). */
    void rewritePayload(MediaPacket packet, byte[] buf, int payloadOffset, int payloadLength) {
        if (packet.layer() >= 0 && packet.codec() != null && packet.codec().codec() == ForwardedCodec.VP8) {
            vp8Simulcast = true;
            if (layerStarts) {
                vp8.restart(buf, payloadOffset, payloadLength);
            }
            vp8.rewrite(buf, payloadOffset, payloadLength, true);
        }
        layerStarts = false;
    }

    /** A retransmitted packet's payload: the same PictureID / TL0PICIDX the viewer got the first time. */
    void rewriteRetransmission(byte[] buf, int payloadOffset, int payloadLength) {
        if (vp8Simulcast) {
            vp8.rewrite(buf, payloadOffset, payloadLength, false); // only the current layer is cached
        }
    }

    /** The viewer's REMB (draft-alvestrand-rmcat-remb-03): a decrease signal only, once it persists. */
    void onRemb(long bps, long now) {
        rembBps = bps;
        bandwidth.onRemb(bps, now);
        updateEstimate();
        publishLayers();
    }

    /**
     * The viewer's fraction lost on our video stream and what we sent it since its last report ({@code octets}
     * in total so far) drive the {@link ViewerBandwidthEstimate}. Chromium reports about once a second.
     */
    void onVideoReport(int fractionLost, long octets, long now) {
        long elapsed = now - lastReportAtMillis;
        if (lastReportAtMillis == 0 || elapsed <= 0) {
            lastReportAtMillis = now;
            octetsAtLastReport = octets;
            return;
        }
        sentBps = (octets - octetsAtLastReport) * 8000 / elapsed;
        lastReportAtMillis = now;
        octetsAtLastReport = octets;
        bandwidth.onReport(fractionLost, sentBps, layers.topLayerNeed(), now);
        updateEstimate();
        publishLayers();
    }

    /** The viewer's choice of quality ({@code stream:quality}); AUTO follows its bandwidth. */
    void setQuality(LayerSelector.Quality quality) {
        layers.setQuality(quality);
        chosenQuality = quality;
        publishLayers();
    }

    /** Hands the estimate to the layer selector (before the first report: the REMB, if any). */
    private void updateEstimate() {
        long bps = bandwidth.estimate() < 0 ? rembBps : bandwidth.estimate();
        lastEstimate = bps;
        layers.onEstimate(bps);
    }

    /** Copies the selector's state into the volatile fields the stats read. */
    private void publishLayers() {
        int c = layers.current();
        int t = layers.target();
        if (c != currentLayer) {
            currentLayer = c;
        }
        if (t != targetLayer) {
            targetLayer = t;
        }
    }

    int currentLayer() {
        return currentLayer;
    }

    int targetLayer() {
        return targetLayer;
    }

    Long estimate() {
        long e = lastEstimate;
        return e < 0 ? null : e;
    }

    Map<String, Object> layerState(int current, int target) {
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("current", current);
        layer.put("target", target);
        layer.put("quality", chosenQuality.name().toLowerCase(Locale.ROOT));
        layer.put("switches", switches.sum());
        return layer;
    }

    /** Read without the viewer's monitor, which the packet path holds: a debug view may be a moment stale. */
    Map<String, Object> bandwidthState() {
        Map<String, Object> bw = new LinkedHashMap<>();
        bw.put("remb", rembBps < 0 ? null : rembBps);
        bw.put("estimate", bandwidth.estimate() < 0 ? null : bandwidth.estimate());
        bw.put("lastFractionLost", bandwidth.lastFractionLost() / 256.0);
        bw.put("decreases", bandwidth.decreases());
        bw.put("probes", bandwidth.probes());
        bw.put("probesFailed", bandwidth.probesFailed());
        bw.put("holdMs", bandwidth.holdMillis());
        bw.put("sent", sentBps);
        return bw;
    }
}
