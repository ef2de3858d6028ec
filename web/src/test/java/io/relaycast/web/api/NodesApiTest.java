package io.relaycast.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.RecordingMediaPlane;
import io.relaycast.signaling.gateway.SocketClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * {@code GET /api/v1/nodes} on a single node (no Redis: the in-memory registry): admins see this node with its
 * URLs, load and the streams published here; other users get 403, anonymous callers 401. A REST start alone makes
 * no node the origin; the publish does, and the end clears it.
 */
public class NodesApiTest {
    private TestServer server;
    private RecordingMediaPlane media;

    @BeforeClass
    public void start() {
        media = new RecordingMediaPlane();
        server = TestServer.start(Map.of("relaycast.cluster.node-id", "node-one",
                "relaycast.cluster.node-url", "http://10.1.2.3:8080", "relaycast.cluster.media-host", "203.0.113.7"), media);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void adminsSeeTheNodeAndItsStreamsOthersAreRefused() throws Exception {
        String admin = server.api.devUser("Operator", "admin")[0];
        String[] host = server.api.devUser("Host");
        server.api.get("/api/v1/nodes", host[0]).expectError(403, "FORBIDDEN");
        server.api.get("/api/v1/nodes", null).expectError(401, "UNAUTHENTICATED");

        String id = server.api.post("/api/v1/streams", host[0], Map.of("title", "Routed")).expect(201).get("id").asText();
        server.api.post("/api/v1/streams/" + id + "/start", host[0], Map.of()).expect(200);
        JsonNode before = server.api.get("/api/v1/nodes", admin).expect(200);
        assertEquals(before.get("self").asText(), "node-one");
        assertEquals(before.get("items").size(), 1);
        JsonNode node = before.get("items").get(0);
        assertEquals(node.get("id").asText(), "node-one");
        assertEquals(node.get("httpUrl").asText(), "http://10.1.2.3:8080");
        assertEquals(node.get("mediaHost").asText(), "203.0.113.7");
        assertTrue(node.get("self").asBoolean());
        assertTrue(node.has("load") && node.has("viewers") && node.has("heartbeatAt"), node.toString());
        assertEquals(node.get("streams").size(), 0, "a REST start without a publisher makes no node its origin");

        try (SocketClient caster = SocketClient.connect(server.socketUrl(), host[0])) {
            JSONObject ack = caster.request(Events.OFFER, Map.of("streamId", id, "offer", Map.of("type", "offer", "sdp", "v=0 offer")));
            assertTrue(ack.has("answer"), ack.toString());
            JsonNode during = server.api.get("/api/v1/nodes", admin).expect(200).get("items").get(0);
            assertEquals(during.get("streams").toString(), "[\"" + id + "\"]");
            assertTrue(during.get("load").asInt() >= 1, "the publisher's peer counts: " + during);
            assertEquals(server.server.cluster().registry().origin(id).orElseThrow().id(), "node-one");

            server.api.post("/api/v1/streams/" + id + "/end", host[0], Map.of()).expect(200);
            assertEquals(server.api.get("/api/v1/nodes", admin).expect(200).get("items").get(0).get("streams").size(), 0);
            assertTrue(server.server.cluster().registry().origin(id).isEmpty());
        }
        assertEquals(server.server.cluster().registry().nodes().stream().map(n -> n.id()).toList(), List.of("node-one"));
    }
}
