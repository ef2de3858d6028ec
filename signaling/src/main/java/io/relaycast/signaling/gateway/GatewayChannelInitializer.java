package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * netty-socketio's pipeline with two fixes for the long-polling transport (issue 11, item 4), which clients
 * other than the JavaScript one (Debian's python3-socketio, proxies that force polling) exposed:
 * <ul>
 *   <li>netty-socketio 2.0.14 closes the TCP connection after every polling response (its encoder adds a
 *   CLOSE listener to each write) yet says {@code Connection: keep-alive}. A client that reuses the connection
 *   for its next request loses that request (about 1 in 10). Every such response now says
 *   {@code Connection: close}, which is what the server does (RFC 9112 §9.6: a server that closes after a
 *   response sends "close").</li>
 *   <li>When a session ends, a client's pending GET poll was left open until its own timeout (~29 s for
 *   python-engineio). It is now answered with an Engine.IO close packet ("1"), as the Engine.IO protocol's
 *   reference server does, so the client's read loop ends at once.</li>
 * </ul>
 * It also puts {@link WebSocketConnections} just before the packet handler (the encode-once room fan-out), and
 * bounds what the server buffers for a connection: its channel turns unwritable above {@code maxOutboundBytes}
 * unsent bytes, and {@link RoomFanOut} closes a connection it finds unwritable (decision 281).
 */
final class GatewayChannelInitializer extends SocketIOChannelInitializer {
    private static final String CONNECTION_CLOSE = "relaycastConnectionClose";
    private static final ChannelHandler SAYS_CLOSE = new SaysConnectionClose();
    private final WebSocketConnections connections;
    private final WriteBufferWaterMark waterMark;

    GatewayChannelInitializer(WebSocketConnections connections, int maxOutboundBytes) {
        this.connections = connections;
        this.waterMark = new WriteBufferWaterMark(maxOutboundBytes / 2, maxOutboundBytes);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        ch.config().setWriteBufferWaterMark(waterMark);
        super.initChannel(ch);
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.addBefore(PACKET_HANDLER, WebSocketConnections.HANDLER_NAME, connections);
        // after the HTTP encoder in pipeline order = before it on the way out: sees responses as objects
        pipeline.addAfter(HTTP_ENCODER, CONNECTION_CLOSE, SAYS_CLOSE);
    }

    @Override
    public void onDisconnect(ClientHead client) {
        super.onDisconnect(client);
        if (client.getCurrentTransport() == Transport.POLLING) {
            // answers the pending poll if there is one; otherwise it waits in a queue nobody reads any more
            client.send(new Packet(PacketType.CLOSE, client.getEngineIOVersion()), Transport.POLLING);
            // ClientHead.send reads the polling channel without a lock: a GET bound on another event loop at that
            // moment (the client's read loop asks again right after its last answer) can miss the packet and sit
            // until the ping interval (25 s, seen once in CI). Sending again a little later flushes the queue into
            // that GET; when the first send answered, the client asks no more and this lands in a dead queue.
            for (long delay : CLOSE_RESENDS_MS) {
                RESENDS.schedule(() -> client.send(new Packet(PacketType.CLOSE, client.getEngineIOVersion()),
                        Transport.POLLING), delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static final long[] CLOSE_RESENDS_MS = {300, 2000};
    private static final ScheduledExecutorService RESENDS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "socketio-close-resend");
        t.setDaemon(true);
        return t;
    });

    /** Rewrites keep-alive to close on every HTTP response except the WebSocket upgrade (101). */
    @ChannelHandler.Sharable
    static final class SaysConnectionClose extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse res && !HttpResponseStatus.SWITCHING_PROTOCOLS.equals(res.status())) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            super.write(ctx, msg, promise);
        }
    }
}
