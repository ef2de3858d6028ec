package io.relaycast.signaling.gateway;

import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The SFU's trickled candidates come after the description they belong to: a publisher gets
 * {@code stream:offer:ack} (and its acknowledgement) before any {@code stream:ice-candidate:received}, a viewer
 * gets {@code stream:offer:received} first. A browser that adds a candidate before it has the remote description
 * fails with InvalidStateError. Real server, real SFU (it trickles synchronously inside publish/subscribe), real
 * Socket.IO v4 clients.
 */
public class CandidateOrderTest {
    private TestServer server;
    private ApiClient api;

    @BeforeClass
    public void start() {
        server = TestServer.start();
        api = server.api;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void candidatesFollowTheAnswerForPublishersAndTheOfferForViewers() throws Exception {
        String[] owner = api.devUser("Order caster");
        String[] watcher = api.devUser("Order watcher");
        String id = api.post("/api/v1/streams", owner[0], Map.of("title", "Candidate order")).expect(201).get("id").asText();
        try (SocketClient caster = SocketClient.connect(server.socketUrl(), owner[0]);
             SocketClient viewer = SocketClient.connect(server.socketUrl(), watcher[0])) {
            JSONObject ack = caster.request(Events.OFFER, Map.of("streamId", id,
                    "offer", Map.of("type", "offer", "sdp", chromeOffer())));
            assertTrue(ack.has("answer"), ack.toString());
            caster.await(Events.ICE_CANDIDATE_RECEIVED); // the real SFU trickles its host candidate(s)
            assertDescriptionFirst(caster.arrivalOrder(), Events.OFFER_ACK, "ack:" + Events.OFFER);

            JSONObject join = viewer.request(Events.JOIN, Map.of("streamId", id));
            assertTrue(join.has("sessionId"), join.toString());
            viewer.await(Events.ICE_CANDIDATE_RECEIVED);
            assertDescriptionFirst(viewer.arrivalOrder(), Events.OFFER_RECEIVED, "ack:" + Events.JOIN);
            JSONObject candidate = viewer.await(Events.ICE_CANDIDATE_RECEIVED).getJSONObject("candidate");
            assertTrue(candidate.getString("candidate").startsWith("candidate:"), candidate.toString());
            assertEquals(candidate.getInt("sdpMLineIndex"), 0);

            // a re-join (player reload) gets its new offer before that offer's candidates, too
            viewer.clear();
            viewer.request(Events.JOIN, Map.of("streamId", id));
            viewer.await(Events.ICE_CANDIDATE_RECEIVED);
            assertDescriptionFirst(viewer.arrivalOrder(), Events.OFFER_RECEIVED, "ack:" + Events.JOIN);
        }
    }

    /** Every candidate arrived after {@code description} and after {@code ack}, both of which arrived. */
    private static void assertDescriptionFirst(List<String> order, String description, String ack) {
        int firstCandidate = order.indexOf(Events.ICE_CANDIDATE_RECEIVED);
        assertTrue(firstCandidate >= 0, "no candidate: " + order);
        int descriptionAt = order.lastIndexOf(description);
        assertTrue(descriptionAt >= 0, "no " + description + ": " + order);
        assertTrue(descriptionAt < firstCandidate, description + " must precede every candidate: " + order);
        assertTrue(order.lastIndexOf(ack) >= 0 && order.lastIndexOf(ack) < firstCandidate,
                "the acknowledgement must precede every candidate: " + order);
        assertFalse(order.subList(0, descriptionAt).contains(Events.ICE_CANDIDATE_RECEIVED), String.valueOf(order));
    }

    private static String chromeOffer() throws IOException {
        try (InputStream in = CandidateOrderTest.class.getResourceAsStream("/sdp/chrome-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        }
    }
}
