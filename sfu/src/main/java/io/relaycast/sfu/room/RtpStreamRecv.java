package io.relaycast.sfu.room;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.rtcp.NtpTime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stream the publisher sends us (a track, a simulcast layer, or an RTX stream): a producer stream. It keeps
 * the receive statistics (RFC 3550 appendix A.8, {@link ReceiveStatistics}), the loss we NACK upstream
 * ({@link LossTracker}, video with NACK negotiated), the cache viewers' NACKs are answered from ({@link PacketCache},
 * video), and its rates (whole packets for the stats, payload bit/s per report interval for the layer selectors).
 *
 * <p>Written on the publisher's receive thread only (counters plain, results volatile); read by the stats, by the
 * receiver reports (under the publisher's RTCP lock) and, for the cache, by viewers' retransmissions through the
 * room ({@link Room#cachedPacket}).
 */
final class RtpStreamRecv {
    /** Retransmission cache per video source: 512 packets is about 2 s at 2 Mbit/s of 1,200-octet packets. */
    static final int CACHE_PACKETS = 512;
    static final int CACHE_PACKET_BYTES = 1500;
    static final long CACHE_MAX_AGE_MILLIS = 1000;

    final long ssrc;
    final PublishedTrack track;
    final boolean rtx;
    final int layer;
    volatile boolean forwarded;
    final ReceiveStatistics stats;
    /** Video media sources: what viewers' NACKs are answered from. */
    final PacketCache cache;
    /** Video media sources whose codec negotiated NACK: what we ask the publisher to resend. */
    final LossTracker loss;
    /** For an RTX source: the media source it repairs, found on its first packet. */
    RtpStreamRecv repairs;
    long packets;
    long octets;
    private long octetsAtLastRate;
    /** Payload bit/s over the last report interval, for the layer selectors; -1 before the first. */
    volatile long bitrate = -1;
    /** Whole-packet rates for the stats, read without a lock. */
    final RateMeter rate = new RateMeter();
    /** The fraction lost (RFC 3550 section 6.4.1, in 1/256) of our last report interval. */
    volatile int fractionLost;
    /** The latest sender report of this source (RFC 3550 section 6.4.1); 0 / -1 before the first. */
    volatile long lastSenderReportNtp;
    volatile long lastSenderReportRtp = -1;
    /** The next FIR sequence number toward this source (RFC 5104 section 4.3.1.1), guarded by the RTCP lock. */
    int firSequence;

    RtpStreamRecv(long ssrc, PublishedTrack track, boolean rtx, int layer) {
        this.ssrc = ssrc;
        this.track = track;
        this.rtx = rtx;
        this.layer = layer;
        this.stats = new ReceiveStatistics(track.primaryCodec().clockRate());
        boolean video = !rtx && track.kind() == MediaKind.VIDEO;
        this.cache = video ? new PacketCache(CACHE_PACKETS, CACHE_PACKET_BYTES, CACHE_MAX_AGE_MILLIS) : null;
        this.loss = video && track.primaryCodec().feedback().contains("nack") ? new LossTracker() : null;
    }

    boolean isVideoMedia() {
        return !rtx && track.kind() == MediaKind.VIDEO;
    }

    /** One packet of this stream arrived (before RTX unwrapping: an RTX stream counts its own packets). */
    void onPacket(int sequenceNumber, long rtpTimestamp, long nowNanos, int length, int payloadLength,
                  long nowMillis) {
        stats.onPacket(sequenceNumber, rtpTimestamp, nowNanos / 1000);
        packets++;
        octets += payloadLength;
        rate.onPacket(length, nowMillis);
    }

    /** The payload bitrate over the last {@code intervalNanos} (receiver report cadence). */
    void measureBitrate(long intervalNanos) {
        if (intervalNanos > 0) {
            bitrate = (octets - octetsAtLastRate) * 8 * 1_000_000_000L / intervalNanos;
            octetsAtLastRate = octets;
        }
    }

    void onSenderReport(long ntp, long rtp, long nowNanos) {
        stats.onSenderReport(ntp, nowNanos);
        lastSenderReportNtp = ntp;
        lastSenderReportRtp = rtp;
    }

    /** Interarrival jitter in milliseconds: RFC 3550 keeps it in timestamp units of the source's clock. */
    double jitterMillis() {
        return stats.jitter() * 1000.0 / stats.clockRate();
    }

    Map<String, Object> debugState(long nowMillis) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("ssrc", ssrc);
        d.put("kind", track.kind().media());
        d.put("rtx", rtx);
        d.put("layer", layer);
        d.put("forwarded", forwarded);
        d.put("packets", packets);
        d.put("octets", octets);
        d.put("bitrateBps", rate.bitsPerSecond(nowMillis));
        d.put("packetsPerSecond", Publisher.round2(rate.packetsPerSecond(nowMillis)));
        d.put("layerPayloadBitrateBps", bitrate);
        d.put("lost", stats.cumulativeLost());
        d.put("lossPercent", Publisher.round2(fractionLost * 100.0 / 256));
        d.put("jitterMs", Publisher.round2(jitterMillis()));
        if (loss != null) {
            d.put("nackedPackets", loss.requested());
            d.put("recoveredPackets", loss.recovered());
            d.put("givenUpPackets", loss.givenUp());
            d.put("missingNow", loss.missing());
        }
        d.put("lastSenderReport", lastSenderReportRtp < 0 ? null
                : "ntp " + NtpTime.toUnixMillis(lastSenderReportNtp) + " ms, rtp " + lastSenderReportRtp);
        return d;
    }
}
