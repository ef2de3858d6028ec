package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The gateway's authenticated connections: the handshake's token check (JWT in the v4 handshake
 * {@code auth.token} or {@code ?token=}, else an anonymous viewer when allowed), one {@link ClientSession} per
 * connection with its own {@link SerialExecutor} on the shared handler pool, and its clean-up on disconnect.
 */
final class ClientSessions implements AutoCloseable {
    /** Per-connection backlog: a client flooding events is refused before it can fill the shared pool. */
    private static final int MAX_QUEUED_PER_CLIENT = 256;

    private final SignalingServer.Dependencies deps;
    private final ThreadPoolExecutor pool;
    private final Map<UUID, ClientSession> sessions = new ConcurrentHashMap<>();
    /** Runs a closed connection's clean-up when the handler pool is saturated; one task per closed connection. */
    private final ExecutorService cleanupThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "signaling-cleanup");
        t.setDaemon(true);
        return t;
    });

    ClientSessions(SignalingConfig config, SignalingServer.Dependencies deps) {
        this.deps = deps;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.handlerThreads(), config.handlerThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.handlerQueue()), r -> {
            Thread t = new Thread(r, "signaling-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Authenticates every connection of {@code server}; a closed connection's session goes to {@code cleanUp}. */
    void register(SocketIOServer server, Consumer<ClientSession> cleanUp) {
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
        server.addDisconnectListener(client -> onDisconnect(client, cleanUp));
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

    private void onDisconnect(SocketIOClient client, Consumer<ClientSession> cleanUp) {
        ClientSession s = sessions.remove(client.getSessionId());
        if (s == null) {
            return;
        }
        // never refused, never touches other connections' queued events (issue 11: a flood then a disconnect
        // used to clear the shared queue and stall every other connection for good)
        s.executor.closeWith(() -> cleanUp.accept(s));
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

    /** The connection's session, or null when it has not authenticated (or is gone). */
    ClientSession get(UUID sessionId) {
        return sessions.get(sessionId);
    }

    /** WebRTC viewers watching through these connections now. */
    int watchingViewers() {
        int n = 0;
        for (ClientSession s : sessions.values()) {
            n += s.watching.size();
        }
        return n;
    }

    int size() {
        return sessions.size();
    }

    List<ClientSession> all() {
        return List.copyOf(sessions.values());
    }

    /** Stops the handler pool and the clean-up thread; call after the server has stopped taking events. */
    @Override
    public void close() {
        pool.shutdownNow();
        cleanupThread.shutdownNow();
    }
}
