package io.relaycast.signaling.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertNotNull;

/** Engine.IO v4 / Socket.IO v4 over the JDK's WebSocket: "0{open}" → "40" → "40{sid}"; "2" → "3". */
final class WsClient implements WebSocket.Listener {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;

    WsClient(HttpClient http, int port) {
        ws = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), this).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String f = partial.toString();
            partial.setLength(0);
            if (f.startsWith("0{")) {
                webSocket.sendText("40", true);
            } else if (f.equals("2")) {
                webSocket.sendText("3", true);
            } else if (f.startsWith("40")) {
                connected.complete(null);
            } else if (f.startsWith("42")) {
                events.add(f);
            }
        }
        webSocket.request(1);
        return null;
    }

    String await(String event) throws InterruptedException {
        String prefix = "42[\"" + event + "\"";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String f = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(f, "no " + event + " within 20 s");
            if (f.startsWith(prefix)) {
                return f;
            }
        }
    }

    void close() {
        ws.abort();
    }
}
