package io.relaycast.signaling.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A real HTTP receiver for webhook tests (the JDK's HttpServer on a free loopback port). It records every request
 * and answers from a script of status codes (then 200), optionally holding a request for a while first.
 * Signatures are checked with this class's own HMAC code, written from the Standard Webhooks text, not with the
 * server's WebhookSigner.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Received(String id, String timestamp, String signature, String body, long receivedAtMillis) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One scripted answer: hold the request for holdMillis, then answer status. */
    record Answer(int status, long holdMillis) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestHeaders().getFirst("webhook-id"),
                    ex.getRequestHeaders().getFirst("webhook-timestamp"),
                    ex.getRequestHeaders().getFirst("webhook-signature"),
                    new String(body, StandardCharsets.UTF_8), System.currentTimeMillis()));
            Answer a = script.poll();
            int status = a == null ? 200 : a.status();
            if (a != null && a.holdMillis() > 0) {
                try {
                    Thread.sleep(a.holdMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                ex.sendResponseHeaders(status, -1);
            } catch (IOException ignored) {
                // the dispatcher gave up waiting (timeout): nobody reads this answer
            }
            ex.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void answer(int status) {
        script.add(new Answer(status, 0));
    }

    void answer(int status, long holdMillis) {
        script.add(new Answer(status, holdMillis));
    }

    public List<Received> received(Predicate<Received> which) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (which.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Requests about one stream ({@code data.streamId}). */
    public List<Received> forStream(String streamId) {
        return received(r -> streamId.equals(r.json().path("data").path("streamId").asText()));
    }

    /** The Standard Webhooks check, independently: v1,base64(HMAC-SHA256(base64decode(secret - whsec_), id.ts.body)). */
    public static boolean signatureValid(String secret, Received r) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal((r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        // the header may carry several space-separated signatures (key rotation); one must match
        for (String sig : r.signature().split(" ")) {
            if (java.security.MessageDigest.isEqual(sig.getBytes(StandardCharsets.US_ASCII),
                    expected.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
