package io.relaycast.web.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.cluster.NodeInfo;
import io.relaycast.signaling.cluster.NodeRegistry;
import io.relaycast.signaling.cluster.RedisNodeRegistry;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.RecordingMediaPlane;
import io.relaycast.signaling.gateway.SocketClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * Two (and for the failure, three) servers in this JVM on one PostgreSQL database and the local Redis, as nodes of
 * one cluster behind a load balancer. The media planes are the gateway tests' double: this test is about routing
 * and what follows a stream across nodes, not media (the inter-node relay is tested on its own); on node B the
 * double is told the stream is there, standing for the relayed copy.
 * <ul>
 *   <li>the publish on A makes A the origin, on every node's registry; GET /api/v1/nodes on B shows it;</li>
 *   <li>viewers on A and on B are counted together, on both nodes, and the viewer.milestone webhook is written once;</li>
 *   <li>HLS asked of B is redirected to A, where it is made;</li>
 *   <li>the end through B reaches the viewers on both nodes, stops the publication on A (the origin) and writes one
 *   stream.ended webhook;</li>
 *   <li>a node that stops heartbeating leaves the routing within 5 s; the viewers of its streams on the other nodes
 *   hear stream:interrupted once; a stream published again elsewhere gets stream:resumed and stays live; the
 *   other one has ended after the publisher grace.</li>
 * </ul>
 */
public class StreamAcrossNodesClusterTest {
    private static final String REDIS = System.getenv().getOrDefault("RELAYCAST_TEST_REDIS", "redis://127.0.0.1:6379");
    private final String cluster = "test-" + UUID.randomUUID();
    private final RecordingMediaPlane mediaA = new RecordingMediaPlane();
    private final RecordingMediaPlane mediaB = new RecordingMediaPlane();
    private TestServer nodeA;
    private TestServer nodeB;

    private Map<String, Object> config() {
        Map<String, Object> c = new HashMap<>();
        c.put("relaycast.redis.url", REDIS);
        c.put("relaycast.cluster.name", cluster);
        c.put("relaycast.signaling.publisher-grace", "3s");
        c.put("relaycast.shop.viewer-milestones", List.of(2));
        c.put("relaycast.webhooks.enabled", false); // written to the outbox, not sent: counted there
        c.put("relaycast.webhooks.allow-private-targets", true);
        return c;
    }

