package io.relaycast.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/** The stream endpoints over real HTTP against a started server on PostgreSQL. */
public class StreamApiTest {
    private TestServer server;
    private ApiClient api;

    @BeforeClass
    public void start() {
        server = TestServer.start();
        api = server.api;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    private JsonNode create(String token, Map<String, Object> body) {
        return api.post("/api/v1/streams", token, body).expect(201);
    }

    @Test
    public void createAnswersTheContractShapeWithKeyAndUrlsOnce() {
        String[] ann = api.devUser("Ann");
        var r = api.post("/api/v1/streams", ann[0], Map.of("title", "Morning show", "category", "talk",
                "tags", List.of("news"), "quality", "1080p", "visibility", "public", "recordingEnabled", true,
                "chatMode", "slow", "slowModeSeconds", 15, "unknownField", "ignored"));
        JsonNode s = r.expect(201);
        for (String f : List.of("id", "ownerId", "title", "description", "category", "tags", "quality", "visibility",
                "status", "scheduledAt", "startedAt", "endedAt", "recordingEnabled", "chatEnabled", "reactionsEnabled",
                "chatMode", "viewerCount", "urls", "streamKey")) {
            assertTrue(s.has(f), "missing " + f + " in " + s);
        }
        assertTrue(s.get("id").isTextual(), "ids are strings");
        assertEquals(s.get("ownerId").asText(), ann[1]);
        assertEquals(s.get("status").asText(), "scheduled");
        assertEquals(s.get("chatMode").asText(), "slow");
        String id = s.get("id").asText();
        assertEquals(r.raw().headers().firstValue("Location").orElse(""), "/api/v1/streams/" + id);
        assertEquals(s.get("urls").get("whip").asText(), server.server.publicUrl() + "/whip/" + id);
        assertEquals(s.get("urls").get("whep").asText(), server.server.publicUrl() + "/whep/" + id);
        assertEquals(s.get("urls").get("hls").asText(), server.server.publicUrl() + "/hls/" + id + "/master.m3u8");
        assertEquals(s.get("urls").get("watch").asText(), server.server.publicUrl() + "/watch/" + id);
        assertEquals(s.get("urls").get("watchPage").asText(), s.get("urls").get("watch").asText());
        assertTrue(s.get("streamKey").asText().length() > 40);

        JsonNode read = api.get("/api/v1/streams/" + id, ann[0]).expect(200);
        assertFalse(read.has("streamKey"), "the key is never returned again");
        assertFalse(api.get("/api/v1/streams?owner=me", ann[0]).body().contains(s.get("streamKey").asText()));
        assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("title").asText(), "Morning show",
                "anonymous viewers read public streams");
    }

    @Test
    public void lifecycleTransitionsAreGuardedWith409s() {
        String[] bo = api.devUser("Bo");
        String id = create(bo[0], Map.of("title", "Life")).get("id").asText();
        api.post("/api/v1/streams/" + id + "/end", bo[0], Map.of()).expectError(409, "STREAM_NOT_LIVE");
        JsonNode live = api.post("/api/v1/streams/" + id + "/start", bo[0], Map.of()).expect(200);
        assertEquals(live.get("status").asText(), "live");
        assertTrue(live.get("startedAt").isTextual());
        api.post("/api/v1/streams/" + id + "/start", bo[0], Map.of()).expectError(409, "STREAM_ALREADY_LIVE");
        api.delete("/api/v1/streams/" + id, bo[0]).expectError(409, "STREAM_ALREADY_LIVE");
        JsonNode ended = api.post("/api/v1/streams/" + id + "/end", bo[0], Map.of()).expect(200);
        assertEquals(ended.get("status").asText(), "ended");
        api.post("/api/v1/streams/" + id + "/start", bo[0], Map.of()).expectError(409, "STREAM_ENDED");
        api.put("/api/v1/streams/" + id, bo[0], Map.of("title", "again")).expectError(409, "INVALID_TRANSITION");

        String other = create(bo[0], Map.of("title", "Cancel")).get("id").asText();
        assertEquals(api.delete("/api/v1/streams/" + other, bo[0]).expect(200).get("status").asText(), "cancelled");
        api.post("/api/v1/streams/" + other + "/start", bo[0], Map.of()).expectError(409, "STREAM_CANCELLED");
    }

    @Test
    public void someoneElsesStreamIsForbidden() {
        String[] owner = api.devUser("Owner");
        String[] other = api.devUser("Other");
        String id = create(owner[0], Map.of("title", "Mine")).get("id").asText();
        api.put("/api/v1/streams/" + id, other[0], Map.of("title", "Yours now")).expectError(403, "NOT_OWNER");
        api.post("/api/v1/streams/" + id + "/start", other[0], Map.of()).expectError(403, "NOT_OWNER");
        api.post("/api/v1/streams/" + id + "/key/rotate", other[0], Map.of()).expectError(403, "NOT_OWNER");
        api.delete("/api/v1/streams/" + id, other[0]).expectError(403, "NOT_OWNER");
        assertEquals(api.get("/api/v1/streams/" + id, owner[0]).expect(200).get("title").asText(), "Mine");
        String[] admin = api.devUser("Admin", "admin");
        api.put("/api/v1/streams/" + id, admin[0], Map.of("description", "moderated")).expect(200);
    }

