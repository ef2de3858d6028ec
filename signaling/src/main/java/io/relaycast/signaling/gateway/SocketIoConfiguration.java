package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import com.corundumstudio.socketio.store.RedissonStoreFactory;
import com.corundumstudio.socketio.store.StoreFactory;
import io.netty.channel.ChannelHandlerContext;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * netty-socketio's {@link Configuration} for the gateway: transports, limits, timeouts, threads, the room store
 * and the handshake's {@code Origin} check, all from {@link SignalingConfig}.
 */
final class SocketIoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIoConfiguration.class);

    private SocketIoConfiguration() {
    }

    /** @param redisson the shared room store's client, or null for rooms on this node only */
    static Configuration of(SignalingConfig config, Set<String> allowedOrigins, RedissonClient redisson) {
        Configuration c = new Configuration();
        c.setHostname(config.host());
        c.setPort(config.port());
        c.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        c.setMaxFramePayloadLength(config.maxFrameBytes());
        c.setMaxHttpContentLength(config.maxFrameBytes());
        c.setFirstDataTimeout((int) config.handshakeTimeout().toMillis());
        c.setPingInterval((int) config.pingInterval().toMillis());
        c.setPingTimeout((int) config.pingTimeout().toMillis());
        c.setRandomSession(true);
        // handlers answer later, from the handler pool; AUTO would send an empty ack as soon as the listener returns
        c.setAckMode(com.corundumstudio.socketio.AckMode.MANUAL);
        c.setAddVersionHeader(false);
        // permessage-deflate runs a Deflater per frame per recipient: for small chat frames fanned out to
        // thousands of sockets it cost more CPU than everything else together (bench/README.md)
        c.setWebsocketCompression(false);
        c.setHttpCompression(false);
        c.setJsonSupport(new GuardedJsonSupport(new JacksonJsonSupport(), config.maxEventBytes()));
        c.setAuthorizationListener(data -> authorizeHandshake(allowedOrigins, data));
        StoreFactory store = redisson == null ? new MemoryStoreFactory() : new RedissonStoreFactory(redisson);
        c.setStoreFactory(store);
        // one acceptor thread is plenty (one listening socket); the workers carry every connection's I/O
        c.setBossThreads(1);
        c.setWorkerThreads(config.workerThreads());
        SocketConfig sc = new SocketConfig();
        sc.setReuseAddress(true);
        sc.setAcceptBackLog(config.acceptBacklog());
        c.setSocketConfig(sc);
        c.setExceptionListener(new ExceptionListenerAdapter() {
            @Override
            public void onAuthException(Throwable e, SocketIOClient client) {
                LOG.debug("socket auth error: {}", e.toString());
            }

            @Override
            public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
                LOG.warn("socket event handler error", e);
            }

            @Override
            public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
                LOG.debug("socket error from {}: {}", ctx.channel().remoteAddress(), e.toString());
                ctx.close();
                return true;
            }
        });
        return c;
    }

    /**
     * Browsers send Origin; a foreign one is refused outright (not echoed). Non-browser clients send none, or
     * (python's websocket library) the origin of the very host:port they connect to, which is same-origin by
     * definition (RFC 6454 §5: same scheme, host and port) and no page is served from the signaling port.
     */
    private static AuthorizationResult authorizeHandshake(Set<String> allowedOrigins, HandshakeData data) {
        String origin = data.getHttpHeaders().get("Origin");
        if (origin != null && !allowedOrigins.contains(origin) && !sameOrigin(origin, data.getHttpHeaders().get("Host"))) {
            LOG.info("socket handshake refused for origin {}", origin);
            return AuthorizationResult.FAILED_AUTHORIZATION;
        }
        return AuthorizationResult.SUCCESSFUL_AUTHORIZATION;
    }

    /** Origin names the host:port this request was sent to (plain http: this port speaks no TLS itself). */
    static boolean sameOrigin(String origin, String host) {
        return host != null && !host.isEmpty() && origin.equalsIgnoreCase("http://" + host);
    }
}
