package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which WebSocket connection carries each Socket.IO session, so a room broadcast can write its one pre-encoded
 * frame straight to every connection ({@link RoomFanOut}). netty-socketio keeps a session's channels private
 * ({@code ClientHead}); this handler sits in every pipeline just before its packet handler and learns the pair
 * from the first Socket.IO packet that arrives over a WebSocket (a v4 client's {@code 40} CONNECT, or an upgrading
 * client's {@code 2probe}), then forgets it when the connection closes. A session not (yet) known here simply
 * takes netty-socketio's own per-client path.
 *
 * <p>It keeps the handler's context rather than the channel: a write from here starts just below it (the
 * WebSocket frame encoder, then the socket), skipping the handlers above that have nothing to do with a raw frame.
 */
@ChannelHandler.Sharable
final class WebSocketConnections extends ChannelInboundHandlerAdapter {
    static final String HANDLER_NAME = "relaycastWebSocketConnections";
    private static final AttributeKey<UUID> SESSION = AttributeKey.valueOf("relaycast.webSocketSession");

    private final Map<UUID, ChannelHandlerContext> bySession = new ConcurrentHashMap<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PacketsMessage m && m.getTransport() == Transport.WEBSOCKET) {
            Channel ch = ctx.channel();
            if (!ch.hasAttr(SESSION)) {
                UUID id = m.getClient().getSessionId();
                ch.attr(SESSION).set(id);
                bySession.put(id, ctx);
                ch.closeFuture().addListener(f -> bySession.remove(id, ctx));
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The WebSocket connection of this session, or null when it has none this handler has seen. */
    ChannelHandlerContext get(UUID sessionId) {
        return bySession.get(sessionId);
    }

    int size() {
        return bySession.size();
    }
}
