package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.SocketIOServer;
import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.sfu.api.MediaPlane;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The Socket.IO gateway: the only code that knows Socket.IO. It owns the server and wires its parts:
 * {@link SocketIoConfiguration} (settings and the Origin check), {@link ClientSessions} (handshake
 * authentication, one session and executor per connection, clean-up), {@link EventDispatcher} (events to handlers
 * on the handler pool, refusals as {@code stream:error}), the handlers ({@link WebRtcHandlers},
 * {@link ChatHandlers}), {@link PublisherGrace}, and room delivery ({@link RoomFanOut}).
 */
public final class SignalingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingServer.class);

    /** Everything the gateway calls; a record because the list is long. */
    public record Dependencies(TokenVerifier tokens, UserService users, StreamService streams, ViewerService viewers,
                               ChatService chat, ReactionService reactions, FeaturedService featured,
                               AnalyticsService analytics, IceServerService iceServers, MediaPlane media,
                               Function<String, String> hlsUrl, boolean allowAnonymousViewers, String redisUrl,
                               io.relaycast.signaling.peer.PeerAdmission peers) {
    }

    private final SignalingConfig config;
    private final SocketIOServer server;
    private final ClientSessions sessions;
    private final EventDispatcher dispatcher;
    private final PublisherGrace publisherGrace;
    private final RedissonClient redisson;
    private final ViewerCountBroadcaster viewerCounts;
    private final WebRtcHandlers webrtc;
    private final ChatHandlers chatHandlers;
    private final RoomFanOut rooms;
    private volatile int boundPort;

    public SignalingServer(SignalingConfig config, Set<String> allowedOrigins, Dependencies deps) {
        this.config = config;
        this.sessions = new ClientSessions(config, deps);
        this.publisherGrace = new PublisherGrace(config.publisherGrace(), deps.media(), deps.streams());
        this.redisson = deps.redisUrl() == null || deps.redisUrl().isBlank() ? null : redisson(deps.redisUrl());
        this.server = new SocketIOServer(SocketIoConfiguration.of(config, Set.copyOf(allowedOrigins), redisson));
        this.dispatcher = new EventDispatcher(server, sessions);
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

    private void registerListeners() {
        sessions.register(server, webrtc::cleanUp);
        webrtc.register();
        chatHandlers.register();
        dispatcher.refuseUnknownAndOversize(config.maxEventBytes());
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
        return sessions.watchingViewers();
    }

    /**
     * Whether a stream's publisher is now on another node (cluster routing): a broadcaster whose connection to
     * this node dropped and who published again through another node has not left. Default: never.
     */
    public void publishedElsewhere(Predicate<String> elsewhere) {
        publisherGrace.publishedElsewhere(elsewhere);
    }

    /** Registers a handler for one event (see {@link EventDispatcher#on}). */
    void on(String event, EventDispatcher.Handler handler) {
        dispatcher.on(event, handler);
    }

    /** See {@link PublisherGrace#endIfNotRepublished}. */
    void endIfNotRepublished(String streamId) {
        publisherGrace.endIfNotRepublished(streamId);
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
        publisherGrace.close();
        server.stop();
        sessions.close(); // the handler pool and clean-up thread, once no more events can arrive
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    List<ClientSession> sessions() {
        return sessions.all();
    }
}
