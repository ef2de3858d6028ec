package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.amf.Amf0;
import io.relaycast.rtmp.chunk.RtmpMessage;
import io.relaycast.rtmp.chunk.RtmpProtocolException;
import io.relaycast.rtmp.media.AvcDecoderConfiguration;
import io.relaycast.rtmp.media.GopCache;
import io.relaycast.rtmp.media.IngestHealth;
import io.relaycast.rtmp.media.IngestPublication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where one connection's FLV audio and video go, by phase of its publication:
 * <ol>
 * <li>key accepted, waiting for the AVC configuration: held (bounded); the configuration starts the publication;</li>
 * <li>the SFU publication starting: held, replayed once it is up;</li>
 * <li>up, nobody has asked for a keyframe yet: kept in the {@link GopCache} and not forwarded, so the first viewer
 * or tap to join (each asks for a keyframe when it is ready) gets the last keyframe and what followed it at once
 * instead of waiting for the encoder's next one (RTMP cannot ask the encoder);</li>
 * <li>then forwarded as it comes.</li>
 * </ol>
 * Only the first joiner is served from the cache: replaying it later would repeat video to consumers that already
 * have it, and the SFU's per-viewer sequence mapping drops packets older than a viewer's first (decision 241).
 * Every tag is measured ({@link IngestHealth}) whatever the phase. Runs on the connection's event loop.
 */
final class PublicationMedia {
    /** Media messages held while the publication starts: a few seconds of an encoder's output. */
    static final int MAX_HELD = 512;

    /** What the session does about media events. */
    interface Events {
        /** The AVC sequence header arrived while waiting for it: start the SFU publication. */
        void configured(AvcDecoderConfiguration avc);

        /** The encoder sends video that is not H.264 (FLV codec id {@code codecId}). */
        void unsupportedVideo(int codecId);

        /** The SFU ended the publication (stream ended, or another publisher took over). */
        void stoppedBySfu();

        /** Audio that is not AAC: video goes on without it; reported once. */
        void unsupportedAudio();

        /** The encoder's keyframe interval is above the warning threshold; reported once per publication. */
        void keyframeIntervalTooLong(long intervalMillis);
    }

    private enum Phase { IDLE, AWAITING_CONFIGURATION, STARTING, CACHING, FORWARDING, ENDED }

    private final Events events;
    private final GopCache cache;
    private final boolean caching;
    private final long groupMaxBytes;
    private final long groupMaxMillis;
    private final IngestHealth health;
    private final List<RtmpMessage> held = new ArrayList<>();
    private Phase phase = Phase.IDLE;
    private IngestPublication publication;
    private boolean consumerAsked;
    private boolean reportedUnsupportedAudio;
    private long heldDropped;
    private long groupBytes;
    private long groupStartFlv = -1;
    private long replayedTags;
    private boolean reportedKeyframeInterval;

    PublicationMedia(RtmpConfig config, Events events) {
        this.events = events;
        this.groupMaxBytes = config.gopCacheMaxBytes();
        this.groupMaxMillis = config.gopCacheMaxDuration().toMillis();
        this.caching = groupMaxBytes > 0;
        this.cache = new GopCache(groupMaxBytes, groupMaxMillis);
        this.health = new IngestHealth(config.keyframeIntervalWarning().toMillis());
    }

    IngestHealth health() {
        return health;
    }

    /** The key was accepted: hold media until the AVC configuration arrives. */
    void awaitConfiguration() {
        phase = Phase.AWAITING_CONFIGURATION;
    }

    /** One audio or video message. */
    void onMedia(RtmpMessage m) throws IOException {
        boolean video = m.typeId() == RtmpMessage.VIDEO;
        measure(video, m.payload(), m.timestamp());
        switch (phase) {
            case IDLE, ENDED -> {
                // before the key is accepted, or after the end: nothing to do with it
            }
            case AWAITING_CONFIGURATION -> {
                AvcDecoderConfiguration avc = video ? avcConfiguration(m.payload()) : null;
                hold(m);
                if (avc != null) {
                    phase = Phase.STARTING;
                    events.configured(avc);
                }
            }
            case STARTING -> hold(m);
            case CACHING -> {
                if (!publication.isOpen()) {
                    events.stoppedBySfu();
                    return;
                }
                cache.add(video, m.payload(), m.timestamp());
            }
            case FORWARDING -> forward(video, m.payload(), m.timestamp());
        }
    }