    @Test
    public void updateChangesOnlyTheGivenFields() {
        String[] u = api.devUser("Upd");
        String id = create(u[0], Map.of("title", "Before", "category", "music", "tags", List.of("a"))).get("id").asText();
        JsonNode after = api.put("/api/v1/streams/" + id, u[0], Map.of("title", "After", "reactionsEnabled", false)).expect(200);
        assertEquals(after.get("title").asText(), "After");
        assertEquals(after.get("category").asText(), "music");
        assertEquals(after.get("tags").get(0).asText(), "a");
        assertFalse(after.get("reactionsEnabled").asBoolean());
        api.put("/api/v1/streams/" + id, u[0], Map.of("title", "")).expectError(400, "VALIDATION_FAILED");
        api.put("/api/v1/streams/" + id, u[0], Map.of("quality", "4k")).expectError(400, "VALIDATION_FAILED");
    }

    @Test
    public void keyRotationReturnsANewKeyOnce() {
        String[] u = api.devUser("Rot");
        JsonNode s = create(u[0], Map.of("title", "Keys"));
        String id = s.get("id").asText();
        JsonNode rotated = api.post("/api/v1/streams/" + id + "/key/rotate", u[0], Map.of()).expect(200);
        assertNotEquals(rotated.get("streamKey").asText(), s.get("streamKey").asText());
        assertEquals(rotated.get("id").asText(), id);
    }

    @Test
    public void listingsPageAndOrder() {
        String category = "cat" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String[] u = api.devUser("Live" + i);
            String id = create(u[0], Map.of("title", "Live " + i, "category", category)).get("id").asText();
            api.post("/api/v1/streams/" + id + "/start", u[0], Map.of()).expect(200);
            ids.add(id);
        }
        // give stream 2 two viewers and stream 1 one: most viewers first
        for (int i = 0; i < 2; i++) {
            api.post("/api/v1/streams/" + ids.get(2) + "/join", api.devUser("v" + i)[0], Map.of()).expect(201);
        }
        api.post("/api/v1/streams/" + ids.get(1) + "/join", api.devUser("w")[0], Map.of()).expect(201);
        JsonNode page1 = api.get("/api/v1/streams/live?category=" + category + "&limit=2&offset=0", null).expect(200);
        assertEquals(page1.get("total").asInt(), 3);
        assertEquals(page1.get("items").size(), 2);
        assertEquals(page1.get("items").get(0).get("id").asText(), ids.get(2));
        assertEquals(page1.get("items").get(0).get("viewerCount").asInt(), 2);
        assertEquals(page1.get("items").get(1).get("id").asText(), ids.get(1));
        JsonNode page2 = api.get("/api/v1/streams/live?category=" + category + "&limit=2&offset=2", null).expect(200);
        assertEquals(page2.get("items").get(0).get("id").asText(), ids.get(0));
        api.get("/api/v1/streams/live?limit=abc", null).expectError(400, "INVALID_FIELD");
        api.get("/api/v1/streams/live?limit=5000", null).expectError(400, "VALIDATION_FAILED");

        String[] planner = api.devUser("Planner");
        String when = java.time.Instant.now().plusSeconds(86_400).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        String sched = create(planner[0], Map.of("title", "Tomorrow", "scheduledAt", when)).get("id").asText();
        JsonNode scheduled = api.get("/api/v1/streams/scheduled?limit=100", null).expect(200);
        assertTrue(scheduled.get("items").toString().contains(sched));
        JsonNode mine = api.get("/api/v1/streams?owner=me", planner[0]).expect(200);
        assertEquals(mine.get("total").asInt(), 1);
        assertEquals(mine.get("items").get(0).get("scheduledAt").asText(), when);
        api.get("/api/v1/streams?owner=me", null).expectError(401, "UNAUTHENTICATED");
    }

    @Test
    public void followersOnlyStreamsAreHiddenFromStrangers() {
        String[] owner = api.devUser("Priv");
        String[] fan = api.devUser("Fan");
        String[] stranger = api.devUser("Stranger");
        String id = create(owner[0], Map.of("title", "Fans only", "visibility", "followers")).get("id").asText();
        api.post("/api/v1/streams/" + id + "/start", owner[0], Map.of()).expect(200);
        api.get("/api/v1/streams/" + id, stranger[0]).expectError(403, "FOLLOWERS_ONLY");
        api.get("/api/v1/streams/" + id, null).expectError(403, "FOLLOWERS_ONLY");
        api.post("/api/v1/streams/" + id + "/join", stranger[0], Map.of()).expectError(403, "FOLLOWERS_ONLY");
        JsonNode f = api.post("/api/v1/users/" + owner[1] + "/follow", fan[0], Map.of()).expect(200);
        assertTrue(f.get("following").asBoolean());
        assertEquals(f.get("followerCount").asInt(), 1);
        api.get("/api/v1/streams/" + id, fan[0]).expect(200);
        api.post("/api/v1/streams/" + id + "/join", fan[0], Map.of()).expect(201);
        assertEquals(api.delete("/api/v1/users/" + owner[1] + "/follow", fan[0]).expect(200).get("followerCount").asInt(), 0);
        api.get("/api/v1/streams/" + id, fan[0]).expectError(403, "FOLLOWERS_ONLY");
        api.post("/api/v1/users/" + fan[1] + "/follow", fan[0], Map.of()).expectError(400, "VALIDATION_FAILED");
    }

    @Test
    public void unknownIdsAre404s() {
        String[] u = api.devUser("Nobody");
        api.get("/api/v1/streams/does-not-exist", u[0]).expectError(404, "STREAM_NOT_FOUND");
        api.post("/api/v1/streams/does-not-exist/start", u[0], Map.of()).expectError(404, "STREAM_NOT_FOUND");
        api.get("/api/v1/streams/" + "x".repeat(300), u[0]).expectError(404, "STREAM_NOT_FOUND");
        api.get("/api/v1/recordings/nope", u[0]).expectError(404, "RECORDING_NOT_FOUND");
        api.post("/api/v1/streams/does-not-exist/comments/c1/pin", u[0], Map.of()).expectError(404, "STREAM_NOT_FOUND");
    }
}
