package io.relaycast.signaling.gateway;

import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * Issue 11, item 2: one connection that floods its own event queue and then disconnects must not stall anybody
 * else. The handler pool has ONE thread here and a slow media call holds it, so the other connections' events
 * are waiting in the shared pool queue exactly when the flooder's disconnect arrives over its full queue (the
 * moment the gateway used to clear the shared queue, after which those connections never ran an event or a
 * clean-up again).
 */
public class ConnectionIsolationTest {
    private TestServer server;
    private ApiClient api;
    private RecordingMediaPlane media;
    private String url;

    @BeforeClass
    public void start() {
        media = new RecordingMediaPlane();
        server = TestServer.start(Map.of("relaycast.signaling.handler-threads", 1), media);
        api = server.api;
        url = server.socketUrl();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    @Test
    public void aFloodThenDisconnectLeavesOtherConnectionsChattingAndCleanedUp() throws Exception {
        String[] owner = api.devUser("Host");
        String id = api.post("/api/v1/streams", owner[0], Map.of("title", "Busy room")).expect(201).get("id").asText();
        String blockerStream = api.post("/api/v1/streams", owner[0], Map.of("title", "Slow SFU")).expect(201).get("id").asText();
        List<SocketClient> chatters = new ArrayList<>();
        try (SocketClient caster = SocketClient.connect(url, owner[0]); SocketClient blocker = SocketClient.connect(url, owner[0])) {
            caster.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0"));
            for (int i = 0; i < 4; i++) {
                SocketClient c = SocketClient.connect(url, api.devUser("Chatter" + i)[0]);
                chatters.add(c);
                c.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
                assertTrue(c.request(Events.JOIN, Map.of("streamId", id)).has("iceServers"), "watching over WebRTC");
            }
            assertEquals(viewers(id), 4);

            // the only handler thread is now busy in a slow media call
            CompletableFuture<JSONObject> slow = blocker.requestAsync(Events.OFFER, Map.of("streamId", blockerStream, "offer", "v=0 slow"));
            waitFor(() -> media.calls.stream().anyMatch(c -> c.startsWith("publish " + blockerStream + " ")), 10_000, "slow publish started");
            // everybody else's events queue behind it in the shared pool queue
            List<CompletableFuture<JSONObject>> sent = new ArrayList<>();
            for (int i = 0; i < chatters.size(); i++) {
                sent.add(chatters.get(i).requestAsync(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "during flood " + i)));
            }
            try (SocketClient flooder = SocketClient.connect(url, api.devUser("Flooder")[0])) {
                for (int i = 0; i < 300; i++) {
                    flooder.emit(Events.QUALITY, Map.of("streamId", id, "quality", "low"));
                }
            } // ...and disconnects at once, its queue full

            assertTrue(slow.get(30, TimeUnit.SECONDS).has("answer"), "the slow offer finishes");
            for (int i = 0; i < sent.size(); i++) {
                JSONObject ack = sent.get(i).get(20, TimeUnit.SECONDS);
                assertEquals(ack.optString("message"), "during flood " + i, "queued before the disconnect: " + ack);
            }
            // and later events keep flowing, to everyone
            JSONObject after = chatters.get(0).request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "after flood"));
            assertEquals(after.getString("message"), "after flood");
            for (SocketClient c : chatters) {
                c.await(Events.CHAT_MESSAGE, o -> o.optString("message").equals("after flood"), 10_000);
            }
            // their clean-up runs when they leave: SFU peers closed, viewer sessions ended
            for (SocketClient c : chatters) {
                c.close();
            }
            waitFor(() -> media.calls.stream().filter(c -> c.startsWith("close " + id + " view:")).count() == 4, 20_000,
                    "4 viewer peers closed; calls: " + media.calls);
            waitFor(() -> viewers(id) == 0, 20_000, "viewer sessions ended");
        } finally {
            chatters.forEach(SocketClient::close);
        }
    }

    private int viewers(String id) {
        return api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt();
    }

    private static void waitFor(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
