package io.relaycast.signaling.gateway;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import org.json.JSONObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.testng.Assert.fail;

/** A real Socket.IO v4 client (io.socket:socket.io-client) that records every event it receives. */
public final class SocketClient implements AutoCloseable {
    private final Socket socket;
    private final Map<String, List<JSONObject>> received = new ConcurrentHashMap<>();
    /** Every event's name (and "ack:" + event for acknowledgements) in the order it arrived. */
    private final List<String> arrivalOrder = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Object> connected = new CompletableFuture<>();

    private SocketClient(String url, String token, Map<String, String> headers) {
        io.socket.client.SocketOptionBuilder b = IO.Options.builder().setTransports(new String[]{WebSocket.NAME}).setReconnection(false)
                .setTimeout(5000);
        if (token != null) {
            b.setAuth(Map.of("token", token));
        }
        if (headers != null && !headers.isEmpty()) {
            Map<String, List<String>> h = new java.util.HashMap<>();
            headers.forEach((k, v) -> h.put(k, List.of(v)));
            b.setExtraHeaders(h);
        }
        socket = IO.socket(URI.create(url), b.build());
        socket.on(Socket.EVENT_CONNECT, args -> connected.complete(true));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> connected.complete(args.length > 0 ? args[0] : "connect_error"));
        socket.onAnyIncoming(args -> {
            String name = String.valueOf(args[0]);
            JSONObject payload = args.length > 1 && args[1] instanceof JSONObject o ? o : new JSONObject();
            received.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(payload);
            arrivalOrder.add(name);
        });
    }

    /** Connects and waits; fails the test unless the connection is accepted. */
    public static SocketClient connect(String url, String token) {
        SocketClient c = new SocketClient(url, token, null);
        Object r = c.start();
        if (!Boolean.TRUE.equals(r)) {
            c.close();
            fail("connection refused: " + r);
        }
        return c;
    }

    /** Tries to connect; returns the connect_error payload (or TRUE when accepted). */
    public static Object attempt(String url, String token, Map<String, String> headers) {
        try (SocketClient c = new SocketClient(url, token, headers)) {
            return c.start();
        }
    }

    private Object start() {
        socket.connect();
        try {
            return connected.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "no answer: " + e;
        }
    }

    public boolean isConnected() {
        return socket.connected();
    }

    public void emit(String event, Object payload) {
        socket.emit(event, payload instanceof Map<?, ?> m ? new JSONObject(m) : payload);
    }

    /** Emits with an ack and waits for it (5 s). */
    public JSONObject request(String event, Object payload) {
        CompletableFuture<JSONObject> ack = new CompletableFuture<>();
        socket.emit(event, new Object[]{payload instanceof Map<?, ?> m ? new JSONObject(m) : payload},
                (Ack) args -> {
                    arrivalOrder.add("ack:" + event);
                    ack.complete(args.length > 0 && args[0] instanceof JSONObject o ? o : new JSONObject());
                });
        try {
            return ack.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no ack for " + event + "; received so far: " + received.keySet(), e);
        }
    }

    /** Emits with an ack and returns at once; the future completes with the ack. */
    public CompletableFuture<JSONObject> requestAsync(String event, Object payload) {
        CompletableFuture<JSONObject> ack = new CompletableFuture<>();
        socket.emit(event, new Object[]{payload instanceof Map<?, ?> m ? new JSONObject(m) : payload},
                (Ack) args -> ack.complete(args.length > 0 && args[0] instanceof JSONObject o ? o : new JSONObject()));
        return ack;
    }

    /** Waits up to {@code millis} for an event matching the predicate. */
    public JSONObject await(String event, Predicate<JSONObject> match, long millis) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            for (JSONObject o : events(event)) {
                if (match.test(o)) {
                    return o;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no '" + event + "' matching within " + millis + " ms; got " + received);
    }

    public JSONObject await(String event) {
        return await(event, o -> true, 5000);
    }

    /** The names of every event received so far, in arrival order. */
    public List<String> arrivalOrder() {
        return new ArrayList<>(arrivalOrder);
    }

    public List<JSONObject> events(String event) {
        return new ArrayList<>(received.getOrDefault(event, List.of()));
    }

    public void clear() {
        received.clear();
        arrivalOrder.clear();
    }

    @Override
    public void close() {
        socket.disconnect();
        socket.close();
    }
}
