package io.relaycast.rtmp.server;

import io.relaycast.rtmp.media.IngestHealth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams RTMP connections of this server publish: one publisher per stream, claimed before the SFU is asked,
 * and the session that claimed it (its ingest health is read from here).
 */
final class PublishingStreams {
    private final Map<String, RtmpSession> streams = new ConcurrentHashMap<>();

    boolean claim(String streamId, RtmpSession session) {
        return streams.putIfAbsent(streamId, session) == null;
    }

    void release(String streamId, RtmpSession session) {
        streams.remove(streamId, session);
    }

    int size() {
        return streams.size();
    }

    /** The ingest health of the stream's RTMP publisher here, or null when it has none. */
    IngestHealth.Reading health(String streamId) {
        RtmpSession s = streams.get(streamId);
        return s == null ? null : s.health();
    }

    Iterable<String> streamIds() {
        return streams.keySet();
    }
}
