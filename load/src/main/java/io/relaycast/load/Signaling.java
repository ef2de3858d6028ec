package io.relaycast.load;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.json.JSONObject;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** Socket.IO v4 client sockets (io.socket:socket.io-client) as a browser opens them: WebSocket, token in auth. */
final class Signaling {
    /** Connection attempts per client: a browser's Socket.IO client retries a timed-out connect by itself too. */
    static final int ATTEMPTS = 3;
    private static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-socketio-retry");
        t.setDaemon(true);
        return t;
    });

    /**
     * The OkHttp client under every socket. OkHttp runs each WebSocket's reader loop as one dispatcher call for the
     * socket's whole life, and its default dispatcher runs at most 64 calls: the 65th client's connect would wait
     * for one of them to close, and time out. Ours has no such cap (each socket still costs one reader thread).
     */
    private static final OkHttpClient HTTP;

    static {
        Dispatcher d = new Dispatcher();
        d.setMaxRequests(LoadOptions.MAX_VIEWERS + LoadOptions.MAX_CHATTERS + 16);
        d.setMaxRequestsPerHost(LoadOptions.MAX_VIEWERS + LoadOptions.MAX_CHATTERS + 16);
        HTTP = new OkHttpClient.Builder().dispatcher(d).readTimeout(java.time.Duration.ZERO)
                .connectTimeout(java.time.Duration.ofSeconds(10)).build();
    }

    private Signaling() {
    }

    /**
     * Connects, retrying a failed connect after 1 s, then 2 s (as socket.io's own reconnection would); {@code
     * giveUp} gets the last connect_error's arguments; {@code retries} counts the retries (a loaded target shows
     * there before it shows as failures).
     */
    static void connect(Socket socket, LongAdder retries, Consumer<Object[]> giveUp) {
        AtomicInteger left = new AtomicInteger(ATTEMPTS);
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> {
            int n = left.decrementAndGet();
            if (n <= 0) {
                giveUp.accept(a);
            } else {
                retries.increment();
                RETRY.schedule(() -> {
                    socket.connect();
                }, 1000L << (ATTEMPTS - 1 - n), TimeUnit.MILLISECONDS);
            }
        });
        socket.connect();
    }

    /**
     * A new connection per client ({@code forceNew}: the Java client would otherwise multiplex every socket to one
     * URL over one connection, and the server would see one client), never reconnecting by itself.
     */
    static Socket socket(String url, String token) {
        io.socket.client.SocketOptionBuilder b = IO.Options.builder().setTransports(new String[] {WebSocket.NAME})
                .setForceNew(true).setReconnection(false).setTimeout(15_000);
        if (token != null) {
            b.setAuth(Map.of("token", token));
        }
        IO.Options options = b.build();
        options.callFactory = HTTP;
        options.webSocketFactory = HTTP;
        return IO.socket(URI.create(url), options);
    }

    static JSONObject object(Object[] args) {
        return args.length > 0 && args[0] instanceof JSONObject o ? o : new JSONObject();
    }

    static String field(Object[] args, String name) {
        return object(args).optString(name, "?");
    }

    static String describe(Object[] args) {
        return args.length == 0 ? "" : String.valueOf(args[0]);
    }

    /** connect_error: an exception (transport) or the server's refusal object. */
    static String connectError(Object[] args) {
        if (args.length > 0 && args[0] instanceof Throwable t) {
            return Failures.cause(t).equals(Failures.rootOf(t).getClass().getSimpleName())
                    ? "Socket.IO connect error" : Failures.cause(t);
        }
        return "Socket.IO connection refused by the server";
    }
}
