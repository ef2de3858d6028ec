package io.relaycast.web.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.SocketClient;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Peers per user, per address and per node (issue 11 item 3), against the real SFU over real Socket.IO and HTTP:
 * one account opening viewer peers from many connections, one address opening them anonymously, and a node at its
 * total, each refused with PEER_LIMIT_REACHED (ack error and stream:error on Socket.IO, 429 on WHIP/WHEP), and a
 * closed peer (leave, DELETE, disconnect) giving its slot back. Offers carry no candidates and ICE never completes
 * (connect-timeout is longer than the test), so every peer stays open until the test closes it.
 */
public class PeerLimitsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private TestServer perUserAndAddress;
    private TestServer perNode;
    private String whipOffer;

    @BeforeClass
    public void start() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/sdp/whip-offer-no-candidates.sdp")) {
            whipOffer = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
        }
        perUserAndAddress = TestServer.start(Map.of("relaycast.peers.max-per-user", 3, "relaycast.peers.max-per-address", 6,
                "relaycast.peers.max-per-node", 1000, "relaycast.viewers.join-rate-limit.joins", 1000,
                "relaycast.media.ice.connect-timeout", "2m"));
        perNode = TestServer.start(Map.of("relaycast.peers.max-per-node", 3, "relaycast.viewers.join-rate-limit.joins", 1000,
                "relaycast.media.ice.connect-timeout", "2m"));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (perUserAndAddress != null) {
            perUserAndAddress.close();
        }
        if (perNode != null) {
            perNode.close();
        }
    }

    @Test
    public void oneUserAndOneAddressHoldABoundedNumberOfPeers() throws Exception {
        TestServer server = perUserAndAddress;
        ApiClient api = server.api;
        String id = liveStream(api, "peer-limits-owner"); // the WHIP publication: the owner's first peer, address 1
        String[] fan = api.devUser("eager-fan");
        List<SocketClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SocketClient c = SocketClient.connect(server.socketUrl(), fan[0]);
                open.add(c);
                assertJoined(c.request(Events.JOIN, Map.of("streamId", id)));
            }
            // the fan's 4th peer, over Socket.IO and over WHEP: refused for the account (address holds 4 of 6)
            SocketClient fourth = SocketClient.connect(server.socketUrl(), fan[0]);
            open.add(fourth);
            assertRefused(fourth.request(Events.JOIN, Map.of("streamId", id)));
            JSONObject told = fourth.await(Events.ERROR, o -> "PEER_LIMIT_REACHED".equals(o.optString("code")), 5000);
            assertTrue(told.optString("message").contains("account"), told.toString());
            api.send("POST", "/whep/" + id, Map.of("Content-Type", "application/sdp", "Authorization", "Bearer " + fan[0]),
                    whepOffer()).expectError(429, "PEER_LIMIT_REACHED");
            // a leave gives the slot back
            assertEquals(open.get(0).request(Events.LEAVE, Map.of("streamId", id)).has("error"), false);
            assertJoined(fourth.request(Events.JOIN, Map.of("streamId", id)));

            // the address: 1 (WHIP) + 3 (fan) = 4 of 6; anonymous viewers from the same address take the last two
            SocketClient anonymous = SocketClient.connect(server.socketUrl(), null);
            open.add(anonymous);
            assertJoined(anonymous.request(Events.JOIN, Map.of("streamId", id)));
            ApiClient.Response whep = api.postRaw("/whep/" + id, null, "application/sdp", whepOffer());
            assertEquals(whep.status(), 201, whep.body());
            String whepResource = whep.raw().headers().firstValue("Location").orElseThrow();
            SocketClient another = SocketClient.connect(server.socketUrl(), null);
            open.add(another);
            JSONObject refused = another.request(Events.JOIN, Map.of("streamId", id));
            assertRefused(refused);
            assertTrue(refused.getJSONObject("error").optString("message").contains("address"), refused.toString());
            api.postRaw("/whep/" + id, null, "application/sdp", whepOffer()).expectError(429, "PEER_LIMIT_REACHED");
            // the WHIP encoder reconnecting from this address is refused as well: a new publication is a new peer
            api.send("POST", "/whip/" + id, Map.of("Content-Type", "application/sdp", "Authorization", "Bearer " + streamKey),
                    whipOffer).expectError(429, "PEER_LIMIT_REACHED");

            // DELETE of the WHEP resource and a disconnect each give a slot back
            assertEquals(api.send("DELETE", whepResource, Map.of(), null).status(), 200);
            assertJoined(another.request(Events.JOIN, Map.of("streamId", id)));
            anonymous.close();
            open.remove(anonymous);
            awaitAdmitted(() -> api.postRaw("/whep/" + id, null, "application/sdp", whepOffer()), "after a disconnect");
        } finally {
            open.forEach(SocketClient::close);
        }
    }

    @Test
    public void aNodeHoldsABoundedNumberOfPeers() throws Exception {
        TestServer server = perNode;
        ApiClient api = server.api;
        String id = liveStream(api, "node-limit-owner"); // 1 of 3
        try (SocketClient a = SocketClient.connect(server.socketUrl(), null);
             SocketClient b = SocketClient.connect(server.socketUrl(), api.devUser("viewer-b")[0]);
             SocketClient c = SocketClient.connect(server.socketUrl(), api.devUser("viewer-c")[0])) {
            assertJoined(a.request(Events.JOIN, Map.of("streamId", id)));
            assertJoined(b.request(Events.JOIN, Map.of("streamId", id))); // 3 of 3
            JSONObject refused = c.request(Events.JOIN, Map.of("streamId", id));
            assertRefused(refused);
            assertTrue(refused.getJSONObject("error").optString("message").contains("server"), refused.toString());
            api.postRaw("/whep/" + id, null, "application/sdp", whepOffer()).expectError(429, "PEER_LIMIT_REACHED");
            assertEquals(a.request(Events.LEAVE, Map.of("streamId", id)).has("error"), false);
            assertJoined(c.request(Events.JOIN, Map.of("streamId", id)));
        }
    }

    private String streamKey;

    /** A stream made live by a WHIP publication (the real SFU answers; no candidates, so no checks anywhere). */
    private String liveStream(ApiClient api, String ownerName) {
        String[] owner = api.devUser(ownerName);
        JsonNode s = api.post("/api/v1/streams", owner[0], Map.of("title", "limits")).expect(201);
        String id = s.get("id").asText();
        streamKey = s.get("streamKey").asText();
        ApiClient.Response r = api.send("POST", "/whip/" + id,
                Map.of("Content-Type", "application/sdp", "Authorization", "Bearer " + streamKey), whipOffer);
        assertEquals(r.status(), 201, r.body());
        assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText(), "live");
        return id;
    }

    private static void assertJoined(JSONObject ack) {
        assertTrue(!ack.has("error") && ack.has("sessionId"), ack.toString());
    }

    private static void assertRefused(JSONObject ack) {
        assertTrue(ack.has("error"), ack.toString());
        assertEquals(ack.optJSONObject("error").optString("code"), "PEER_LIMIT_REACHED", ack.toString());
    }

    private static void awaitAdmitted(java.util.function.Supplier<ApiClient.Response> attempt, String what) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        ApiClient.Response r;
        do {
            r = attempt.get();
            if (r.status() == 201) {
                return;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < end);
        throw new AssertionError("not admitted " + what + ": " + r.status() + " " + r.body());
    }

    /** A WHEP player's offer: recvonly audio and video, our ICE credentials, no candidates. */
    private static String whepOffer() {
        byte[] fp = new byte[32];
        RANDOM.nextBytes(fp);
        String media = "c=IN IP4 0.0.0.0\r\na=recvonly\r\na=rtcp-mux\r\na=setup:actpass\r\n"
                + "a=ice-ufrag:" + HexFormat.of().formatHex(fp, 0, 4) + "\r\na=ice-pwd:" + HexFormat.of().formatHex(fp, 4, 16) + "\r\n";
        return "v=0\r\no=- " + Math.abs(RANDOM.nextLong()) + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\na=fingerprint:sha-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(fp) + "\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + media + "a=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 102\r\n" + media + "a=mid:1\r\na=rtpmap:102 H264/90000\r\n"
                + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
    }
}
