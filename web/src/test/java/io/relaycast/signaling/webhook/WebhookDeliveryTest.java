package io.relaycast.signaling.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * Webhooks end to end: real servers on this run's PostgreSQL database, a real HTTP receiver, signatures checked
 * with the test's own HMAC code. Retry delays come from config (hundreds of milliseconds instead of seconds);
 * nothing here sleeps as an assertion, it waits for conditions.
 */
public class WebhookDeliveryTest {
    private static final long WAIT = 60_000;

    /** Fast retries for tests; allow-private-targets because the receiver is on 127.0.0.1. */
    public static Map<String, Object> fast() {
        Map<String, Object> o = new HashMap<>();
        o.put("relaycast.webhooks.allow-private-targets", true);
        o.put("relaycast.webhooks.poll-interval", "100ms");
        o.put("relaycast.webhooks.attempt-timeout", "2s");
        o.put("relaycast.webhooks.lease", "10s");
        o.put("relaycast.webhooks.retry.initial-delay", "300ms");
        o.put("relaycast.webhooks.retry.multiplier", 2);
        o.put("relaycast.webhooks.retry.max-delay", "2s");
        o.put("relaycast.webhooks.disable-after-failures", 4);
        o.put("relaycast.webhooks.disable-after", "0s");
        return o;
    }

    public static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + WAIT;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Registers an endpoint; returns {id, secret}. */
    static String[] register(ApiClient api, String admin, String url, List<String> events) {
        JsonNode r = api.post("/api/v1/webhooks", admin, Map.of("url", url, "events", events)).expect(201);
        return new String[]{r.get("id").asText(), r.get("secret").asText()};
    }

