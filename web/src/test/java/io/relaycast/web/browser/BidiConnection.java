package io.relaycast.web.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One WebDriver BiDi session over a WebSocket (W3C WebDriver BiDi, "Transport" and "Protocol"): commands are
 * {@code {id, method, params}}, answered by a message of type {@code success} or {@code error} with the same id;
 * messages of type {@code event} go to the listener. Plain java.net.http, no driver binary: Firefox speaks BiDi
 * itself on its {@code --remote-debugging-port}, and Debian packages no geckodriver.
 */
final class BidiConnection implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();

    private BidiConnection(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to {@code ws://host:port/session}; events go to {@code onEvent} (on the WebSocket's thread). */
    static BidiConnection open(URI uri, Consumer<JsonNode> onEvent, Duration timeout) {
        Listener listener = new Listener(onEvent);
        try {
            WebSocket ws = HttpClient.newBuilder().connectTimeout(timeout).build().newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(uri, listener)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            BidiConnection c = new BidiConnection(ws);
            listener.connection = c;
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + uri, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not open the WebDriver BiDi socket " + uri + ": " + e, e);
        }
    }

    /**
     * Sends a command and waits for its result object. A BiDi error answer (e.g. {@code no such frame}) becomes a
     * {@link BidiException}; no answer within {@code timeout} a {@link TimeoutException} wrapped the same way with
     * {@link BidiException#timedOut()} set.
     */
    JsonNode send(String method, Map<String, ?> params, Duration timeout) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        try {
            synchronized (socket) {
                // one text message at a time: the WebSocket API refuses a send while another is outstanding
                socket.sendText(JSON.writeValueAsString(message), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            JsonNode reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if ("error".equals(reply.path("type").asText())) {
                throw new BidiException(method + ": " + reply.path("error").asText() + ": "
                        + reply.path("message").asText(), false);
            }
            return reply.path("result");
        } catch (TimeoutException e) {
            throw new BidiException(method + ": no answer within " + timeout.toMillis() + " ms", true);
        } catch (ExecutionException e) {
            throw new BidiException(method + ": " + e.getCause(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + method, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pending.remove(id);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        socket.abort();
    }

    private void onMessage(JsonNode message, Consumer<JsonNode> onEvent) {
        if (message.has("id") && !message.get("id").isNull()) {
            CompletableFuture<JsonNode> f = pending.get(message.get("id").asLong());
            if (f != null) {
                f.complete(message);
            }
        } else if ("event".equals(message.path("type").asText())) {
            onEvent.accept(message);
        }
    }

    /** A BiDi command that failed or was not answered in time. */
    static final class BidiException extends RuntimeException {
        private final boolean timedOut;

        BidiException(String message, boolean timedOut) {
            super(message);
            this.timedOut = timedOut;
        }

        boolean timedOut() {
            return timedOut;
        }
    }

    /** Collects text frames into messages (a message may arrive in several parts) and dispatches them. */
    private static final class Listener implements WebSocket.Listener {
        private final Consumer<JsonNode> onEvent;
        private final StringBuilder text = new StringBuilder();
        volatile BidiConnection connection;

        Listener(Consumer<JsonNode> onEvent) {
            this.onEvent = onEvent;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    BidiConnection c = connection;
                    if (c != null) {
                        c.onMessage(JSON.readTree(message), onEvent);
                    }
                } catch (IOException e) {
                    // not JSON: nothing we sent can be waiting for it
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            BidiConnection c = connection;
            if (c != null) {
                c.closed.complete(status + " " + reason);
                c.pending.values().forEach(f -> f.completeExceptionally(new IOException("BiDi socket closed: " + reason)));
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            BidiConnection c = connection;
            if (c != null) {
                c.closed.complete("error " + error);
                c.pending.values().forEach(f -> f.completeExceptionally(error));
            }
        }
    }
}
