package io.relaycast.web.media;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The live WHIP/WHEP resources of this node, by resource id. */
final class MediaSessions {
    private final ConcurrentHashMap<String, MediaSession> byId = new ConcurrentHashMap<>();

    void add(MediaSession s) {
        byId.put(s.resourceId(), s);
    }

    Optional<MediaSession> find(String streamId, String resourceId) {
        MediaSession s = byId.get(resourceId);
        return s != null && s.streamId().equals(streamId) ? Optional.of(s) : Optional.empty();
    }

    Optional<MediaSession> findByPeer(String peerId) {
        return byId.values().stream().filter(s -> s.peerId().equals(peerId)).findFirst();
    }

    Optional<MediaSession> remove(String resourceId) {
        return Optional.ofNullable(byId.remove(resourceId));
    }

    void removePublishers(String streamId) {
        byId.values().removeIf(s -> s.streamId().equals(streamId) && s.publisher());
    }

    void removeStream(String streamId) {
        byId.values().removeIf(s -> s.streamId().equals(streamId));
    }

    int size() {
        return byId.size();
    }
}
