package io.relaycast.rtmp.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The streams RTMP connections of this server publish: one publisher per stream, claimed before the SFU is asked. */
final class PublishingStreams {
    private final Set<String> streams = ConcurrentHashMap.newKeySet();

    boolean claim(String streamId) {
        return streams.add(streamId);
    }

    void release(String streamId) {
        streams.remove(streamId);
    }

    int size() {
        return streams.size();
    }
}
