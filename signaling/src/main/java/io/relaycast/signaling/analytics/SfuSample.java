package io.relaycast.signaling.analytics;

import io.relaycast.sfu.api.PublisherStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.api.ViewerStats;

/**
 * One tick of the SFU's measurements of a live stream, as stored (source {@code sfu}): the publisher's incoming
 * media and aggregates over its viewers. Units: bit/s, packets/s, percent, milliseconds. Viewer aggregates cover
 * the viewers with media flowing ({@link ViewerStats#receiving()}); loss and RTT means cover those that reported
 * them; null when none did.
 *
 * @param viewersLow viewers on simulcast layer 0 (likewise medium 1, high 2); a stream without simulcast counts
 *                   none of its viewers here
 */
public record SfuSample(long bitrate, double packetRate, double packetLoss, double jitter, Double rtt,
                        int viewers, Long viewerBitrate, Double viewerLoss, Double viewerLossMax, Double viewerRtt,
                        int viewersLow, int viewersMedium, int viewersHigh) {

    /** The sample of {@code stream}, or null without a publisher (nothing is live to sample). */
    public static SfuSample of(StreamStats stream) {
        PublisherStats p = stream.publisher();
        if (p == null) {
            return null;
        }
        int receiving = 0;
        long bitrateSum = 0;
        double lossSum = 0;
        int lossCount = 0;
        Double lossMax = null;
        double rttSum = 0;
        int rttCount = 0;
        int[] layers = new int[3];
        for (ViewerStats v : stream.viewers()) {
            if (!v.receiving()) {
                continue;
            }
            receiving++;
            bitrateSum += v.bitrateBps();
            if (v.lossPercent() != null) {
                lossSum += v.lossPercent();
                lossCount++;
                lossMax = lossMax == null ? v.lossPercent() : Math.max(lossMax, v.lossPercent());
            }
            if (v.rttMs() != null) {
                rttSum += v.rttMs();
                rttCount++;
            }
            if (v.layer() >= 0 && v.layer() < layers.length) {
                layers[v.layer()]++;
            }
        }
        return new SfuSample(p.bitrateBps(), p.packetsPerSecond(), p.lossPercent(), p.jitterMs(), p.rttMs(),
                receiving, receiving == 0 ? null : bitrateSum / receiving,
                lossCount == 0 ? null : round2(lossSum / lossCount), lossMax,
                rttCount == 0 ? null : round2(rttSum / rttCount), layers[0], layers[1], layers[2]);
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
