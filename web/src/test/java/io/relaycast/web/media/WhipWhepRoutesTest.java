package io.relaycast.web.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.gateway.RecordingMediaPlane;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * WHIP/WHEP HTTP semantics (RFC 9725) against a running server on PostgreSQL. The SFU is a recording double
 * here; the browser end-to-end tests run WHIP and WHEP against the real SFU.
 */
public class WhipWhepRoutesTest {
    private TestServer server;
    private ApiClient api;
    private RecordingMediaPlane media;

    @BeforeClass
    public void start() {
        media = new RecordingMediaPlane();
        server = TestServer.start(Map.of("relaycast.ice.stun-urls", List.of("stun:127.0.0.1:3478"),
                "relaycast.ice.turn-server", "turn:127.0.0.1:3478", "relaycast.ice.turn-secret", "s"), media);
        api = server.api;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    private ApiClient.Response post(String path, String bearer, String type, String body) {
        return api.send("POST", path, bearer == null ? Map.of("Content-Type", type)
                : Map.of("Content-Type", type, "Authorization", "Bearer " + bearer), body);
    }

    @Test
    public void whipPublishTrickleAndDeleteFollowTheRfc() {
        String[] owner = api.devUser("Encoder");
        JsonNode s = api.post("/api/v1/streams", owner[0], Map.of("title", "OBS")).expect(201);
        String id = s.get("id").asText();
        String key = s.get("streamKey").asText();

        post("/whip/" + id, null, "application/sdp", "v=0").expectError(401, "UNAUTHENTICATED");
        var wrongKey = post("/whip/" + id, "rk_wrong", "application/sdp", "v=0");
        wrongKey.expectError(401, "UNAUTHENTICATED");
        assertTrue(wrongKey.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        post("/whip/" + id, owner[0], "application/sdp", "v=0").expectError(401, "UNAUTHENTICATED"); // a JWT is not the key
        post("/whip/" + id, key, "application/json", "{}").expectError(415, "UNSUPPORTED_MEDIA_TYPE");
        post("/whip/" + id, key, "application/sdp", "x".repeat(70_000)).expectError(413, "PAYLOAD_TOO_LARGE");
        post("/whip/" + id, key, "application/sdp", "bad offer").expectError(400, "SDP_MALFORMED");
        post("/whip/unknown-stream", key, "application/sdp", "v=0").expectError(404, "STREAM_NOT_FOUND");

        var created = post("/whip/" + id, key, "application/sdp", "v=0 offer");
        assertEquals(created.status(), 201, created.body());
        assertEquals(created.raw().headers().firstValue("Content-Type").orElse(""), "application/sdp");
        String location = created.raw().headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/whip/" + id + "/"), location);
        assertTrue(created.body().contains("answer-for-whip:"));
        assertTrue(created.raw().headers().firstValue("ETag").isPresent());
        List<String> links = created.raw().headers().allValues("Link");
        assertTrue(links.stream().anyMatch(l -> l.startsWith("<stun:127.0.0.1:3478>; rel=\"ice-server\"")), links.toString());
        assertTrue(links.stream().anyMatch(l -> l.startsWith("<turn:127.0.0.1:3478>") && l.contains("credential=")), links.toString());
        assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText(), "live");

        String frag = "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"
                + "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\na=end-of-candidates\r\n";
        assertEquals(api.send("PATCH", location, Map.of("Content-Type", "application/trickle-ice-sdpfrag"), frag).status(), 204);
        assertTrue(media.calls.stream().anyMatch(c -> c.contains("candidate " + id + " whip:") && c.contains("50000")), media.calls.toString());
        // new credentials: an ICE restart (RFC 9725 §4.4.1), answered 200 with ours in a fragment and a new ETag
        String restartFrag = "a=ice-ufrag:newU\r\na=ice-pwd:abcdefghijklmnopqrstuw\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
                + "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 50002 typ host\r\n";
        var restarted = api.send("PATCH", location, Map.of("Content-Type", "application/trickle-ice-sdpfrag",
                "If-Match", "*"), restartFrag);
        assertEquals(restarted.status(), 200, restarted.body());
        assertEquals(restarted.raw().headers().firstValue("Content-Type").orElse(""), "application/trickle-ice-sdpfrag");
        assertTrue(restarted.raw().headers().firstValue("ETag").isPresent());
        assertTrue(restarted.body().contains("a=ice-ufrag:srvU\r\n") && restarted.body().contains("a=ice-pwd:srvPasswordSrvPassword1\r\n")
                && restarted.body().contains("a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"), restarted.body());
        assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("restart " + id + " whip:") && c.endsWith(" newU 1")), media.calls.toString());
        api.send("PATCH", location, Map.of("Content-Type", "application/trickle-ice-sdpfrag"), "garbage\u0000")
                .expectError(400, "SDP_MALFORMED");
        api.send("PATCH", "/whip/" + id + "/nope", Map.of("Content-Type", "application/trickle-ice-sdpfrag"), frag)
                .expectError(404, "NOT_FOUND");

        assertEquals(api.send("DELETE", location, Map.of(), null).status(), 200);
        assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText(), "ended",
                "DELETE ends the publication and the stream");
        api.send("DELETE", location, Map.of(), null).expectError(404, "NOT_FOUND");
        post("/whip/" + id, key, "application/sdp", "v=0").expectError(409, "STREAM_ENDED");
    }

    @Test
    public void whepPlaysLiveStreamsAndCountsTheViewer() {
        String[] owner = api.devUser("Caster");
        JsonNode s = api.post("/api/v1/streams", owner[0], Map.of("title", "Watch me")).expect(201);
        String id = s.get("id").asText();
        post("/whep/" + id, null, "application/sdp", "v=0").expectError(409, "STREAM_NOT_LIVE");
        assertEquals(post("/whip/" + id, s.get("streamKey").asText(), "application/sdp", "v=0").status(), 201);

        var played = post("/whep/" + id, null, "application/sdp", "v=0 recvonly offer");
        assertEquals(played.status(), 201, played.body());
        assertTrue(played.body().contains("whep-answer-for-whep:"));
        String location = played.raw().headers().firstValue("Location").orElseThrow();
        assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 1);
        post("/whep/" + id, null, "application/sdp", "bad").expectError(400, "SDP_MALFORMED");
        assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 1,
                "a refused offer leaves no viewer session behind");
        assertEquals(api.send("DELETE", location, Map.of(), null).status(), 200);
        assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 0);
        post("/whep/" + id, "not-a-jwt", "application/sdp", "v=0").expectError(401, "INVALID_TOKEN");
    }

    @Test
    public void whepRespectsFollowersOnly() {
        String[] owner = api.devUser("Private");
        String[] fan = api.devUser("Fan");
        JsonNode s = api.post("/api/v1/streams", owner[0], Map.of("title", "Fans", "visibility", "followers")).expect(201);
        String id = s.get("id").asText();
        post("/whip/" + id, s.get("streamKey").asText(), "application/sdp", "v=0").expect(201);
        post("/whep/" + id, null, "application/sdp", "v=0").expectError(403, "FOLLOWERS_ONLY");
        api.post("/api/v1/users/" + owner[1] + "/follow", fan[0], Map.of()).expect(200);
        assertEquals(post("/whep/" + id, fan[0], "application/sdp", "v=0").status(), 201);
    }
}