    static String liveStream(ApiClient api, String owner, String title) {
        String id = api.post("/api/v1/streams", owner, Map.of("title", title)).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + id + "/start", owner, Map.of()).expect(200);
        return id;
    }

    @Test
    public void adminsManageEndpointsAndEveryDeliveryIsSigned() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(); TestServer node = TestServer.start(fast())) {
            String admin = node.api.devUser("Admin", "admin")[0];
            String[] host = node.api.devUser("Host");
            node.api.post("/api/v1/webhooks", host[0], Map.of("url", receiver.url(), "events", List.of("stream.started")))
                    .expectError(403, "FORBIDDEN");
            node.api.post("/api/v1/webhooks", admin, Map.of("url", receiver.url(), "events", List.of("stream.begun")))
                    .expectError(400, "VALIDATION_FAILED");
            node.api.post("/api/v1/webhooks", admin, Map.of("url", receiver.url(), "events", List.of()))
                    .expectError(400, "VALIDATION_FAILED");
            String[] ep = register(node.api, admin, receiver.url(),
                    List.of("stream.started", "stream.ended", "stream.cancelled"));
            try {
                assertTrue(ep[1].startsWith("whsec_"), ep[1]);
                assertEquals(java.util.Base64.getDecoder().decode(ep[1].substring(6)).length, 32);
                JsonNode listed = node.api.get("/api/v1/webhooks", admin).expect(200);
                JsonNode mine = null;
                for (JsonNode e : listed.get("items")) {
                    assertFalse(e.has("secret"), "the secret is shown at creation only: " + e);
                    if (e.get("id").asText().equals(ep[0])) {
                        mine = e;
                    }
                }
                assertNotNull(mine);
                assertTrue(mine.get("enabled").asBoolean());
                node.api.get("/api/v1/webhooks", host[0]).expectError(403, "FORBIDDEN");

                String live = liveStream(node.api, host[0], "Signed");
                node.api.post("/api/v1/streams/" + live + "/end", host[0], Map.of()).expect(200);
                String cancelled = node.api.post("/api/v1/streams", host[0], Map.of("title", "Never")).expect(201).get("id").asText();
                node.api.delete("/api/v1/streams/" + cancelled, host[0]);
                waitFor("stream.started and stream.ended", () -> receiver.forStream(live).size() >= 2);
                waitFor("stream.cancelled", () -> receiver.forStream(cancelled).size() >= 1);

                List<WebhookReceiver.Received> all = new ArrayList<>(receiver.forStream(live));
                all.addAll(receiver.forStream(cancelled));
                Set<String> types = new HashSet<>();
                for (WebhookReceiver.Received r : all) {
                    assertTrue(WebhookReceiver.signatureValid(ep[1], r), "signature of " + r);
                    assertTrue(r.id().startsWith("msg_"), r.id());
                    long ts = Long.parseLong(r.timestamp());
                    assertTrue(Math.abs(ts - System.currentTimeMillis() / 1000) < 300, "timestamp is now, in seconds: " + ts);
                    JsonNode body = r.json();
                    types.add(body.get("type").asText());
                    assertTrue(body.get("timestamp").asText().endsWith("Z"), body.toString());
                    assertEquals(body.get("data").get("ownerId").asText(), host[1]);
                    // a tampered body must not verify: the check really depends on the bytes
                    assertFalse(WebhookReceiver.signatureValid(ep[1], new WebhookReceiver.Received(r.id(), r.timestamp(),
                            r.signature(), r.body().replace("\"type\"", "\"typ\""), 0)));
                }
                assertEquals(types, Set.of("stream.started", "stream.ended", "stream.cancelled"));
            } finally {
                node.api.delete("/api/v1/webhooks/" + ep[0], admin).expect(204);
            }
            node.api.get("/api/v1/webhooks/" + ep[0], admin).expectError(404, "WEBHOOK_NOT_FOUND");
        }
    }

    @Test
    public void failedAttemptsAreRetriedWithTheSameWebhookIdAndLogged() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(); TestServer node = TestServer.start(fast())) {
            String admin = node.api.devUser("Admin", "admin")[0];
            String host = node.api.devUser("Host")[0];
            String[] ep = register(node.api, admin, receiver.url(), List.of("stream.started"));
            try {
                receiver.answer(500);
                receiver.answer(500);
                String stream = liveStream(node.api, host, "Flaky receiver");
                waitFor("three attempts", () -> receiver.forStream(stream).size() >= 3);
                List<WebhookReceiver.Received> got = receiver.forStream(stream);
                assertEquals(got.get(1).id(), got.get(0).id());
                assertEquals(got.get(2).id(), got.get(0).id());
                for (WebhookReceiver.Received r : got) {
                    assertTrue(WebhookReceiver.signatureValid(ep[1], r), "every attempt is signed afresh");
                    assertEquals(r.body(), got.get(0).body(), "every attempt sends the same body");
                }
                // backoff: the second retry waits longer than the first (300ms then 600ms, +-20 % jitter)
                long firstGap = got.get(1).receivedAtMillis() - got.get(0).receivedAtMillis();
                long secondGap = got.get(2).receivedAtMillis() - got.get(1).receivedAtMillis();
                assertTrue(firstGap >= 240, "first retry waited " + firstGap + "ms");
                assertTrue(secondGap >= 480, "second retry waited " + secondGap + "ms");

                waitFor("the log shows three attempts", () -> node.api.get("/api/v1/webhooks/" + ep[0] + "/deliveries", admin)
                        .expect(200).get("items").size() >= 3);
                JsonNode log = node.api.get("/api/v1/webhooks/" + ep[0] + "/deliveries", admin).expect(200).get("items");
                assertEquals(log.size(), 3, log.toString());
                // newest first
                assertEquals(log.get(0).get("responseCode").asInt(), 200);
                assertEquals(log.get(0).get("status").asText(), "delivered");
                assertEquals(log.get(0).get("attempt").asInt(), 3);
                assertEquals(log.get(1).get("responseCode").asInt(), 500);
                assertEquals(log.get(1).get("status").asText(), "failed");
                assertEquals(log.get(2).get("responseCode").asInt(), 500);
                for (JsonNode a : log) {
                    assertEquals(a.get("webhookId").asText(), got.get(0).id());
                    assertEquals(a.get("deliveryStatus").asText(), "delivered");
                }
            } finally {
                node.api.delete("/api/v1/webhooks/" + ep[0], admin).expect(204);
            }
        }
    }

    @Test
    public void aSlowReceiverDoesNotDelayTheApiAndTimesOutPerAttempt() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(); TestServer node = TestServer.start(fast())) {
            String admin = node.api.devUser("Admin", "admin")[0];
            String host = node.api.devUser("Host")[0];
            String[] ep = register(node.api, admin, receiver.url(), List.of("stream.started"));
            try {
                // the first attempt is held 8 s, far beyond attempt-timeout (2 s); the retry is answered at once
                receiver.answer(200, 8_000);
                String stream = node.api.post("/api/v1/streams", host, Map.of("title", "Slow")).expect(201).get("id").asText();
                long t0 = System.nanoTime();
                node.api.post("/api/v1/streams/" + stream + "/start", host, Map.of()).expect(200);
                long apiMillis = (System.nanoTime() - t0) / 1_000_000;
                waitFor("the first attempt reaches the receiver", () -> receiver.forStream(stream).size() >= 1);
                assertTrue(apiMillis < 4_000, "the API call took " + apiMillis + "ms while the receiver holds for 8 s");
                waitFor("the retry after the timeout", () -> receiver.forStream(stream).size() >= 2);
                List<WebhookReceiver.Received> got = receiver.forStream(stream);
                assertEquals(got.get(1).id(), got.get(0).id());
                assertTrue(got.get(1).receivedAtMillis() - got.get(0).receivedAtMillis() < 7_000,
                        "the retry came before the held answer would have: the attempt timed out");
                waitFor("the log shows the timeout and the delivery", () -> node.api.get("/api/v1/webhooks/" + ep[0]
                        + "/deliveries", admin).expect(200).get("items").size() >= 2);
                JsonNode log = node.api.get("/api/v1/webhooks/" + ep[0] + "/deliveries", admin).expect(200).get("items");
                assertEquals(log.get(0).get("status").asText(), "delivered");
                assertEquals(log.get(1).get("status").asText(), "failed");
                assertTrue(log.get(1).get("responseCode").isNull());
                assertTrue(log.get(1).get("error").asText().contains("timed out"), log.toString());
            } finally {
                node.api.delete("/api/v1/webhooks/" + ep[0], admin).expect(204);
            }
        }
    }

    @Test
    public void anEndpointThatKeepsFailingIsDisabledWithAVisibleReason() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(); TestServer node = TestServer.start(fast())) {
            String admin = node.api.devUser("Admin", "admin")[0];
            String host = node.api.devUser("Host")[0];
            String[] ep = register(node.api, admin, receiver.url(), List.of("stream.started"));
            try {
                for (int i = 0; i < 10; i++) {
                    receiver.answer(503);
                }
                String stream = liveStream(node.api, host, "Down");
                waitFor("the endpoint is disabled", () -> !node.api.get("/api/v1/webhooks/" + ep[0], admin).expect(200)
                        .get("enabled").asBoolean());
                JsonNode e = node.api.get("/api/v1/webhooks/" + ep[0], admin).expect(200);
                assertEquals(e.get("consecutiveFailures").asInt(), 4, e.toString());
                assertTrue(e.get("disabledReason").asText().contains("4 consecutive failed attempts"), e.toString());
                assertTrue(e.get("disabledReason").asText().contains("HTTP 503"), e.toString());
                assertNotNull(e.get("disabledAt").asText(null));
                int attempts = receiver.forStream(stream).size();
                assertEquals(attempts, 4, "no attempt after the endpoint was disabled");

                // re-enabled: the pending delivery goes out again
                JsonNode on = node.api.post("/api/v1/webhooks/" + ep[0] + "/enable", admin, Map.of()).expect(200);
                assertTrue(on.get("enabled").asBoolean());
                assertEquals(on.get("consecutiveFailures").asInt(), 0);
                receiver.forStream(stream); // the receiver now answers 503 six more times, then 200
                waitFor("delivered after re-enabling", () -> receiver.forStream(stream).size() > attempts);
            } finally {
                node.api.delete("/api/v1/webhooks/" + ep[0], admin).expect(204);
            }
        }
    }

    @Test
    public void loopbackTargetsAreRefusedUnlessAllowed() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Map<String, Object> strict = new HashMap<>(fast());
            strict.put("relaycast.webhooks.allow-private-targets", false);
            String endpointId;
            String secretAdmin;
            try (TestServer open = TestServer.start(fast())) {
                secretAdmin = open.api.devUser("Admin", "admin")[0];
                // registered while allowed ...
                endpointId = register(open.api, secretAdmin, receiver.url(), List.of("stream.started"))[0];
            }
            try (TestServer node = TestServer.start(strict)) {
                String admin = node.api.devUser("Admin", "admin")[0];
                String port = receiver.url().replaceAll(".*:(\\d+)/.*", "$1");
                for (String url : List.of(receiver.url(), "http://localhost:" + port + "/hook", "http://[::1]:" + port + "/",
                        "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:" + port + "/")) {
                    node.api.post("/api/v1/webhooks", admin, Map.of("url", url, "events", List.of("stream.started")))
                            .expectError(400, "TARGET_NOT_ALLOWED");
                }
                node.api.post("/api/v1/webhooks", admin, Map.of("url", "ftp://example.org/x", "events", List.of("stream.started")))
                        .expectError(400, "TARGET_NOT_ALLOWED");
                node.api.post("/api/v1/webhooks", admin, Map.of("url", "file:///etc/passwd", "events", List.of("stream.started")))
                        .expectError(400, "VALIDATION_FAILED");
                // ... and refused again at delivery time, on a node that does not allow it
                String host = node.api.devUser("Host")[0];
                liveStream(node.api, host, "Inward");
                waitFor("a refused attempt in the log", () -> node.api.get("/api/v1/webhooks/" + endpointId + "/deliveries", admin)
                        .expect(200).get("items").size() >= 1);
                JsonNode a = node.api.get("/api/v1/webhooks/" + endpointId + "/deliveries", admin).expect(200).get("items").get(0);
                assertEquals(a.get("status").asText(), "failed");
                assertTrue(a.get("error").asText().startsWith("target refused"), a.toString());
                assertTrue(receiver.received(r -> true).isEmpty(), "nothing reached the loopback receiver");
                node.api.delete("/api/v1/webhooks/" + endpointId, admin).expect(204);
            }
        }
    }

    @Test
    public void aPendingDeliverySurvivesARestart() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String endpointId;
            String secret;
            String stream;
            try (TestServer first = TestServer.start(fast())) {
                String admin = first.api.devUser("Admin", "admin")[0];
                String[] ep = register(first.api, admin, receiver.url(), List.of("stream.started"));
                endpointId = ep[0];
                secret = ep[1];
                receiver.answer(500);
                stream = liveStream(first.api, first.api.devUser("Host")[0], "Restart");
                waitFor("the first (failed) attempt is logged", () -> first.api.get("/api/v1/webhooks/" + endpointId
                        + "/deliveries", admin).expect(200).get("items").size() >= 1);
            }
            // the node is gone with the delivery pending; a new one on the same database sends it
            int before = receiver.forStream(stream).size();
            assertEquals(before, 1);
            try (TestServer second = TestServer.start(fast())) {
                String admin = second.api.devUser("Admin", "admin")[0];
                waitFor("the retry from the restarted node", () -> receiver.forStream(stream).size() >= 2);
                List<WebhookReceiver.Received> got = receiver.forStream(stream);
                assertEquals(got.get(1).id(), got.get(0).id());
                assertTrue(WebhookReceiver.signatureValid(secret, got.get(1)));
                waitFor("delivered", () -> second.api.get("/api/v1/webhooks/" + endpointId + "/deliveries", admin)
                        .expect(200).get("items").get(0).get("deliveryStatus").asText().equals("delivered"));
                second.api.delete("/api/v1/webhooks/" + endpointId, admin).expect(204);
            }
        }
    }

    @Test
    public void twoNodesOnOneDatabaseDeliverEachEventOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver();
             TestServer a = TestServer.start(fast());
             TestServer b = TestServer.start(fast())) {
            String admin = a.api.devUser("Admin", "admin")[0];
            String[] ep = register(a.api, admin, receiver.url(), List.of("stream.started", "stream.ended"));
            try {
                String hostA = a.api.devUser("HostA")[0];
                String hostB = b.api.devUser("HostB")[0];
                // a receiver that takes a moment keeps both dispatchers busy at once
                for (int i = 0; i < 40; i++) {
                    receiver.answer(200, 50);
                }
                List<String> streams = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    ApiClient api = i % 2 == 0 ? a.api : b.api;
                    String id = liveStream(api, i % 2 == 0 ? hostA : hostB, "Clustered " + i);
                    api.post("/api/v1/streams/" + id + "/end", i % 2 == 0 ? hostA : hostB, Map.of()).expect(200);
                    streams.add(id);
                }
                waitFor("20 events", () -> streams.stream().allMatch(s -> receiver.forStream(s).size() >= 2));
                // wait until nothing is pending or leased any more, then count: a second send would be in by then
                waitFor("no pending delivery", () -> a.server.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = :e AND (status = 'pending' OR lease_owner IS NOT NULL)")
                        .bind("e", ep[0]).mapTo(Integer.class).one()) == 0);
                Map<String, Integer> perId = new HashMap<>();
                for (String s : streams) {
                    for (WebhookReceiver.Received r : receiver.forStream(s)) {
                        perId.merge(r.id(), 1, Integer::sum);
                    }
                }
                assertEquals(perId.size(), 20, perId.toString());
                perId.forEach((id, n) -> assertEquals((int) n, 1, "webhook " + id + " was delivered " + n + " times"));
                int logged = a.server.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM webhook_attempts WHERE endpoint_id = :e").bind("e", ep[0]).mapTo(Integer.class).one());
                assertEquals(logged, 20, "one attempt per event");
            } finally {
                a.api.delete("/api/v1/webhooks/" + ep[0], admin).expect(204);
            }
        }
    }
}
