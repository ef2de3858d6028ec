package io.relaycast.signaling.gateway;

import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Two server instances on this machine sharing the local Redis (REDIS_URL): a chat message sent to node A
 * reaches a client connected to node B, through netty-socketio's RedissonStoreFactory.
 */
public class RedisClusteringTest {
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

    @Test
    public void roomBroadcastsCrossNodes() throws Exception {
        String[] host = nodeA.api.devUser("Host");
        String id = nodeA.api.post("/api/v1/streams", host[0], Map.of("title", "Clustered")).expect(201).get("id").asText();
        nodeA.api.post("/api/v1/streams/" + id + "/start", host[0], Map.of()).expect(200);
        try (SocketClient onA = SocketClient.connect(nodeA.socketUrl(), host[0]);
             SocketClient onB = SocketClient.connect(nodeB.socketUrl(), null)) {
            onA.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            onB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            JSONObject sent = onA.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "across nodes"));
            String sentId = sent.getString("id");
            JSONObject heard = onB.await(Events.CHAT_MESSAGE, o -> o.optString("id").equals(sentId), 10_000);
            assertEquals(heard.getString("message"), "across nodes");
            // and the other way: a reaction sent on B reaches A's client
            String[] fan = nodeB.api.devUser("Fan");
            try (SocketClient fanOnB = SocketClient.connect(nodeB.socketUrl(), fan[0])) {
                fanOnB.request(Events.REACTION, Map.of("streamId", id, "type", "clap"));
                assertEquals(onA.await(Events.REACTION, o -> o.optString("type").equals("clap"), 10_000).getString("userId"), fan[1]);
            }
            assertTrue(onB.isConnected());
        }
    }
}
