package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.ChannelPipeline;

/** netty-socketio's pipeline, plus {@link WebSocketConnections} just before its packet handler. */
final class GatewayChannelInitializer extends SocketIOChannelInitializer {
    private final WebSocketConnections connections;

    GatewayChannelInitializer(WebSocketConnections connections) {
        this.connections = connections;
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.addBefore(PACKET_HANDLER, WebSocketConnections.HANDLER_NAME, connections);
    }
}
