package io.relaycast.load;

import io.socket.client.Ack;
import io.socket.client.Socket;
import org.json.JSONObject;

import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chatter (contract: "Chat and room events"): {@code join-livestream}, then a {@code chat:message} every
 * interval. Its text carries this process's {@link System#nanoTime()} at send, so every chatter that receives the
 * room's {@code chat:message} records send → delivery on one clock. Every chatter is in the room, so each
 * accepted message should reach all of them.
 */
final class LoadChatter {
    private static final String PREFIX = "relaycast-load ";

    private final int index;
    private final String streamId;
    private final ChatStats stats;
    private final Failures failures;
    private Socket socket;
    private ScheduledFuture<?> sending;
    private final AtomicLong seq = new AtomicLong();
    volatile boolean joined;

    LoadChatter(int index, String streamId, ChatStats stats, Failures failures) {
        this.index = index;
        this.streamId = streamId;
        this.stats = stats;
        this.failures = failures;
    }

    void start(String signalingUrl, String token, ScheduledExecutorService timer, long intervalMs) {
        socket = Signaling.socket(signalingUrl, token);
        socket.on(Socket.EVENT_CONNECT, a -> socket.emit("join-livestream",
                new JSONObject(Map.of("streamId", streamId)), (Ack) r -> joined = true));
        socket.on("stream:error", a -> failures.add("chat refused: " + Signaling.field(a, "code"),
                Signaling.field(a, "message")));
        socket.on("chat:message", a -> onMessage(Signaling.object(a)));
        // spread the chatters over the interval, as real ones are
        long first = intervalMs + (index * 7919L) % intervalMs;
        sending = timer.scheduleAtFixedRate(this::send, first, intervalMs, TimeUnit.MILLISECONDS);
        Signaling.connect(socket, failures.retries, a -> failures.add(Signaling.connectError(a), Signaling.describe(a)));
    }

    private void send() {
        if (!joined || !socket.connected()) {
            return;
        }
        String text = PREFIX + System.nanoTime() + " " + index + "/" + seq.incrementAndGet();
        stats.sent.increment();
        socket.emit("chat:message", new JSONObject(Map.of("streamId", streamId, "message", text)), (Ack) r -> {
            JSONObject o = r.length > 0 && r[0] instanceof JSONObject j ? j : new JSONObject();
            if (o.has("error")) {
                Object e = o.opt("error");
                String code = e instanceof JSONObject j ? j.optString("code", "?") : String.valueOf(e);
                failures.add("chat refused: " + code, o.toString());
            } else {
                stats.accepted.increment();
            }
        });
    }

    private void onMessage(JSONObject m) {
        String text = m.optString("message", "");
        if (!text.startsWith(PREFIX)) {
            return; // somebody else's chat
        }
        int end = text.indexOf(' ', PREFIX.length());
        try {
            long sent = Long.parseLong(text.substring(PREFIX.length(), end));
            stats.delivered((System.nanoTime() - sent) / 1000);
        } catch (RuntimeException e) {
            // another load run's text: not ours to time
        }
    }

    void stop() {
        if (sending != null) {
            sending.cancel(false);
        }
    }

    void close() {
        stop();
        if (socket != null) {
            socket.close();
        }
    }
}
