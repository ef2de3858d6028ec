package io.relaycast.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The REST and WHIP calls of a load run (contract: REST API, WHIP), on the JDK's HTTP client. */
final class LoadHttp {
    /** A non-2xx answer: the status and the server's error message, for the summary and the exit status. */
    static final class HttpFailure extends IOException {
        final int status;

        HttpFailure(String what, int status, String body) {
            super(what + " answered " + status + ": " + errorMessage(body));
            this.status = status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LoadHttp(URI base) {
        this.base = base;
    }

    /** GET /api/v1/config/client: where Socket.IO is, whether dev tokens exist, whether anonymous viewers may watch. */
    JsonNode clientConfig() throws IOException, InterruptedException {
        return json(send(HttpRequest.newBuilder(base.resolve("/api/v1/config/client")).GET(), "GET /api/v1/config/client"));
    }

    String devToken(String name) throws IOException, InterruptedException {
        return json(send(post("/api/v1/auth/dev-token", Map.of("name", name), null), "POST /api/v1/auth/dev-token"))
                .path("token").asText();
    }

    /** Creates a stream; answers {@code {id, streamKey, ...}} (the key is used for WHIP and never printed). */
    JsonNode createStream(String token, String title) throws IOException, InterruptedException {
        return json(send(post("/api/v1/streams", Map.of("title", title, "chatEnabled", true, "reactionsEnabled", true),
                token), "POST /api/v1/streams"));
    }

    void endStream(String token, String streamId) throws IOException, InterruptedException {
        send(post("/api/v1/streams/" + streamId + "/end", Map.of(), token), "POST /api/v1/streams/{id}/end");
    }

    /** WHIP (RFC 9725 section 4.2): the offer in, 201 with the answer and the session's Location out. */
    String[] whip(String streamId, String streamKey, String offer) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/whip/" + streamId))
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + streamKey)
                .POST(HttpRequest.BodyPublishers.ofString(offer)), "POST /whip/{id}");
        return new String[] {r.body(), r.headers().firstValue("Location").orElse("")};
    }

    /** DELETE on the WHIP session ends the publication (RFC 9725 section 4.3). */
    void whipDelete(String location, String streamKey) throws IOException, InterruptedException {
        if (!location.isEmpty()) {
            send(HttpRequest.newBuilder(base.resolve(location)).header("Authorization", "Bearer " + streamKey).DELETE(),
                    "DELETE whip session");
        }
    }

    private HttpRequest.Builder post(String path, Object body, String token) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String what) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new HttpFailure(what, r.statusCode(), r.body());
        }
        return r;
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static String errorMessage(String body) {
        try {
            JsonNode e = JSON.readTree(body).path("error");
            if (e.isObject()) {
                return e.path("code").asText() + " " + e.path("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the start of the body says enough
        }
        return body == null ? "" : body.substring(0, Math.min(200, body.length()));
    }
}
