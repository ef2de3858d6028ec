package io.relaycast.rtmp.media;

import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.ingest.LocalOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One RTMP publication into the SFU: FLV video tags (AVC) become RTP H.264 (no re-encoding), FLV audio tags (AAC)
 * become Opus through ffmpeg, and sender reports (RFC 3550 section 6.4.1) map both RTP clocks to one wall clock so
 * viewers keep audio and video in sync. Both RTP clocks derive from the FLV timestamps: 90 kHz for video
 * (decoding time + composition offset, E.4.3.1 of the FLV specification), 48 kHz for Opus.
 *
 * <p>Called on the connection's event loop; the audio transcoder's threads call the publication too, which
 * serialises them.
 */
public final class IngestPublication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestPublication.class);
    private static final long SR_INTERVAL_MILLIS = 1000;
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L; // 1900 to 1970 (RFC 5905 section 6)

    /** Why a tag was not used: the connection decides whether that ends the publication. */
    public enum TagResult { OK, IGNORED, UNSUPPORTED_CODEC }

    private final LocalPublication publication;
    private final long videoSsrc;
    private final long audioSsrc;
    private final long videoBase = ThreadLocalRandom.current().nextLong(0x1_0000_0000L);
    private final long audioBase = ThreadLocalRandom.current().nextLong(0x1_0000_0000L);
    private final H264Packetizer video;
    private final AacToOpus audio;
    private final byte[] rtcp = new byte[64];
    private final AtomicBoolean keyframeRequestLogged = new AtomicBoolean();
    private volatile Runnable onKeyframeRequest;
    private volatile boolean keyframeAsked;
    private long wallBaseMillis = Long.MIN_VALUE;
    private long lastReportFlvMillis = Long.MIN_VALUE;
    private long lastFlvMillis;
    private long videoFrames;
    private long keyframes;
    private long malformedTags;

    /** The SSRCs to describe in the offer are chosen by {@link #offer}; pass the same values here. */
    public IngestPublication(LocalPublication publication, long videoSsrc, long audioSsrc, RtmpConfig config,
                             String name) {
        this.publication = publication;
        this.videoSsrc = videoSsrc;
        this.audioSsrc = audioSsrc;
        this.video = new H264Packetizer(videoSsrc, LocalOffer.H264_PAYLOAD_TYPE, publication::sendRtp);
        this.audio = new AacToOpus(config.ffmpeg(), config.opusKbps(), config.audioQueueFrames(), audioSsrc,
                LocalOffer.OPUS_PAYLOAD_TYPE, publication::sendRtp, flv -> audioBase + flv * 48, name);
        publication.onKeyframeRequest(() -> {
            if (keyframeRequestLogged.compareAndSet(false, true)) {
                LOG.info("RTMP {}: a viewer or tap asked for a keyframe; RTMP has no way to ask the encoder: the"
                        + " first joiner gets the GOP cache, later ones the encoder's next keyframe", name);
            }
            keyframeAsked = true;
            Runnable listener = onKeyframeRequest;
            if (listener != null) {
                listener.run();
            }
        });
    }

    /**
     * {@code listener} runs (on an SFU thread: hand work off) when a viewer or tap asks for a keyframe, and at once
     * if one already asked since this publication was opened.
     */
    public void onKeyframeRequest(Runnable listener) {
        onKeyframeRequest = listener;
        if (keyframeAsked) {
            listener.run();
        }
    }

    public static long randomSsrc() {
        return 1 + ThreadLocalRandom.current().nextLong(0xFFFF_FFFEL);
    }

    public boolean isOpen() {
        return publication.isOpen();
    }

    /** An FLV video tag body (FLV specification E.4.3.1) at FLV time {@code flvMillis}. */
    public TagResult onVideo(byte[] tag, long flvMillis) {
        if (tag.length < 5) {
            malformedTags++;
            return TagResult.IGNORED;
        }
        if ((tag[0] & 0x80) != 0 || (tag[0] & 0x0F) != 7) {
            return TagResult.UNSUPPORTED_CODEC; // enhanced RTMP (HEVC, AV1) or a pre-AVC codec
        }
        clock(flvMillis);
        int cts = ((tag[2] << 16) | ((tag[3] & 0xFF) << 8) | (tag[4] & 0xFF)); // SI24: tag[2] carries the sign
        switch (tag[1]) {
            case 0 -> {
                AvcDecoderConfiguration c = AvcDecoderConfiguration.parse(tag, 5, tag.length - 5);
                if (c == null) {
                    malformedTags++;
                    return TagResult.IGNORED;
                }
                if (video.configuration() == null) {
                    LOG.info("RTMP H.264 source profile-level-id {}, NAL length {}", c.profileLevelId(),
                            c.nalLengthSize());
                }
                video.configure(c);
            }
            case 1 -> {
                long ts = (videoBase + (flvMillis + cts) * 90) & 0xFFFF_FFFFL;
                if (!video.sendAccessUnit(tag, 5, tag.length - 5, ts)) {
                    malformedTags++;
                    return TagResult.IGNORED;
                }
                videoFrames++;
                if ((tag[0] & 0xF0) == 0x10) {
                    keyframes++;
                }
            }
            default -> {
                return TagResult.IGNORED; // end of sequence
            }
        }
        maybeReport(flvMillis);
        return TagResult.OK;
    }

    /** An FLV audio tag body (FLV specification E.4.2.1). */
    public TagResult onAudio(byte[] tag, long flvMillis) throws IOException {
        if (tag.length < 2) {
            malformedTags++;
            return TagResult.IGNORED;
        }
        if (((tag[0] & 0xF0) >>> 4) != 10) {
            return TagResult.UNSUPPORTED_CODEC; // only AAC (sound format 10)
        }
        clock(flvMillis);
        if (tag[1] == 0) {
            if (!audio.configure(tag, 2, tag.length - 2)) {
                return TagResult.UNSUPPORTED_CODEC;
            }
        } else {
            audio.onFrame(tag, 2, tag.length - 2, flvMillis);
        }
        maybeReport(flvMillis);
        return TagResult.OK;
    }

    private void clock(long flvMillis) {
        if (wallBaseMillis == Long.MIN_VALUE) {
            wallBaseMillis = System.currentTimeMillis() - flvMillis;
        }
        lastFlvMillis = flvMillis;
    }

    /** Sender reports for both tracks, once a second of media time. */
    private void maybeReport(long flvMillis) {
        if (lastReportFlvMillis != Long.MIN_VALUE && flvMillis - lastReportFlvMillis < SR_INTERVAL_MILLIS) {
            return;
        }
        lastReportFlvMillis = flvMillis;
        long wall = wallBaseMillis + flvMillis;
        if (video.packets() > 0) {
            int len = senderReport(rtcp, videoSsrc, wall, (videoBase + flvMillis * 90) & 0xFFFF_FFFFL,
                    video.packets(), video.octets());
            publication.sendRtcp(rtcp, 0, len);
        }
        if (audio.packetsOut() > 0) {
            int len = senderReport(rtcp, audioSsrc, wall, (audioBase + flvMillis * 48) & 0xFFFF_FFFFL,
                    audio.packetsOut(), 0);
            publication.sendRtcp(rtcp, 0, len);
        }
    }

    /** RFC 3550 section 6.4.1: an SR without report blocks, 28 octets. */
    static int senderReport(byte[] b, long ssrc, long wallMillis, long rtpTimestamp, long packets, long octets) {
        long seconds = wallMillis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
        long fraction = ((wallMillis % 1000) << 32) / 1000;
        b[0] = (byte) 0x80;
        b[1] = (byte) 200;
        b[2] = 0;
        b[3] = 6;
        put32(b, 4, ssrc);
        put32(b, 8, seconds);
        put32(b, 12, fraction);
        put32(b, 16, rtpTimestamp);
        put32(b, 20, packets);
        put32(b, 24, octets);
        return 28;
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public java.util.Map<String, Object> stats() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("videoFrames", videoFrames);
        m.put("keyframes", keyframes);
        m.put("videoPackets", video.packets());
        m.put("audioPackets", audio.packetsOut());
        m.put("audioFramesDropped", audio.framesDropped());
        m.put("malformedTags", malformedTags);
        m.put("lastFlvMillis", lastFlvMillis);
        return m;
    }

    @Override
    public void close() {
        audio.close();
        publication.close();
    }
}
