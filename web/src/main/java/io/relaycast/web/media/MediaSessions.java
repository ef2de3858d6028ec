package io.relaycast.web.media;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The live WHIP/WHEP resources of this node, by resource id. Removing one gives its peer-limit ticket back. */
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
        MediaSession s = byId.remove(resourceId);
        if (s != null) {
            s.ticket().release();
        }
        return Optional.ofNullable(s);
    }

    void removePublishers(String streamId) {
        removeIf(s -> s.streamId().equals(streamId) && s.publisher());
    }

    void removeStream(String streamId) {
        removeIf(s -> s.streamId().equals(streamId));
    }

    private void removeIf(java.util.function.Predicate<MediaSession> which) {
        byId.values().removeIf(s -> {
            if (which.test(s)) {
                s.ticket().release();
                return true;
            }
            return false;
        });
    }

    int size() {
        return byId.size();
    }
}
