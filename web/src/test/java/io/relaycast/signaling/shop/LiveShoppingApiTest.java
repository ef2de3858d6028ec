package io.relaycast.signaling.shop;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.SocketClient;
import io.relaycast.signaling.webhook.WebhookDeliveryTest;
import io.relaycast.signaling.webhook.WebhookReceiver;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * Live shopping over the real REST API and Socket.IO: idempotent sales attributed to featured items, the analytics
 * figures against the test's own arithmetic, likes, click-through, the featured history and clear, and the
 * featured.shown / sale.recorded / viewer.milestone webhooks at a real receiver.
 */
public class LiveShoppingApiTest {
    private TestServer node;
    private ApiClient api;
    private WebhookReceiver receiver;
    private String admin;
    private String endpointId;

    @BeforeClass
    public void start() throws Exception {
        Map<String, Object> o = new HashMap<>(WebhookDeliveryTest.fast());
        o.put("relaycast.shop.viewer-milestones", List.of(2, 3));
        node = TestServer.start(o);
        api = node.api;
        receiver = new WebhookReceiver();
        admin = api.devUser("Admin", "admin")[0];
        endpointId = api.post("/api/v1/webhooks", admin, Map.of("url", receiver.url(),
                "events", List.of("featured.shown", "sale.recorded", "viewer.milestone"))).expect(201).get("id").asText();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (node != null) {
            api.delete("/api/v1/webhooks/" + endpointId, admin);
            node.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private String liveStream(String owner) {
        String id = api.post("/api/v1/streams", owner, Map.of("title", "Shop")).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + id + "/start", owner, Map.of()).expect(200);
        return id;
    }

    private String feature(String owner, String stream, String title) {
        return api.post("/api/v1/streams/" + stream + "/featured", owner,
                Map.of("title", title, "url", "https://shop.example/" + title, "price", 19.99, "currency", "EUR"))
                .expect(201).get("id").asText();
    }

    private static Map<String, Object> sale(String order, Object amount, String currency, int quantity, String buyer) {
        Map<String, Object> m = new HashMap<>();
        m.put("orderId", order);
        m.put("amount", amount);
        m.put("currency", currency);
        m.put("quantity", quantity);
        if (buyer != null) {
            m.put("buyerId", buyer);
        }
        return m;
    }

    @Test
    public void salesCountOnceAndAnalyticsAddUp() throws Exception {
        String[] host = api.devUser("Host");
        String id = liveStream(host[0]);
        String[][] viewers = {api.devUser("V1"), api.devUser("V2"), api.devUser("V3"), api.devUser("V4")};
        for (String[] v : viewers) {
            api.post("/api/v1/streams/" + id + "/join", v[0], Map.of()).expect(201);
        }
        String itemA = feature(host[0], id, "A");
        try (SocketClient room = SocketClient.connect(node.socketUrl(), viewers[3][0])) {
            room.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            JsonNode first = api.post("/api/v1/streams/" + id + "/sales", host[0], sale("order-1", 19.99, "EUR", 1, viewers[0][1])).expect(201);
            assertEquals(first.get("featuredId").asText(), itemA, "attributed to the item featured at the time");
            assertEquals(first.get("amount").asText(), "19.99");
            JsonNode again = api.post("/api/v1/streams/" + id + "/sales", host[0], sale("order-1", 19.99, "EUR", 1, viewers[0][1])).expect(200);
            assertEquals(again.get("id").asText(), first.get("id").asText());
            assertTrue(again.get("duplicate").asBoolean());
            api.post("/api/v1/streams/" + id + "/sales", host[0], sale("order-1", 25, "EUR", 1, null)).expectError(409, "DUPLICATE_ORDER");

            JSONObject heard = room.await(Events.SALE, o -> o.optInt("quantity") == 1, 10_000);
            assertEquals(heard.optString("featuredId"), itemA);
            assertFalse(heard.has("buyerId") || heard.has("amount") || heard.has("orderId"), "no buyer data in the room: " + heard);

            String itemB = feature(host[0], id, "B");
            JsonNode second = api.post("/api/v1/streams/" + id + "/sales", host[0], sale("order-2", 5.5, "EUR", 2, viewers[1][1])).expect(201);
            assertEquals(second.get("featuredId").asText(), itemB);
            Map<String, Object> explicit = sale("order-3", 100, "EUR", 1, viewers[0][1]);
            explicit.put("featuredId", itemA);
            assertEquals(api.post("/api/v1/streams/" + id + "/sales", host[0], explicit).expect(201).get("featuredId").asText(), itemA);

            // refusals: a viewer, bad currencies, amounts, quantities; nothing stored by any of them
            api.post("/api/v1/streams/" + id + "/sales", viewers[0][0], sale("order-x", 1, "EUR", 1, null)).expectError(403, "NOT_OWNER");
            for (Map<String, Object> bad : List.of(sale("o-b1", 1, "EURO", 1, null), sale("o-b2", 1, "XYZ", 1, null),
                    sale("o-b3", 1, "eur", 1, null), sale("o-b4", 1.234, "EUR", 1, null), sale("o-b5", -1, "EUR", 1, null),
                    sale("o-b6", 1.5, "JPY", 1, null), sale("o-b7", 1, "EUR", 0, null), sale("", 1, "EUR", 1, null))) {
                api.post("/api/v1/streams/" + id + "/sales", host[0], bad).expectError(400, "VALIDATION_FAILED");
            }
            api.post("/api/v1/streams/" + id + "/sales", host[0], Map.of("orderId", "o-t", "amount", "12", "currency", "EUR"))
                    .expectError(400, "INVALID_FIELD");
            Map<String, Object> foreign = sale("order-f", 1, "EUR", 1, null);
            foreign.put("featuredId", "no-such-item");
            api.post("/api/v1/streams/" + id + "/sales", host[0], foreign).expectError(404, "NOT_FOUND");

            // click-through: A three times by two viewers, B once
            api.post("/api/v1/streams/" + id + "/featured/" + itemA + "/click", viewers[0][0], Map.of()).expect(204);
            api.post("/api/v1/streams/" + id + "/featured/" + itemA + "/click", viewers[0][0], Map.of()).expect(204);
            api.post("/api/v1/streams/" + id + "/featured/" + itemA + "/click", viewers[1][0], Map.of()).expect(204);
            api.post("/api/v1/streams/" + id + "/featured/" + itemB + "/click", viewers[2][0], Map.of()).expect(204);
            api.post("/api/v1/streams/" + id + "/featured/nope/click", viewers[2][0], Map.of()).expectError(404, "NOT_FOUND");

            JsonNode a = api.get("/api/v1/streams/" + id + "/analytics", host[0]).expect(200);
            BigDecimal expectedRevenue = new BigDecimal("19.99").add(new BigDecimal("5.50")).add(new BigDecimal("100.00"));
            assertEquals(new BigDecimal(a.get("revenue").get("EUR").asText()), expectedRevenue, a.toString());
            assertEquals(a.get("orders").asInt(), 3);
            assertEquals(a.get("itemsSold").asInt(), 4);
            assertEquals(a.get("buyers").asInt(), 2, "V1 bought twice");
            int unique = a.get("uniqueViewers").asInt();
            assertEquals(unique, 4);
            assertEquals(a.get("conversionRate").asDouble(), 2.0 / unique, 1e-9);
            assertEquals(a.get("featuredClicks").asInt(), 4);
            JsonNode items = a.get("featuredItems");
            assertEquals(items.size(), 2);
            assertEquals(items.get(0).get("id").asText(), itemB, "newest first");
            assertEquals(items.get(0).get("clicks").asInt(), 1);
            assertEquals(items.get(0).get("orders").asInt(), 1);
            assertEquals(items.get(0).get("quantity").asInt(), 2);
            assertEquals(new BigDecimal(items.get(0).get("revenue").get("EUR").asText()), new BigDecimal("5.50"));
            assertEquals(items.get(1).get("clicks").asInt(), 3);
            assertEquals(items.get(1).get("uniqueClickers").asInt(), 2);
            assertEquals(items.get(1).get("orders").asInt(), 2);
            assertEquals(new BigDecimal(items.get(1).get("revenue").get("EUR").asText()), new BigDecimal("119.99"));
            api.get("/api/v1/streams/" + id + "/analytics", viewers[0][0]).expectError(403, "NOT_OWNER");

            // webhooks: one sale.recorded per order (the repeated order-1 sent nothing), featured.shown per item,
            // viewer.milestone at 2 and 3 concurrent viewers, once each
            WebhookDeliveryTest.waitFor("webhooks of this stream", () -> receiver.forStream(id).size() >= 7);
            Map<String, Integer> types = new HashMap<>();
            for (var r : receiver.forStream(id)) {
                types.merge(r.json().get("type").asText(), 1, Integer::sum);
            }
            assertEquals(types, Map.of("sale.recorded", 3, "featured.shown", 2, "viewer.milestone", 2), types.toString());
            assertTrue(receiver.forStream(id).stream().filter(r -> r.json().get("type").asText().equals("viewer.milestone"))
                    .map(r -> r.json().get("data").get("viewers").asInt()).toList().containsAll(List.of(2, 3)));
            api.post("/api/v1/streams/" + id + "/join", api.devUser("V5")[0], Map.of()).expect(201);
            assertEquals(receiver.forStream(id).stream().filter(r -> r.json().get("type").asText().equals("viewer.milestone")).count(), 2L);
        }
    }

    @Test
    public void likesAreOnePerUserAndTheRoomHearsTheCount() throws Exception {
        String[] host = api.devUser("Host");
        String id = liveStream(host[0]);
        String[] v1 = api.devUser("L1");
        String[] v2 = api.devUser("L2");
        String[] troll = api.devUser("Troll");
        try (SocketClient room = SocketClient.connect(node.socketUrl(), host[0])) {
            room.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            assertEquals(api.post("/api/v1/streams/" + id + "/like", v1[0], Map.of()).expect(200).get("likeCount").asInt(), 1);
            assertEquals(api.post("/api/v1/streams/" + id + "/like", v1[0], Map.of()).expect(200).get("likeCount").asInt(), 1);
            JsonNode two = api.post("/api/v1/streams/" + id + "/like", v2[0], Map.of()).expect(200);
            assertEquals(two.get("likeCount").asInt(), 2);
            assertTrue(two.get("liked").asBoolean());
            room.await(Events.LIKES, o -> o.optInt("count") == 2, 10_000);
            JsonNode undone = api.delete("/api/v1/streams/" + id + "/like", v1[0]).expect(200);
            assertEquals(undone.get("likeCount").asInt(), 1);
            assertFalse(undone.get("liked").asBoolean());
            room.await(Events.LIKES, o -> o.optInt("count") == 1, 10_000);
            assertEquals(api.get("/api/v1/streams/" + id + "/like", v2[0]).expect(200).get("liked").asBoolean(), true);
            api.post("/api/v1/streams/" + id + "/like", null, Map.of()).expectError(401, "UNAUTHENTICATED");
            api.post("/api/v1/streams/" + id + "/bans", host[0], Map.of("userId", troll[1])).expect(201);
            api.post("/api/v1/streams/" + id + "/like", troll[0], Map.of()).expectError(403, "BANNED");
            assertEquals(api.get("/api/v1/streams/" + id + "/analytics", host[0]).expect(200).get("likes").asInt(), 1);
        }
    }

    @Test
    public void theFeaturedHistoryKeepsEveryItemAndClearEmptiesTheSlot() throws Exception {
        String[] host = api.devUser("Host");
        String[] viewer = api.devUser("Viewer");
        String id = liveStream(host[0]);
        String first = feature(host[0], id, "First");
        String second = feature(host[0], id, "Second");
        JsonNode all = api.get("/api/v1/streams/" + id + "/featured?all=true", viewer[0]).expect(200).get("items");
        assertEquals(all.size(), 2);
        assertEquals(all.get(0).get("id").asText(), second);
        assertEquals(all.get(1).get("id").asText(), first);
        assertEquals(api.get("/api/v1/streams/" + id + "/featured", viewer[0]).expect(200).get("id").asText(), second);
        try (SocketClient room = SocketClient.connect(node.socketUrl(), viewer[0])) {
            room.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            api.delete("/api/v1/streams/" + id + "/featured", viewer[0]).expectError(403, "NOT_OWNER");
            api.delete("/api/v1/streams/" + id + "/featured", host[0]).expect(204);
            room.await(Events.FEATURED_CLEARED, o -> o.optString("streamId").equals(id), 10_000);
        }
        api.get("/api/v1/streams/" + id + "/featured", viewer[0]).expectError(404, "NOT_FOUND");
        assertEquals(api.get("/api/v1/streams/" + id + "/featured?all=true", viewer[0]).expect(200).get("items").size(), 2);
        // a sale after the clear is attributed to nothing
        assertTrue(api.post("/api/v1/streams/" + id + "/sales", host[0], sale("after-clear", 3, "USD", 1, null)).expect(201)
                .get("featuredId").isNull());
    }
}
