package io.relaycast.bench.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Janus API over its REST transport (janus.transport.http), as a browser's janus.js uses it: create a session,
 * attach the streaming plugin to it, send plugin messages (acknowledged at once, answered later as events), fetch
 * events by long poll ({@code GET /janus/<session>?maxev=1}), trickle candidates, keep the session alive.
 */
final class JanusApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final AtomicLong transactions = new AtomicLong();

    JanusApi(int port) {
        this.base = "http://127.0.0.1:" + port + "/janus";
    }

    boolean up() {
        try {
            return get("/info", 2).path("janus").asText().equals("server_info");
        } catch (IOException e) {
            return false;
        }
    }

    long createSession() throws IOException {
        return post("", request("create")).path("data").path("id").asLong();
    }

    long attachStreaming(long session) throws IOException {
        ObjectNode r = request("attach");
        r.put("plugin", "janus.plugin.streaming");
        return post("/" + session, r).path("data").path("id").asLong();
    }

    /** {@code watch}: Janus acknowledges, then prepares the viewer's PeerConnection and sends its offer as an event. */
    void watch(long session, long handle, int mountpoint) throws IOException {
        ObjectNode r = request("message");
        r.putObject("body").put("request", "watch").put("id", mountpoint);
        post("/" + session + "/" + handle, r);
    }

    /** Long-polls the session's events until one carries a JSEP offer; returns its SDP. */
    String awaitOffer(long session, long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            JsonNode e = get("/" + session + "?maxev=1", 35);
            if (e.has("jsep") && e.path("jsep").path("type").asText().equals("offer")) {
                return e.path("jsep").path("sdp").asText();
            }
            if (e.path("plugindata").path("data").has("error")) {
                throw new IOException("Janus refused to watch: " + e.path("plugindata").path("data"));
            }
        }
        throw new IOException("no offer from Janus within " + timeoutMs + " ms");
    }

    /** {@code start} with the viewer's answer. */
    void start(long session, long handle, String answerSdp) throws IOException {
        ObjectNode r = request("message");
        r.putObject("body").put("request", "start");
        r.putObject("jsep").put("type", "answer").put("sdp", answerSdp);
        post("/" + session + "/" + handle, r);
    }

    /** Trickles the viewer's one host candidate, then end-of-candidates (RFC 8838). */
    void trickle(long session, long handle, String mid, String candidate) throws IOException {
        ObjectNode r = request("trickle");
        r.putObject("candidate").put("candidate", candidate).put("sdpMid", mid).put("sdpMLineIndex", 0);
        post("/" + session + "/" + handle, r);
        ObjectNode done = request("trickle");
        done.putObject("candidate").put("completed", true);
        post("/" + session + "/" + handle, done);
    }

    void keepalive(long session) throws IOException {
        post("/" + session, request("keepalive"));
    }

    void destroy(long session) throws IOException {
        post("/" + session, request("destroy"));
    }

    private ObjectNode request(String verb) {
        ObjectNode r = JSON.createObjectNode();
        r.put("janus", verb);
        r.put("transaction", "t" + transactions.incrementAndGet());
        return r;
    }

    private JsonNode post(String path, ObjectNode body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), body.path("janus").asText());
    }

    private JsonNode get(String path, int timeoutSeconds) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(timeoutSeconds))
                .GET().build(), "GET " + path);
    }

    private JsonNode send(HttpRequest request, String what) throws IOException {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode json = JSON.readTree(r.body());
        if (r.statusCode() != 200 || json.path("janus").asText().equals("error")) {
            throw new IOException("Janus " + what + ": HTTP " + r.statusCode() + " " + json.path("error"));
        }
        return json;
    }
}
