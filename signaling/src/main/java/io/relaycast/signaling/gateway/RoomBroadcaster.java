package io.relaycast.signaling.gateway;

import io.relaycast.signaling.chat.ChatListener;
import io.relaycast.signaling.chat.Comment;
import io.relaycast.signaling.featured.FeaturedItem;
import io.relaycast.signaling.reaction.Reaction;
import io.relaycast.signaling.reaction.ReactionListener;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamLifecycleListener;
import io.relaycast.sfu.api.MediaPlane;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns stored changes into room events, whichever door the change came through (REST or socket). Room
 * broadcasts are encoded once ({@link RoomFanOut}) and published through netty-socketio's store, so with Redis
 * they reach clients on every node.
 */
final class RoomBroadcaster implements ChatListener, ReactionListener, StreamLifecycleListener, Consumer<FeaturedItem> {
    private final RoomFanOut rooms;
    private final MediaPlane media;

    RoomBroadcaster(RoomFanOut rooms, MediaPlane media) {
        this.rooms = rooms;
        this.media = media;
    }

    static Map<String, Object> chatMessage(Comment c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("streamId", c.streamId());
        m.put("userId", c.userId());
        m.put("displayName", c.displayName());
        m.put("message", c.content());
        m.put("pinned", c.pinned());
        m.put("timestamp", Instant.ofEpochMilli(c.createdAt()).toString());
        return m;
    }

    @Override
    public void onMessage(Comment c) {
        rooms.sendEvent(Events.room(c.streamId()), Events.CHAT_MESSAGE, chatMessage(c));
    }

    @Override
    public void onDeleted(String streamId, String commentId) {
        rooms.sendEvent(Events.room(streamId), Events.CHAT_DELETED, Map.of("id", commentId, "streamId", streamId));
    }

    @Override
    public void onPinned(String streamId, String commentId) {
        rooms.sendEvent(Events.room(streamId), Events.CHAT_PINNED, Map.of("id", commentId, "streamId", streamId));
    }

    @Override
    public void onUnpinned(String streamId, String commentId) {
        rooms.sendEvent(Events.room(streamId), Events.CHAT_UNPINNED, Map.of("id", commentId, "streamId", streamId));
    }

    @Override
    public void onReaction(Reaction r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streamId", r.streamId());
        m.put("type", r.type().wire());
        m.put("userId", r.userId());
        m.put("x", r.x());
        m.put("y", r.y());
        rooms.sendEvent(Events.room(r.streamId()), Events.REACTION, m);
    }

    @Override
    public void onStarted(Stream s) {
        rooms.sendEvent(Events.room(s.id()), Events.START,
                Map.of("streamId", s.id(), "startedAt", Instant.ofEpochMilli(s.startedAt()).toString()));
    }

    @Override
    public void onEnded(Stream s) {
        media.closeStream(s.id());
        Map<String, Object> m = Map.of("streamId", s.id(), "endedAt", Instant.ofEpochMilli(s.endedAt()).toString());
        rooms.sendEvent(Events.room(s.id()), Events.END, m);
        rooms.sendEvent(Events.room(s.id()), Events.ENDED, m);
    }

    @Override
    public void onCancelled(Stream s) {
        rooms.sendEvent(Events.room(s.id()), Events.ENDED, Map.of("streamId", s.id(), "cancelled", true));
    }

    @Override
    public void accept(FeaturedItem f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("streamId", f.streamId());
        m.put("title", f.title());
        m.put("url", f.url());
        m.put("imageUrl", f.imageUrl());
        m.put("price", f.price());
        m.put("currency", f.currency());
        rooms.sendEvent(Events.room(f.streamId()), Events.FEATURED, m);
    }
}
