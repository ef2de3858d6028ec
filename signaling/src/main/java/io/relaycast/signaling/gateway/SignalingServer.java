package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import com.corundumstudio.socketio.store.RedissonStoreFactory;
import com.corundumstudio.socketio.store.StoreFactory;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The Socket.IO gateway: the only code that knows Socket.IO. It authenticates connections (JWT in the v4
 * handshake {@code auth.token} or {@code ?token=}), turns events into service and media-plane calls on a
 * handler pool (never on Netty's threads), and answers every refusal with {@code stream:error}.
 */
public final class SignalingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingServer.class);
    /** Per-connection backlog: a client flooding events is refused before it can fill the shared pool. */
    private static final int MAX_QUEUED_PER_CLIENT = 256;

    /** Everything the gateway calls; a record because the list is long. */
    public record Dependencies(TokenVerifier tokens, UserService users, StreamService streams, ViewerService viewers,
                               ChatService chat, ReactionService reactions, FeaturedService featured,
                               AnalyticsService analytics, IceServerService iceServers, MediaPlane media,
                               Function<String, String> hlsUrl, boolean allowAnonymousViewers, String redisUrl,
                               io.relaycast.signaling.peer.PeerAdmission peers) {
    }

    private final SignalingConfig config;
    private final Dependencies deps;
    private final Set<String> allowedOrigins;
    private final SocketIOServer server;
    private final ThreadPoolExecutor pool;
    private final Map<UUID, ClientSession> sessions = new ConcurrentHashMap<>();
    private final RedissonClient redisson;
    private final ViewerCountBroadcaster viewerCounts;
    private final WebRtcHandlers webrtc;
    private final ChatHandlers chatHandlers;
    private final RoomFanOut rooms;
    private volatile int boundPort;
    private volatile java.util.function.Predicate<String> publishedElsewhere = id -> false;
    /** Runs a closed connection's clean-up when the handler pool is saturated; one task per closed connection. */
    private final java.util.concurrent.ExecutorService cleanupThread =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "signaling-cleanup");
                t.setDaemon(true);
                return t;
            });
    private final java.util.concurrent.ScheduledExecutorService graceTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "publisher-grace");
                t.setDaemon(true);
                return t;
            });

    public SignalingServer(SignalingConfig config, Set<String> allowedOrigins, Dependencies deps) {
        this.config = config;
        this.deps = deps;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.handlerThreads(), config.handlerThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.handlerQueue()), r -> {
            Thread t = new Thread(r, "signaling-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.redisson = deps.redisUrl() == null || deps.redisUrl().isBlank() ? null : redisson(deps.redisUrl());
        this.server = new SocketIOServer(socketConfig());
        WebSocketConnections connections = new WebSocketConnections();
        server.setPipelineFactory(new GatewayChannelInitializer(connections, config.maxOutboundBytes()));
        this.rooms = new RoomFanOut(server, connections);
        this.viewerCounts = new ViewerCountBroadcaster(rooms, deps.viewers(), config.viewerCountInterval());
        this.webrtc = new WebRtcHandlers(this, deps);
        this.chatHandlers = new ChatHandlers(this, deps);
        RoomBroadcaster broadcaster = new RoomBroadcaster(rooms, deps.media());
        deps.chat().addListener(broadcaster);
        deps.reactions().addListener(broadcaster);
        deps.streams().addListener(broadcaster);
        deps.featured().addListener(broadcaster);
        deps.viewers().addListener(viewerCounts);
        deps.viewers().addListener(webrtc::onViewerCountChanged);
        registerListeners();
    }

    private static RedissonClient redisson(String url) {
        org.redisson.config.Config c = new org.redisson.config.Config();
        c.useSingleServer().setAddress(url).setConnectionMinimumIdleSize(1).setConnectionPoolSize(8);
        return Redisson.create(c);
    }

    private Configuration socketConfig() {
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
        c.setAuthorizationListener(this::authorizeHandshake);
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
    private AuthorizationResult authorizeHandshake(HandshakeData data) {
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

    private void registerListeners() {
        Namespace ns = (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
        ns.addAuthTokenListener((authData, client) -> authenticate(client, authData));
        server.addConnectListener(client -> {
            if (!sessions.containsKey(client.getSessionId())) {
                // an EIO3-style client without an auth packet: fall back to ?token= or anonymous
                AuthTokenResult r = authenticate(client, null);
                if (!r.isSuccess()) {
                    client.sendEvent(Events.ERROR, r.getErrorData());
                    client.disconnect();
                }
            }
        });
        server.addDisconnectListener(this::onDisconnect);
        webrtc.register();
        chatHandlers.register();
        server.addEventListener(Events.UNKNOWN, Object.class, (client, data, ack) ->
                error(client, ack, String.valueOf(data), new ServiceException(ErrorCode.UNKNOWN_EVENT,
                        "event '" + data + "' is not one this server handles")));
        server.addEventListener(Events.OVERSIZE, Object.class, (client, data, ack) ->
                error(client, ack, "", new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE,
                        "event of " + data + " bytes is larger than " + config.maxEventBytes() + " bytes")));
    }

    private AuthTokenResult authenticate(SocketIOClient client, Object authData) {
        String token = null;
        if (authData instanceof Map<?, ?> m && m.get("token") instanceof String t) {
            token = t;
        }
        if (token == null) {
            token = client.getHandshakeData().getSingleUrlParam("token");
        }
        Principal principal = null;
        if (token != null && !token.isEmpty()) {
            try {
                principal = deps.tokens().verify(token);
            } catch (ServiceException e) {
                return new AuthTokenResult(false, connectError(e.code().name(), e.getMessage()));
            }
        } else if (!deps.allowAnonymousViewers()) {
            return new AuthTokenResult(false, connectError(ErrorCode.UNAUTHENTICATED.name(),
                    "send auth: { token } in the handshake"));
        }
        ClientSession s = new ClientSession(client.getSessionId(), principal, new SerialExecutor(pool, cleanupThread, MAX_QUEUED_PER_CLIENT));
        sessions.put(client.getSessionId(), s);
        if (principal != null) {
            Principal p = principal;
            s.executor.execute(() -> deps.users().touch(p));
        }
        return AuthTokenResult.AuthTokenResultSuccess;
    }

    /** Sends one event to a stream's room, on every node (events of features outside the gateway). */
    public void tellRoom(String streamId, String event, Object payload) {
        server.getRoomOperations(Events.room(streamId)).sendEvent(event, payload);
    }

    /**
     * Sends one event to every socket of one user that has joined a stream room (join-livestream), on every node
     * (through the Redis store when clustered).
     */
    public void tellUser(String userId, String event, Object payload) {
        server.getRoomOperations(Events.userRoom(userId)).sendEvent(event, payload);
    }

    /**
     * Sends one event to a stream's room on this node only (each node tells its own clients: see
     * {@link RoomFanOut#sendEventLocally}).
     */
    public void tellRoomHere(String streamId, String event, Object payload) {
        rooms.sendEventLocally(Events.room(streamId), event, payload);
    }

    /** WebRTC viewers watching through this node's gateway now (a node's share of the audience). */
    public int watchingViewers() {
        int n = 0;
        for (ClientSession s : sessions.values()) {
            n += s.watching.size();
        }
        return n;
    }

    /**
     * Whether a stream's publisher is now on another node (cluster routing): a broadcaster whose connection to
     * this node dropped and who published again through another node has not left. Default: never.
     */
    public void publishedElsewhere(java.util.function.Predicate<String> elsewhere) {
        this.publishedElsewhere = elsewhere;
    }

    private void onDisconnect(SocketIOClient client) {
        ClientSession s = sessions.remove(client.getSessionId());
        if (s == null) {
            return;
        }
        // never refused, never touches other connections' queued events (issue 11: a flood then a disconnect
        // used to clear the shared queue and stall every other connection for good)
        s.executor.closeWith(() -> webrtc.cleanUp(s));
    }

    /** A request handler: returns the ack payload (or null for {@code {ok:true}}). */
    @FunctionalInterface
    interface Handler {
        Object handle(ClientSession session, SocketIOClient client, Payload payload) throws MediaException;
    }

    void on(String event, Handler handler) {
        server.addEventListener(event, JsonNode.class, (client, data, ack) -> {
            ClientSession s = sessions.get(client.getSessionId());
            if (s == null) {
                error(client, ack, event, new ServiceException(ErrorCode.UNAUTHENTICATED, "not authenticated"));
                return;
            }
            try {
                s.executor.execute(() -> run(event, handler, s, client, data, ack));
            } catch (RejectedExecutionException e) {
                error(client, ack, event, new ServiceException(ErrorCode.RATE_LIMITED, "too many pending events; slow down"));
            }
        });
    }

    private void run(String event, Handler handler, ClientSession s, SocketIOClient client, JsonNode data, AckRequest ack) {
        // every log line of this event's work names it (and its stream): see docs/api.md, "Logs"
        org.slf4j.MDC.put("requestId", LogIds.next());
        JsonNode sid = data == null ? null : data.get("streamId");
        if (sid != null && sid.isTextual() && sid.asText().length() <= 64) {
            org.slf4j.MDC.put("streamId", sid.asText());
        }
        try {
            Object result = handler.handle(s, client, Payload.of(data));
            if (ack.isAckRequested()) {
                ack.sendAckData(result == null ? Map.of("ok", true) : result);
            }
        } catch (ServiceException e) {
            error(client, ack, event, e);
        } catch (MediaException e) {
            error(client, ack, event, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("handler for {} failed", event, e);
            error(client, ack, event, ErrorCode.INTERNAL.name(), "internal error");
        } finally {
            org.slf4j.MDC.remove("requestId");
            org.slf4j.MDC.remove("streamId");
        }
    }

    /**
     * A CONNECT_ERROR payload both client families read: socket.io-client 4 makes {@code err.message} from
     * {@code message} and {@code err.data} from {@code data}; other clients see {@code code} at the top.
     */
    static Map<String, Object> connectError(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", message);
        m.put("code", code);
        m.put("data", Map.of("code", code, "message", message));
        return m;
    }

    static Map<String, Object> errorBody(String code, String message, String event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        m.put("event", event);
        return m;
    }

    private void error(SocketIOClient client, AckRequest ack, String event, ServiceException e) {
        error(client, ack, event, e.wireCode(), e.getMessage());
    }

    /** {@code stream:error} to the client, and the same error as the ack when one was asked for: never silence. */
    void error(SocketIOClient client, AckRequest ack, String event, String code, String message) {
        Map<String, Object> body = errorBody(code, message, event);
        client.sendEvent(Events.ERROR, body);
        if (ack != null && ack.isAckRequested()) {
            ack.sendAckData(Map.of("error", body));
        }
    }

    /**
     * The broadcaster's connection is gone: unless someone publishes the stream again within
     * {@code publisher-grace}, it has ended (the database follows the media, as it does on publish).
     */
    void endIfNotRepublished(String streamId) {
        graceTimer.schedule(() -> {
            try {
                if (!deps.media().isPublished(streamId) && !publishedElsewhere.test(streamId)) {
                    deps.streams().endForPublisher(streamId)
                            .ifPresent(s -> LOG.info("stream {} ended: its publisher left and did not come back", streamId));
                }
            } catch (RuntimeException e) {
                LOG.warn("ending abandoned stream {} failed", streamId, e);
            }
        }, config.publisherGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    SignalingConfig config() {
        return config;
    }

    SocketIOServer socket() {
        return server;
    }

    RoomFanOut rooms() {
        return rooms;
    }

    public void start() {
        io.netty.util.concurrent.Future<Void> bind = server.startAsync().syncUninterruptibly();
        if (!bind.isSuccess()) {
            throw new IllegalStateException("Socket.IO could not listen on " + config.host() + ":" + config.port(), bind.cause());
        }
        // startAsync hands back the bind's ChannelFuture: the only place the real port (for port 0) is visible
        rooms.takeOverRemoteDispatch(); // the store subscribes at start; only now can its DISPATCH listener be replaced
        boundPort = bind instanceof io.netty.channel.ChannelFuture cf
                ? ((java.net.InetSocketAddress) cf.channel().localAddress()).getPort() : config.port();
        LOG.info("Socket.IO listening on {}:{}{}", config.host(), boundPort, redisson == null ? "" : " (rooms shared through Redis)");
    }

    /** The bound port (the configured one may be 0). */
    public int port() {
        return boundPort;
    }

    public int connectedClients() {
        return sessions.size();
    }

    @Override
    public void close() {
        viewerCounts.close();
        graceTimer.shutdownNow();
        server.stop();
        pool.shutdownNow();
        cleanupThread.shutdownNow();
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    List<ClientSession> sessions() {
        return List.copyOf(sessions.values());
    }
}
