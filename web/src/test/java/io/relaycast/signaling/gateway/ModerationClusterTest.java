package io.relaycast.signaling.gateway;

import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * Bans across two nodes (one PostgreSQL database, the local Redis): a ban made over REST on node A stops the
 * banned user's chat and reactions at once on node B (socket and REST), and the banned user's socket on B is told
 * once with stream:error BANNED.
 */
public class ModerationClusterTest {
    private static final String REDIS = System.getenv().getOrDefault("RELAYCAST_TEST_REDIS", "redis://127.0.0.1:6379");
    private TestServer nodeA;
    private TestServer nodeB;

    @BeforeClass
    public void start() {
        nodeA = TestServer.start(Map.of("relaycast.redis.url", REDIS));
        nodeB = TestServer.start(Map.of("relaycast.redis.url", REDIS));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static String errorCode(JSONObject ack) {
        JSONObject e = ack.optJSONObject("error");
        return e == null ? null : e.optString("code");
    }

    @Test
    public void aBanOnOneNodeStopsTheUserOnTheOther() throws Exception {
        String[] host = nodeA.api.devUser("Host");
        String[] troll = nodeB.api.devUser("Troll");
        String[] fan = nodeB.api.devUser("Fan");
        String id = nodeA.api.post("/api/v1/streams", host[0], Map.of("title", "Moderated")).expect(201).get("id").asText();
        nodeA.api.post("/api/v1/streams/" + id + "/start", host[0], Map.of()).expect(200);
        try (SocketClient hostOnA = SocketClient.connect(nodeA.socketUrl(), host[0]);
             SocketClient trollOnB = SocketClient.connect(nodeB.socketUrl(), troll[0])) {
            hostOnA.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            trollOnB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            JSONObject first = trollOnB.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "hello"));
            assertEquals(errorCode(first), null, first.toString());

            nodeA.api.post("/api/v1/streams/" + id + "/bans", fan[0], Map.of("userId", troll[1])).expectError(403, "FORBIDDEN");
            var ban = nodeA.api.post("/api/v1/streams/" + id + "/bans", host[0], Map.of("userId", troll[1], "reason", "spam")).expect(201);
            assertEquals(ban.get("userId").asText(), troll[1]);
            assertTrue(ban.get("expiresAt").isNull());

            // told once, on the other node, before trying anything
            JSONObject told = trollOnB.await(Events.ERROR, o -> "BANNED".equals(o.optString("code")), 10_000);
            assertEquals(told.getString("streamId"), id);
            trollOnB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id)); // a round trip after the notice
            assertEquals(trollOnB.events(Events.ERROR).stream().filter(o -> "BANNED".equals(o.optString("code"))).count(), 1L);

            // refused at once on node B's socket, and over REST on both nodes
            assertEquals(errorCode(trollOnB.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "still here"))), "BANNED");
            assertEquals(errorCode(trollOnB.request(Events.REACTION, Map.of("streamId", id, "type", "fire"))), "BANNED");
            nodeB.api.post("/api/v1/streams/" + id + "/comments", troll[0], Map.of("content", "rest B")).expectError(403, "BANNED");
            nodeA.api.post("/api/v1/streams/" + id + "/comments", troll[0], Map.of("content", "rest A")).expectError(403, "BANNED");
            nodeA.api.post("/api/v1/streams/" + id + "/reactions", troll[0], Map.of("type", "like")).expectError(403, "BANNED");
            // nobody heard the refused messages
            hostOnA.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            assertFalse(hostOnA.events(Events.CHAT_MESSAGE).stream().anyMatch(o -> o.optString("message").startsWith("still")
                    || o.optString("message").startsWith("rest")));
            // others are not affected
            nodeB.api.post("/api/v1/streams/" + id + "/comments", fan[0], Map.of("content", "fine")).expect(201);

            var list = nodeB.api.get("/api/v1/streams/" + id + "/bans", host[0]).expect(200).get("items");
            assertEquals(list.size(), 1);
            assertEquals(list.get(0).get("reason").asText(), "spam");
            nodeB.api.get("/api/v1/streams/" + id + "/bans", troll[0]).expectError(403, "FORBIDDEN");

            nodeB.api.delete("/api/v1/streams/" + id + "/bans/" + troll[1], host[0]).expect(204);
            nodeB.api.delete("/api/v1/streams/" + id + "/bans/" + troll[1], host[0]).expectError(404, "NOT_FOUND");
            JSONObject back = trollOnB.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "sorry"));
            assertEquals(errorCode(back), null, back.toString());
        }
    }

    @Test
    public void aTimeoutOverRestIsListedWithItsEndAndUnpinIsBroadcast() throws Exception {
        String[] host = nodeA.api.devUser("Host");
        String[] loud = nodeA.api.devUser("Loud");
        String id = nodeA.api.post("/api/v1/streams", host[0], Map.of("title", "Timeouts")).expect(201).get("id").asText();
        nodeA.api.post("/api/v1/streams/" + id + "/start", host[0], Map.of()).expect(200);
        var ban = nodeA.api.post("/api/v1/streams/" + id + "/bans", host[0],
                Map.of("userId", loud[1], "durationSeconds", 600)).expect(201);
        assertFalse(ban.get("expiresAt").isNull());
        nodeA.api.post("/api/v1/streams/" + id + "/bans", host[0], Map.of("userId", loud[1], "durationSeconds", 0))
                .expectError(400, "VALIDATION_FAILED");
        nodeA.api.post("/api/v1/streams/" + id + "/bans", host[0], Map.of("userId", host[1]))
                .expectError(400, "VALIDATION_FAILED");
        nodeB.api.post("/api/v1/streams/" + id + "/comments", loud[0], Map.of("content", "x")).expectError(403, "BANNED");

        String cid = nodeA.api.post("/api/v1/streams/" + id + "/comments", host[0], Map.of("content", "pinned")).expect(201)
                .get("id").asText();
        try (SocketClient watcherOnB = SocketClient.connect(nodeB.socketUrl(), null)) {
            watcherOnB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            nodeA.api.post("/api/v1/streams/" + id + "/comments/" + cid + "/pin", host[0], Map.of()).expect(200);
            var unpinned = nodeA.api.post("/api/v1/streams/" + id + "/comments/" + cid + "/unpin", host[0], Map.of()).expect(200);
            assertFalse(unpinned.get("pinned").asBoolean());
            assertEquals(watcherOnB.await(Events.CHAT_UNPINNED, o -> o.optString("id").equals(cid), 10_000).getString("streamId"), id);
            nodeA.api.post("/api/v1/streams/" + id + "/comments/" + cid + "/unpin", loud[0], Map.of()).expectError(403, "FORBIDDEN");
        }
    }
}
