package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.SocketIOClient;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.chat.Comment;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.reaction.Reaction;
import io.relaycast.signaling.viewer.ViewerStats;

import java.util.LinkedHashMap;
import java.util.Map;

/** Chat rooms, messages, moderation and reactions over the socket, through the same services as REST. */
final class ChatHandlers {
    private final SignalingServer gateway;
    private final SignalingServer.Dependencies deps;

    ChatHandlers(SignalingServer gateway, SignalingServer.Dependencies deps) {
        this.gateway = gateway;
        this.deps = deps;
    }

    void register() {
        gateway.on(Events.JOIN_LIVESTREAM, this::joinRoom);
        gateway.on(Events.LEAVE_LIVESTREAM, this::leaveRoom);
        gateway.on(Events.CHAT_MESSAGE, this::message);
        gateway.on(Events.CHAT_PIN, this::pin);
        gateway.on(Events.CHAT_DELETE, this::delete);
        gateway.on(Events.REACTION, this::reaction);
    }

    private static Principal writer(ClientSession s) {
        if (s.anonymous()) {
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "anonymous viewers may read chat but not write; sign in");
        }
        return s.principal;
    }

    private Object joinRoom(ClientSession s, SocketIOClient client, Payload p) {
        String streamId = p.requiredString("streamId", 64);
        deps.streams().requireVisible(s.principal, streamId);
        client.joinRoom(Events.room(streamId));
        if (s.principal != null) {
            // for events meant for this user only (a ban), wherever they are connected
            client.joinRoom(Events.userRoom(s.principal.userId()));
        }
        ViewerStats v = deps.viewers().stats(s.principal, streamId);
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("streamId", streamId);
        ack.put("viewerCount", Map.of("current", v.current(), "peak", v.peak()));
        deps.featured().latest(s.principal, streamId).ifPresent(f -> ack.put("featured", Map.of("id", f.id(), "title", f.title())));
        return ack;
    }

    private Object leaveRoom(ClientSession s, SocketIOClient client, Payload p) {
        String streamId = p.requiredString("streamId", 64);
        client.leaveRoom(Events.room(streamId));
        return null;
    }

    private Object message(ClientSession s, SocketIOClient client, Payload p) {
        Principal who = writer(s);
        String streamId = p.requiredString("streamId", 64);
        String text = p.optionalString("message");
        if (text == null) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'message' is required");
        }
        Comment c = deps.chat().post(who, streamId, text); // the listener broadcasts it to the room
        return RoomBroadcaster.chatMessage(c);
    }

    private Object pin(ClientSession s, SocketIOClient client, Payload p) {
        Principal who = writer(s);
        Comment c = deps.chat().pin(who, p.requiredString("streamId", 64), p.requiredString("id", 64));
        return Map.of("id", c.id(), "pinned", true);
    }

    private Object delete(ClientSession s, SocketIOClient client, Payload p) {
        Principal who = writer(s);
        String id = p.requiredString("id", 64);
        deps.chat().delete(who, p.requiredString("streamId", 64), id);
        return Map.of("id", id, "deleted", true);
    }

    private Object reaction(ClientSession s, SocketIOClient client, Payload p) {
        Principal who = writer(s);
        Reaction r = deps.reactions().react(who, p.requiredString("streamId", 64), p.requiredString("type", 16),
                p.optionalNumber("x"), p.optionalNumber("y"));
        return Map.of("id", r.id(), "type", r.type().wire());
    }
}