    @BeforeClass
    public void start() {
        nodeA = TestServer.start(config(), mediaA);
        nodeB = TestServer.start(config(), mediaB);
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

    private static NodeRegistry registry(TestServer node) {
        return node.server.cluster().registry();
    }

    private static long waitFor(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > millis * 1_000_000) {
                fail("not within " + millis + " ms: " + what);
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private int events(String type, String streamId) {
        return nodeA.server.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM webhook_events WHERE type = :t AND CAST(body AS TEXT) LIKE :s")
                .bind("t", type).bind("s", "%" + streamId + "%").mapTo(Integer.class).one());
    }

    private static void publish(SocketClient caster, String streamId) {
        JSONObject ack = caster.request(Events.OFFER, Map.of("streamId", streamId, "offer", Map.of("type", "offer", "sdp", "v=0 offer")));
        assertTrue(ack.has("answer"), ack.toString());
    }

    @Test
    public void countsEndAndHlsFollowTheStreamAcrossNodes() throws Exception {
        String admin = nodeA.api.devUser("Operator", "admin")[0];
        String[] host = nodeA.api.devUser("Host");
        String hook = nodeB.api.post("/api/v1/webhooks", admin, Map.of("url", "http://127.0.0.1:9/hook",
                "events", List.of("stream.ended", "viewer.milestone"))).expect(201).get("id").asText();
        try {
            countsEndAndHls(admin, host);
        } finally {
            nodeB.api.delete("/api/v1/webhooks/" + hook, admin); // the test database is shared: leave no endpoint
        }
    }

    private void countsEndAndHls(String admin, String[] host) throws Exception {
        String id = nodeA.api.post("/api/v1/streams", host[0], Map.of("title", "Across nodes")).expect(201).get("id").asText();
        String a = registry(nodeA).self().id();
        String b = registry(nodeB).self().id();
        try (SocketClient caster = SocketClient.connect(nodeA.socketUrl(), host[0])) {
            publish(caster, id);
            assertEquals(registry(nodeB).origin(id).map(NodeInfo::id), Optional.of(a), "the publish on A made A the origin");

            JsonNode nodes = nodeB.api.get("/api/v1/nodes", admin).expect(200);
            assertEquals(nodes.get("self").asText(), b);
            Map<String, JsonNode> byId = new HashMap<>();
            nodes.get("items").forEach(n -> byId.put(n.get("id").asText(), n));
            assertEquals(byId.get(a).get("streams").toString(), "[\"" + id + "\"]", nodes.toString());
            assertEquals(byId.get(b).get("streams").size(), 0);
            assertEquals(byId.get(a).get("httpUrl").asText(), nodeA.server.publicUrl());
            nodeB.api.get("/api/v1/nodes", host[0]).expectError(403, "FORBIDDEN");

            mediaB.published.put(id, "relay"); // B's copy of the stream (what the relay provides)
            String[] fanA = nodeA.api.devUser("Fan on A");
            String[] fanB = nodeB.api.devUser("Fan on B");
            try (SocketClient viewerA = SocketClient.connect(nodeA.socketUrl(), fanA[0]);
                 SocketClient viewerB = SocketClient.connect(nodeB.socketUrl(), fanB[0])) {
                assertTrue(viewerA.request(Events.JOIN, Map.of("streamId", id)).has("sessionId"));
                assertTrue(viewerB.request(Events.JOIN, Map.of("streamId", id)).has("sessionId"));
                // every node counts every node's viewers, once
                viewerA.await(Events.VIEWER_COUNT, o -> o.optInt("current") == 2, 10_000);
                viewerB.await(Events.VIEWER_COUNT, o -> o.optInt("current") == 2, 10_000);
                assertEquals(nodeB.api.get("/api/v1/streams/" + id + "/viewers", host[0]).expect(200).get("current").asInt(), 2);
                waitFor(() -> events("viewer.milestone", id) >= 1, 5000, "the viewer.milestone of 2 viewers");

                // HLS is made on the origin: B redirects there, with the query (playback token) kept
                var redirected = nodeB.api.get("/hls/" + id + "/master.m3u8?token=t1", null);
                assertEquals(redirected.status(), 307, redirected.body());
                assertEquals(redirected.raw().headers().firstValue("Location").orElse(""),
                        nodeA.server.publicUrl() + "/hls/" + id + "/master.m3u8?token=t1");
                assertEquals(nodeB.api.get("/thumbnails/" + id + ".jpg", null).status(), 307);
                assertEquals(nodeA.api.get("/hls/" + id + "/master.m3u8", null).status(), 404,
                        "the origin never redirects to itself (HLS is off in tests: nothing made yet)");

                // ended through B (where the load balancer sent the REST call): every node's viewers hear it
                nodeB.api.post("/api/v1/streams/" + id + "/end", host[0], Map.of()).expect(200);
                viewerA.await(Events.ENDED, o -> o.optString("streamId").equals(id), 10_000);
                viewerB.await(Events.ENDED, o -> o.optString("streamId").equals(id), 10_000);
                viewerA.await(Events.END, o -> o.optString("streamId").equals(id), 10_000);
                caster.await(Events.ENDED, o -> o.optString("streamId").equals(id), 10_000);
                // the origin stopped the publication although the end happened on B
                waitFor(() -> mediaA.calls.contains("closeStream " + id), 5000, "A closes the stream's media");
                assertTrue(registry(nodeA).origin(id).isEmpty());
                assertEquals(nodeB.api.get("/hls/" + id + "/master.m3u8", null).status(), 404, "no origin: no redirect");
            }
        }
        Thread.sleep(500); // the viewers' leaves and any late milestone check
        assertEquals(events("stream.ended", id), 1, "one stream.ended webhook for two nodes");
        assertEquals(events("viewer.milestone", id), 1, "one viewer.milestone webhook for two nodes");
    }

    @Test
    public void aDeadOriginIsRemovedAndItsViewersElsewhereAreToldTheStreamIsInterrupted() throws Exception {
        RecordingMediaPlane mediaC = new RecordingMediaPlane();
        try (TestServer nodeC = TestServer.start(config(), mediaC)) {
            String c = registry(nodeC).self().id();
            String[] host = nodeC.api.devUser("Caster");
            String back = nodeC.api.post("/api/v1/streams", host[0], Map.of("title", "Comes back")).expect(201).get("id").asText();
            String gone = nodeC.api.post("/api/v1/streams", host[0], Map.of("title", "Gone")).expect(201).get("id").asText();
            List<Map.Entry<String, List<String>>> removedOnB = new CopyOnWriteArrayList<>();
            registry(nodeB).addListener((node, orphaned) -> removedOnB.add(Map.entry(node.id(), orphaned)));

            try (SocketClient casterOnC = SocketClient.connect(nodeC.socketUrl(), host[0]);
                 SocketClient viewerA = SocketClient.connect(nodeA.socketUrl(), null);
                 SocketClient viewerB = SocketClient.connect(nodeB.socketUrl(), null)) {
                publish(casterOnC, back);
                publish(casterOnC, gone);
                assertEquals(registry(nodeA).origin(gone).map(NodeInfo::id), Optional.of(c));
                viewerA.request(Events.JOIN_LIVESTREAM, Map.of("streamId", back));
                viewerB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", back));
                viewerB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", gone));

                long t0 = System.nanoTime();
                ((RedisNodeRegistry) registry(nodeC)).stopHeartbeats(); // C dies, as far as the cluster can tell
                waitFor(() -> registry(nodeB).nodes().stream().noneMatch(n -> n.id().equals(c)), 5000, "C leaves the routing");
                long outOfRouting = (System.nanoTime() - t0) / 1_000_000;
                waitFor(() -> !removedOnB.isEmpty(), 5500, "B hears C was removed");
                long announced = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("dead node: out of the routing after %d ms, orphans announced after %d ms%n",
                        outOfRouting, announced);
                assertEquals(removedOnB.get(0).getKey(), c);
                assertEquals(removedOnB.get(0).getValue().stream().sorted().toList(), java.util.stream.Stream.of(back, gone).sorted().toList());
                assertTrue(registry(nodeA).origin(back).isEmpty());

                viewerA.await(Events.INTERRUPTED, o -> o.optString("streamId").equals(back), 5000);
                viewerB.await(Events.INTERRUPTED, o -> o.optString("streamId").equals(back), 5000);
                viewerB.await(Events.INTERRUPTED, o -> o.optString("streamId").equals(gone), 5000);

                // the broadcaster's page reconnects through the load balancer to B and publishes "back" again
                try (SocketClient casterOnB = SocketClient.connect(nodeB.socketUrl(), host[0])) {
                    publish(casterOnB, back);
                    assertEquals(registry(nodeA).origin(back).map(NodeInfo::id), Optional.of(registry(nodeB).self().id()));
                    viewerA.await(Events.RESUMED, o -> o.optString("streamId").equals(back), 5000);
                    viewerB.await(Events.RESUMED, o -> o.optString("streamId").equals(back), 5000);

                    // "gone" nobody published again: ended after the grace (3 s), "back" lives on
                    viewerB.await(Events.ENDED, o -> o.optString("streamId").equals(gone), 10_000);
                    Thread.sleep(500);
                    assertEquals(nodeA.api.get("/api/v1/streams/" + back, null).expect(200).get("status").asText(), "live");
                    assertEquals(nodeA.api.get("/api/v1/streams/" + gone, null).expect(200).get("status").asText(), "ended");
                    // each node told its own viewers, once
                    assertEquals(viewerA.events(Events.INTERRUPTED).size(), 1, viewerA.events(Events.INTERRUPTED).toString());
                    assertEquals(viewerB.events(Events.INTERRUPTED).stream().filter(o -> o.optString("streamId").equals(back)).count(), 1L);
                    assertEquals(viewerA.events(Events.RESUMED).size(), 1);
                    nodeB.api.post("/api/v1/streams/" + back + "/end", host[0], Map.of()).expect(200);
                }
            }
        }
    }
}
