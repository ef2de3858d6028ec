package io.relaycast.rtmp.server;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Keys to stream ids, and the streams started and ended, as the stream service would see them. */
final class TestGate implements PublishGate {
    final Map<String, String> keys = new ConcurrentHashMap<>();
    final Set<String> live = ConcurrentHashMap.newKeySet();
    final Set<String> ended = ConcurrentHashMap.newKeySet();

    @Override
    public String authorize(String streamKey) throws PublishRefused {
        String id = keys.get(streamKey);
        if (id == null) {
            throw new PublishRefused(PublishRefused.UNAUTHORIZED, "unknown stream key");
        }
        return id;
    }

    @Override
    public void started(String streamId) {
        live.add(streamId);
    }

    @Override
    public void ended(String streamId) {
        live.remove(streamId);
        ended.add(streamId);
    }
}
