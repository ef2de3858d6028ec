package io.relaycast.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/** Viewers, comments, reactions, featured items, analytics and ICE servers over real HTTP on PostgreSQL. */
public class EngagementApiTest {
    private TestServer server;
    private ApiClient api;

    @BeforeClass
    public void start() {
        server = TestServer.start(Map.of(
                "relaycast.ice.turn-server", "turn:127.0.0.1:3478?transport=udp,turns:127.0.0.1:5349?transport=tcp",
                "relaycast.ice.turn-secret", "turn-test-secret",
                "relaycast.ice.stun-urls", List.of("stun:127.0.0.1:3478")));
        api = server.api;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    private String[] liveStream(String[] owner, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("title", "Show"));
        body.putAll(extra);
        String id = api.post("/api/v1/streams", owner[0], body).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + id + "/start", owner[0], Map.of()).expect(200);
        return new String[]{id};
    }

    @Test
    public void joinLeaveAndViewerCounts() {
        String[] owner = api.devUser("Host");
        String id = liveStream(owner, Map.of())[0];
        String[] ann = api.devUser("Ann");
        JsonNode join = api.post("/api/v1/streams/" + id + "/join", ann[0], Map.of()).expect(201);
        String session = join.get("sessionId").asText();
        assertTrue(join.get("iceServers").isArray());
        JsonNode turn = join.get("iceServers").get(1);
        assertTrue(turn.get("username").asText().endsWith(":" + ann[1]), turn.toString());
        assertEquals(join.get("hls").asText(), server.server.publicUrl() + "/hls/" + id + "/master.m3u8");
        assertEquals(join.get("whep").asText(), server.server.publicUrl() + "/whep/" + id);
        api.post("/api/v1/streams/" + id + "/join", null, Map.of()).expect(201); // anonymous viewer
        JsonNode v = api.get("/api/v1/streams/" + id + "/viewers", null).expect(200);
        assertEquals(v.get("current").asInt(), 2);
        assertEquals(v.get("peak").asInt(), 2);
        assertEquals(v.get("unique").asInt(), 2);
        assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("viewerCount").asInt(), 2);

        JsonNode left = api.post("/api/v1/streams/" + id + "/leave", ann[0], Map.of("sessionId", session)).expect(200);
        assertTrue(left.get("watchTimeSeconds").asDouble() >= 0);
        assertTrue(left.get("leftAt").isTextual());
        assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 1);
        api.post("/api/v1/streams/" + id + "/leave", ann[0], Map.of("sessionId", "nope")).expectError(404, "SESSION_NOT_FOUND");
        api.post("/api/v1/streams/" + id + "/leave", ann[0], Map.of()).expectError(404, "SESSION_NOT_FOUND");
        String[] bob = api.devUser("Bob");
        api.post("/api/v1/streams/" + id + "/leave", bob[0], Map.of("sessionId", session)).expectError(403, "FORBIDDEN");

        String scheduled = api.post("/api/v1/streams", owner[0], Map.of("title", "Later")).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + scheduled + "/join", ann[0], Map.of()).expectError(409, "STREAM_NOT_LIVE");
        api.post("/api/v1/streams/missing/join", ann[0], Map.of()).expectError(404, "STREAM_NOT_FOUND");
    }

    @Test
    public void commentsPostPageBackwardsPinAndDelete() {
        String[] owner = api.devUser("Host");
        String id = liveStream(owner, Map.of())[0];
        String[] ann = api.devUser("Ann");
        JsonNode c = api.post("/api/v1/streams/" + id + "/comments", ann[0], Map.of("content", "  first!  ")).expect(201);
        for (String f : List.of("id", "userId", "displayName", "content", "pinned", "createdAt")) {
            assertTrue(c.has(f), f);
        }
        assertEquals(c.get("content").asText(), "first!");
        assertEquals(c.get("displayName").asText(), "Ann");
        api.post("/api/v1/streams/" + id + "/comments", ann[0], Map.of("content", "x".repeat(501))).expectError(400, "VALIDATION_FAILED");
        api.post("/api/v1/streams/" + id + "/comments", ann[0], Map.of("content", "   ")).expectError(400, "VALIDATION_FAILED");
        api.post("/api/v1/streams/" + id + "/comments", ann[0], Map.of("content", 42)).expectError(400, "INVALID_FIELD");
        api.post("/api/v1/streams/" + id + "/comments", null, Map.of("content", "anon")).expectError(401, "UNAUTHENTICATED");
        for (int i = 0; i < 4; i++) {
            api.post("/api/v1/streams/" + id + "/comments", api.devUser("p" + i)[0], Map.of("content", "m" + i)).expect(201);
        }
        JsonNode newest = api.get("/api/v1/streams/" + id + "/comments?limit=3", null).expect(200);
        assertEquals(newest.get("items").size(), 3);
        assertEquals(newest.get("items").get(2).get("content").asText(), "m3", "oldest first within the page");
        JsonNode older = api.get("/api/v1/streams/" + id + "/comments?limit=3&cursor=" + newest.get("nextCursor").asText(), null).expect(200);
        assertEquals(older.get("items").size(), 2);
        assertEquals(older.get("items").get(0).get("content").asText(), "first!");
        assertTrue(older.get("nextCursor").isNull());

        String cid = c.get("id").asText();
        String[] stranger = api.devUser("Stranger");
        api.post("/api/v1/streams/" + id + "/comments/" + cid + "/pin", stranger[0], Map.of()).expectError(403, "FORBIDDEN");
        assertTrue(api.post("/api/v1/streams/" + id + "/comments/" + cid + "/pin", owner[0], Map.of()).expect(200).get("pinned").asBoolean());
        api.delete("/api/v1/streams/" + id + "/comments/" + cid, stranger[0]).expectError(403, "FORBIDDEN");
        String[] mod = api.devUser("Mod", "moderator");
        assertEquals(api.delete("/api/v1/streams/" + id + "/comments/" + cid, mod[0]).status(), 204);
        assertFalse(api.get("/api/v1/streams/" + id + "/comments?limit=50", null).body().contains(cid), "deleted comments vanish");
        api.delete("/api/v1/streams/" + id + "/comments/" + cid, owner[0]).expectError(404, "COMMENT_NOT_FOUND");
    }

    @Test
    public void chatRateLimitAndModesOverRest() {
        String[] owner = api.devUser("Host");
        String id = liveStream(owner, Map.of())[0];
        String[] fast = api.devUser("Fast");
        for (int i = 0; i < 5; i++) {
            api.post("/api/v1/streams/" + id + "/comments", fast[0], Map.of("content", "spam " + i)).expect(201);
        }
        api.post("/api/v1/streams/" + id + "/comments", fast[0], Map.of("content", "one more")).expectError(429, "RATE_LIMITED");
        String off = liveStream(owner, Map.of("chatEnabled", false))[0];
        api.post("/api/v1/streams/" + off + "/comments", fast[0], Map.of("content", "hi")).expectError(403, "CHAT_DISABLED");
        String fans = liveStream(owner, Map.of("chatMode", "followers"))[0];
        api.post("/api/v1/streams/" + fans + "/comments", fast[0], Map.of("content", "hi")).expectError(403, "FOLLOWERS_ONLY");
        String slow = liveStream(owner, Map.of("chatMode", "slow", "slowModeSeconds", 60))[0];
        String[] calm = api.devUser("Calm");
        api.post("/api/v1/streams/" + slow + "/comments", calm[0], Map.of("content", "one")).expect(201);
        api.post("/api/v1/streams/" + slow + "/comments", calm[0], Map.of("content", "two")).expectError(429, "SLOW_MODE");
    }

    @Test
    public void reactionsAreTypedPositionedAndCounted() {
        String[] owner = api.devUser("Host");
        String id = liveStream(owner, Map.of())[0];
        String[] ann = api.devUser("Ann");
        for (String type : List.of("like", "love", "fire", "clap", "wow")) {
            JsonNode r = api.post("/api/v1/streams/" + id + "/reactions", ann[0], Map.of("type", type, "x", 12.5, "y", 80)).expect(201);
            assertEquals(r.get("type").asText(), type);
            assertEquals(r.get("x").asDouble(), 12.5);
        }
        api.post("/api/v1/streams/" + id + "/reactions", ann[0], Map.of("type", "angry")).expectError(400, "VALIDATION_FAILED");
        api.post("/api/v1/streams/" + id + "/reactions", ann[0], Map.of("type", "fire", "x", 101)).expectError(400, "VALIDATION_FAILED");
        api.post("/api/v1/streams/" + id + "/reactions", ann[0], Map.of("type", "fire", "x", "left")).expectError(400, "INVALID_FIELD");
        api.post("/api/v1/streams/" + id + "/reactions", ann[0], Map.of()).expectError(400, "VALIDATION_FAILED");
        String quiet = liveStream(owner, Map.of("reactionsEnabled", false))[0];
        api.post("/api/v1/streams/" + quiet + "/reactions", ann[0], Map.of("type", "fire")).expectError(403, "REACTIONS_DISABLED");
        JsonNode a = api.get("/api/v1/streams/" + id + "/analytics", owner[0]).expect(200);
        assertEquals(a.get("reactions").asInt(), 5);
        assertEquals(a.get("reactionsByType").get("wow").asInt(), 1);
    }

    @Test
    public void featuredItemsAreTheOwnersAndValidated() {
        String[] owner = api.devUser("Shop");
        String id = liveStream(owner, Map.of())[0];
        api.get("/api/v1/streams/" + id + "/featured", null).expectError(404, "NOT_FOUND");
        JsonNode f = api.post("/api/v1/streams/" + id + "/featured", owner[0], Map.of("title", "Red shoes",
                "url", "https://shop.example/shoes", "imageUrl", "https://shop.example/shoes.jpg", "price", 49.90,
                "currency", "EUR")).expect(201);
        assertEquals(f.get("title").asText(), "Red shoes");
        assertEquals(f.get("price").decimalValue().compareTo(new java.math.BigDecimal("49.9")), 0);
        assertEquals(api.get("/api/v1/streams/" + id + "/featured", null).expect(200).get("id").asText(), f.get("id").asText());
        String[] other = api.devUser("Other");
        api.post("/api/v1/streams/" + id + "/featured", other[0], Map.of("title", "Spam")).expectError(403, "NOT_OWNER");
        api.post("/api/v1/streams/" + id + "/featured", owner[0], Map.of("title", "x", "url", "javascript:alert(1)"))
                .expectError(400, "VALIDATION_FAILED");
        api.post("/api/v1/streams/" + id + "/featured", owner[0], Map.of("title", "x", "price", -1)).expectError(400, "VALIDATION_FAILED");
        api.post("/api/v1/streams/" + id + "/featured", owner[0], Map.of("title", "x", "price", "cheap")).expectError(400, "INVALID_FIELD");
    }

    @Test
    public void analyticsAreForTheOwnerAndAddUp() {
        String[] owner = api.devUser("Host");
        String id = liveStream(owner, Map.of())[0];
        String[] ann = api.devUser("Ann");
        String session = api.post("/api/v1/streams/" + id + "/join", ann[0], Map.of()).expect(201).get("sessionId").asText();
        api.post("/api/v1/streams/" + id + "/comments", ann[0], Map.of("content", "nice")).expect(201);
        api.post("/api/v1/streams/" + id + "/leave", ann[0], Map.of("sessionId", session)).expect(200);
        api.get("/api/v1/streams/" + id + "/analytics", ann[0]).expectError(403, "NOT_OWNER");
        api.post("/api/v1/streams/" + id + "/end", owner[0], Map.of()).expect(200);
        JsonNode a = api.get("/api/v1/streams/" + id + "/analytics", owner[0]).expect(200);
        assertEquals(a.get("totalViews").asInt(), 1);
        assertEquals(a.get("uniqueViewers").asInt(), 1);
        assertEquals(a.get("peakViewers").asInt(), 1);
        assertEquals(a.get("comments").asInt(), 1);
        assertTrue(a.get("perMinute").size() >= 1);
        assertEquals(a.get("perMinute").get(0).get("comments").asInt(), 1);
        for (String f : List.of("averageViewers", "averageWatchTimeSeconds", "mediaHealth", "reactionsByType")) {
            assertNotNull(a.get(f), f);
        }
    }

    @Test
    public void iceServersCarryShortLivedTurnCredentials() {
        String[] ann = api.devUser("Ann");
        JsonNode r = api.get("/api/v1/ice-servers", ann[0]).expect(200).get("iceServers");
        assertEquals(r.get(0).get("urls").get(0).asText(), "stun:127.0.0.1:3478");
        JsonNode turn = r.get(1);
        String username = turn.get("username").asText();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        long now = java.time.Instant.now().getEpochSecond();
        assertTrue(expiry > now + 3000 && expiry <= now + 3601, "about an hour: " + username);
        assertEquals(turn.get("credential").asText(),
                io.relaycast.signaling.ice.IceServerService.credential("turn-test-secret", username));
        assertEquals(turn.get("urls").size(), 2);
    }

    @Test
    public void recordingsAreListedWithPlaybackUrlsOnceReady() {
        String[] owner = api.devUser("Host");
        String id = liveStream(owner, Map.of("recordingEnabled", true))[0];
        assertEquals(api.get("/api/v1/streams/" + id + "/recordings", null).expect(200).get("items").size(), 0);
        var repo = new io.relaycast.signaling.recording.RecordingRepository(server.server.database().jdbi());
        repo.insert(new io.relaycast.signaling.recording.Recording("rec-" + id.substring(0, 8), id, "recording", null, null,
                null, null, null, 1_000L, null, null));
        JsonNode inProgress = api.get("/api/v1/recordings/rec-" + id.substring(0, 8), null).expect(200);
        assertEquals(inProgress.get("status").asText(), "recording");
        assertEquals(inProgress.get("urls").get("playback").asText(), "", "no playback before it is finished");
        repo.finish("rec-" + id.substring(0, 8), "ready", "/data/x.mp4", "mp4", 20_500L, 1234L, "/data/x.jpg", 21_500L, null);
        JsonNode list = api.get("/api/v1/streams/" + id + "/recordings", null).expect(200).get("items");
        assertEquals(list.size(), 1);
        JsonNode r = list.get(0);
        assertEquals(r.get("durationSeconds").asDouble(), 20.5);
        assertEquals(r.get("sizeBytes").asLong(), 1234L);
        assertEquals(r.get("urls").get("playback").asText(),
                server.server.publicUrl() + "/vod/rec-" + id.substring(0, 8) + "/recording.mp4");
        assertTrue(r.get("urls").get("thumbnail").asText().endsWith("/thumbnail.jpg"));
        assertFalse(r.toString().contains("/data/x.mp4"), "server paths stay private");
    }
}