    /** {@code @setDataFrame onMetaData} (FLV specification E.5): the picture size the encoder announces. */
    void onData(RtmpMessage m) {
        try {
            List<Object> values = Amf0.readAll(m.payload());
            for (Object v : values) {
                if (v instanceof Map<?, ?> meta && meta.get("width") instanceof Number w
                        && meta.get("height") instanceof Number h) {
                    health.onMetaData(w, h);
                }
            }
        } catch (RtmpProtocolException e) {
            // metadata is informative only: a malformed one is not a reason to end the publication
        }
    }

    private void measure(boolean video, byte[] p, long flvMillis) {
        long now = System.currentTimeMillis();
        if (!video) {
            health.onAudio(p.length, flvMillis, now);
            return;
        }
        boolean keyframe = GopCache.isKeyframe(p);
        boolean frame = p.length > 1 && p[1] == 1;
        if (keyframe && caching) {
            if (groupStartFlv >= 0) {
                health.gopTooLarge(groupBytes > groupMaxBytes || flvMillis - groupStartFlv > groupMaxMillis);
            }
            groupStartFlv = flvMillis;
            groupBytes = 0;
        }
        groupBytes += p.length;
        health.onVideo(p.length, frame, keyframe, flvMillis, now);
        if (keyframe && !reportedKeyframeInterval && phase != Phase.IDLE
                && health.keyframeIntervalTooLong()) {
            reportedKeyframeInterval = true;
            events.keyframeIntervalTooLong(health.lastKeyframeIntervalMillis());
        }
    }

    private static AvcDecoderConfiguration avcConfiguration(byte[] p) {
        if (p.length > 5 && (p[0] & 0x8F) == 7 && p[1] == 0) {
            return AvcDecoderConfiguration.parse(p, 5, p.length - 5);
        }
        return null;
    }

    private void hold(RtmpMessage m) {
        if (held.size() < MAX_HELD) {
            held.add(m);
        } else {
            heldDropped++;
        }
    }

    /**
     * The SFU publication is up: what was held goes into the GOP cache (or out, when a consumer already asked or the
     * cache is off).
     */
    void started(IngestPublication ingest) throws IOException {
        publication = ingest;
        phase = caching && !consumerAsked ? Phase.CACHING : Phase.FORWARDING;
        List<RtmpMessage> queued = new ArrayList<>(held);
        held.clear();
        for (RtmpMessage m : queued) {
            boolean video = m.typeId() == RtmpMessage.VIDEO;
            if (phase == Phase.CACHING) {
                cache.add(video, m.payload(), m.timestamp());
            } else if (!forward(video, m.payload(), m.timestamp())) {
                return;
            }
        }
    }

    /**
     * A viewer or tap asked for a keyframe (on the event loop). The first time: the cached group goes out, then media
     * is forwarded as it comes. Later requests cannot be answered (see the class comment).
     */
    void consumerAsked() throws IOException {
        consumerAsked = true;
        if (phase != Phase.CACHING) {
            return;
        }
        phase = Phase.FORWARDING;
        for (GopCache.Tag t : cache.drain()) {
            replayedTags++;
            if (!forward(t.video(), t.payload(), t.flvMillis())) {
                return;
            }
        }
    }

    /** False when the publication ended because of this tag or before it. */
    private boolean forward(boolean video, byte[] payload, long flvMillis) throws IOException {
        if (!publication.isOpen()) {
            events.stoppedBySfu();
            return false;
        }
        if (video) {
            if (publication.onVideo(payload, flvMillis) == IngestPublication.TagResult.UNSUPPORTED_CODEC) {
                events.unsupportedVideo(payload.length > 0 ? payload[0] & 0x0F : -1);
                return false;
            }
        } else if (publication.onAudio(payload, flvMillis) == IngestPublication.TagResult.UNSUPPORTED_CODEC
                && !reportedUnsupportedAudio) {
            reportedUnsupportedAudio = true;
            events.unsupportedAudio();
        }
        return true;
    }

    /** No more media: the held messages and the cache are let go. */
    void end() {
        phase = Phase.ENDED;
        held.clear();
        cache.drain();
    }

    /** For the end-of-publication log line. */
    Map<String, Object> stats() {
        return Map.of("heldDropped", heldDropped, "replayedFromGopCache", replayedTags,
                "gopsLargerThanCache", cache.groupsTooLarge());
    }
}
