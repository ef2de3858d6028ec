package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.SocketIOServer;
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
 * operations go through netty-socketio's store, so with Redis they reach clients on every node.
 */
final class RoomBroadcaster implements ChatListener, ReactionListener, StreamLifecycleListener, Consumer<FeaturedItem> {
    private final SocketIOServer server;
    private final MediaPlane media;

    RoomBroadcaster(SocketIOServer server, MediaPlane media) {
        this.server = server;
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
        server.getRoomOperations(Events.room(c.streamId())).sendEvent(Events.CHAT_MESSAGE, chatMessage(c));
    }

    @Override
    public void onDeleted(String streamId, String commentId) {
        server.getRoomOperations(Events.room(streamId)).sendEvent(Events.CHAT_DELETED, Map.of("id", commentId, "streamId", streamId));
    }

    @Override
    public void onPinned(String streamId, String commentId) {
        server.getRoomOperations(Events.room(streamId)).sendEvent(Events.CHAT_PINNED, Map.of("id", commentId, "streamId", streamId));
    }

    @Override
    public void onUnpinned(String streamId, String commentId) {
        server.getRoomOperations(Events.room(streamId)).sendEvent(Events.CHAT_UNPINNED, Map.of("id", commentId, "streamId", streamId));
    }

    @Override
    public void onReaction(Reaction r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streamId", r.streamId());
        m.put("type", r.type().wire());
        m.put("userId", r.userId());
        m.put("x", r.x());
        m.put("y", r.y());
        server.getRoomOperations(Events.room(r.streamId())).sendEvent(Events.REACTION, m);
    }

    @Override
    public void onStarted(Stream s) {
        server.getRoomOperations(Events.room(s.id())).sendEvent(Events.START,
                Map.of("streamId", s.id(), "startedAt", Instant.ofEpochMilli(s.startedAt()).toString()));
    }

    @Override
    public void onEnded(Stream s) {
        media.closeStream(s.id());
        Map<String, Object> m = Map.of("streamId", s.id(), "endedAt", Instant.ofEpochMilli(s.endedAt()).toString());
        server.getRoomOperations(Events.room(s.id())).sendEvent(Events.END, m);
        server.getRoomOperations(Events.room(s.id())).sendEvent(Events.ENDED, m);
    }

    @Override
    public void onCancelled(Stream s) {
        server.getRoomOperations(Events.room(s.id())).sendEvent(Events.ENDED, Map.of("streamId", s.id(), "cancelled", true));
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
        server.getRoomOperations(Events.room(f.streamId())).sendEvent(Events.FEATURED, m);
    }
}
