package io.relaycast.signaling.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The Socket.IO gateway against a running server on PostgreSQL, with real Socket.IO v4 clients. The SFU is a
 * recording double here; the media plane's own end-to-end tests use the real SFU in a browser.
 */
public class SignalingGatewayTest {
    private TestServer server;
    private ApiClient api;
    private RecordingMediaPlane media;
    private String url;

    @BeforeClass
    public void start() {
        media = new RecordingMediaPlane();
        server = TestServer.start(Map.of("relaycast.signaling.max-event-bytes", 65536,
                "relaycast.signaling.publisher-grace", "1500ms",
                "relaycast.signaling.cors-allowed-origins", List.of("https://app.example")), media);
        api = server.api;
        url = server.socketUrl();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    private String stream(String token, Map<String, Object> body) {
        return api.post("/api/v1/streams", token, body).expect(201).get("id").asText();
    }

    @Test
    public void tokensAreCheckedAtTheHandshake() throws Exception {
        String[] ann = api.devUser("Ann");
        assertEquals(SocketClient.attempt(url, ann[0], null), Boolean.TRUE);
        Object refused = SocketClient.attempt(url, "not-a-jwt", null);
        assertTrue(refused instanceof JSONObject, String.valueOf(refused));
        assertEquals(((JSONObject) refused).getString("code"), "INVALID_TOKEN");
        assertEquals(SocketClient.attempt(url, null, null), Boolean.TRUE, "anonymous viewers are allowed by default");
        assertEquals(SocketClient.attempt(url + "?token=" + ann[0], null, null), Boolean.TRUE, "?token= works too");
    }

    @Test
    public void foreignOriginsAreRefusedAtTheHandshake() throws Exception {
        assertEquals(SocketClient.attempt(url, null, Map.of("Origin", "https://app.example")), Boolean.TRUE);
        assertEquals(SocketClient.attempt(url, null, Map.of("Origin", server.server.publicUrl())), Boolean.TRUE,
                "our own pages");
        assertFalse(Boolean.TRUE.equals(SocketClient.attempt(url, null, Map.of("Origin", "https://evil.example"))));
    }

    @Test
    public void negotiationFlowsBetweenBroadcasterViewerAndTheMediaPlane() throws Exception {
        String[] owner = api.devUser("Caster");
        String[] viewerUser = api.devUser("Watcher");
        String id = stream(owner[0], Map.of("title", "Negotiation"));
        try (SocketClient caster = SocketClient.connect(url, owner[0]); SocketClient viewer = SocketClient.connect(url, viewerUser[0])) {
            JSONObject ack = caster.request(Events.OFFER, Map.of("streamId", id, "offer", Map.of("type", "offer", "sdp", "v=0 offer")));
            assertEquals(ack.getString("streamId"), id);
            assertTrue(ack.getJSONObject("answer").getString("sdp").contains("answer-for-pub:"), ack.toString());
            assertEquals(ack.getJSONObject("answer").getString("type"), "answer");
            caster.await(Events.OFFER_ACK);
            JSONObject cand = caster.await(Events.ICE_CANDIDATE_RECEIVED);
            assertTrue(cand.getJSONObject("candidate").getString("candidate").startsWith("candidate:"));
            assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText(), "live",
                    "publishing takes the stream live");
            caster.request(Events.ICE_CANDIDATE, Map.of("streamId", id,
                    "candidate", Map.of("candidate", "candidate:2 1 udp 1 127.0.0.1 5000 typ host", "sdpMid", "0", "sdpMLineIndex", 0)));
            assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("candidate " + id + " pub:")), media.calls.toString());

            JSONObject join = viewer.request(Events.JOIN, Map.of("streamId", id));
            assertTrue(join.has("iceServers"), join.toString());
            assertEquals(join.getString("hls"), server.server.publicUrl() + "/hls/" + id + "/master.m3u8");
            viewer.await(Events.JOIN_ACK);
            JSONObject offer = viewer.await(Events.OFFER_RECEIVED);
            assertTrue(offer.getJSONObject("offer").getString("sdp").contains("offer-for-view:"));
            JSONObject joined = caster.await(Events.VIEWER_JOINED);
            assertEquals(joined.getString("viewerId"), viewerUser[1]);
            assertEquals(joined.getInt("viewerCount"), 1);
            viewer.request(Events.ANSWER, Map.of("streamId", id, "answer", Map.of("type", "answer", "sdp", "v=0 answer")));
            viewer.request(Events.ICE_CANDIDATE, Map.of("streamId", id, "candidate", "candidate:3 1 udp 1 127.0.0.1 6000 typ host"));
            assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("answer " + id + " view:")), media.calls.toString());
            assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 1);

            // ICE restart on the same peer: a new offer comes as stream:offer:received, the answer as usual
            JSONObject restart = viewer.request(Events.ICE_RESTART, Map.of("streamId", id));
            assertTrue(restart.getBoolean("iceRestart"), restart.toString());
            JSONObject reOffer = viewer.await(Events.OFFER_RECEIVED, o -> o.optBoolean("iceRestart"), 5000);
            assertEquals(reOffer.getJSONObject("offer").getString("sdp"), "restart-offer-for:" + "view:" + viewerPeerOf(media, id));
            assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("restartIce " + id + " view:")), media.calls.toString());
            assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 1,
                    "a restart is not a new join");
            assertEquals(caster.request(Events.ICE_RESTART, Map.of("streamId", id)).getJSONObject("error").getString("code"),
                    "NOT_IN_STREAM", "only a watching viewer restarts this way");
            // bad requests are refused with a code and leave the viewer's session as it was
            assertEquals(code(viewer.request(Events.ICE_RESTART, Map.of())), "INVALID_FIELD");
            assertEquals(code(viewer.request(Events.ICE_RESTART, Map.of("streamId", 42))), "INVALID_FIELD");
            assertEquals(code(viewer.request(Events.ICE_RESTART, "just a string")), "INVALID_FIELD");
            assertEquals(code(viewer.request(Events.ICE_RESTART, Map.of("streamId", "no-such-stream"))), "NOT_IN_STREAM");
            assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 1,
                    "refused restarts lose nothing");

            viewer.request(Events.LEAVE, Map.of("streamId", id));
            JSONObject left = caster.await(Events.VIEWER_LEFT);
            assertEquals(left.getInt("viewerCount"), 0);
            assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("close " + id + " view:")));

            viewer.request(Events.JOIN, Map.of("streamId", id));
            JSONObject end = caster.request(Events.END, Map.of("streamId", id));
            assertEquals(end.getString("status"), "ended");
            viewer.await(Events.ENDED, o -> o.optString("streamId").equals(id), 5000);
            assertTrue(media.calls.contains("closeStream " + id));
            assertEquals(api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt(), 0);
        }
    }

    /** The part after "view:" of the viewer peer the media plane saw join {@code streamId}. */
    private static String viewerPeerOf(RecordingMediaPlane media, String streamId) {
        return media.calls.stream().filter(c -> c.startsWith("subscribe " + streamId + " view:")).findFirst()
                .map(c -> c.substring(c.indexOf("view:") + 5).split(" ")[0]).orElse("?");
    }

    @Test
    public void aPublisherWhoVanishesEndsTheStreamUnlessTheyComeBack() throws Exception {
        String[] owner = api.devUser("Flaky");
        String gone = stream(owner[0], Map.of("title", "Closed the tab"));
        String back = stream(owner[0], Map.of("title", "Reloaded"));
        try (SocketClient a = SocketClient.connect(url, owner[0])) {
            a.request(Events.OFFER, Map.of("streamId", gone, "offer", "v=0"));
            a.request(Events.OFFER, Map.of("streamId", back, "offer", "v=0"));
        }
        try (SocketClient again = SocketClient.connect(url, owner[0])) {
            again.request(Events.OFFER, Map.of("streamId", back, "offer", "v=0")); // the reload publishes again
            assertEquals(api.get("/api/v1/streams/" + gone, null).expect(200).get("status").asText(), "live",
                    "not ended at once: there is a grace period");
            long until = System.currentTimeMillis() + 10_000;
            while (!"ended".equals(api.get("/api/v1/streams/" + gone, null).expect(200).get("status").asText())
                    && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            assertEquals(api.get("/api/v1/streams/" + gone, null).expect(200).get("status").asText(), "ended");
            Thread.sleep(2_000);
            assertEquals(api.get("/api/v1/streams/" + back, null).expect(200).get("status").asText(), "live",
                    "republished within the grace: still live");
        }
    }

    @Test
    public void aViewerChoosesItsQualityOnlyWhileWatching() throws Exception {
        String[] owner = api.devUser("Layers");
        String[] fan = api.devUser("Picky");
        String id = stream(owner[0], Map.of("title", "Simulcast"));
        try (SocketClient caster = SocketClient.connect(url, owner[0]); SocketClient v = SocketClient.connect(url, fan[0])) {
            caster.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0"));
            assertEquals(v.request(Events.QUALITY, Map.of("streamId", id, "quality", "low")).getJSONObject("error")
                    .getString("code"), "NOT_IN_STREAM", "not watching yet");
            v.request(Events.JOIN, Map.of("streamId", id));
            JSONObject ok = v.request(Events.QUALITY, Map.of("streamId", id, "quality", "low"));
            assertEquals(ok.getString("quality"), "low");
            assertTrue(media.calls.stream().anyMatch(c -> c.startsWith("quality " + id + " ") && c.endsWith(" low")),
                    media.calls.toString());
            assertEquals(v.request(Events.QUALITY, Map.of("streamId", id, "quality", "ultra")).getJSONObject("error")
                    .getString("code"), "INVALID_FIELD");
        }
    }

    @Test
    public void onlyTheOwnerPublishesOrEnds() throws Exception {
        String[] owner = api.devUser("Owner");
        String[] other = api.devUser("Other");
        String id = stream(owner[0], Map.of("title", "Mine"));
        try (SocketClient intruder = SocketClient.connect(url, other[0]); SocketClient anon = SocketClient.connect(url, null)) {
            JSONObject r = intruder.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0"));
            assertEquals(r.getJSONObject("error").getString("code"), "NOT_OWNER");
            assertEquals(intruder.await(Events.ERROR).getString("code"), "NOT_OWNER");
            assertEquals(intruder.request(Events.END, Map.of("streamId", id)).getJSONObject("error").getString("code"), "NOT_OWNER");
            assertEquals(anon.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0")).getJSONObject("error").getString("code"),
                    "UNAUTHENTICATED");
            assertFalse(media.calls.stream().anyMatch(c -> c.startsWith("publish " + id)));
        }
    }

    @Test
    public void followersOnlyStreamsAdmitFollowersOnly() throws Exception {
        String[] owner = api.devUser("Private");
        String[] fan = api.devUser("Fan");
        String[] stranger = api.devUser("Stranger");
        api.post("/api/v1/users/" + owner[1] + "/follow", fan[0], Map.of()).expect(200);
        String id = stream(owner[0], Map.of("title", "Fans", "visibility", "followers"));
        try (SocketClient caster = SocketClient.connect(url, owner[0]); SocketClient f = SocketClient.connect(url, fan[0]);
             SocketClient s = SocketClient.connect(url, stranger[0])) {
            caster.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0"));
            assertEquals(s.request(Events.JOIN, Map.of("streamId", id)).getJSONObject("error").getString("code"), "FOLLOWERS_ONLY");
            assertEquals(s.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id)).getJSONObject("error").getString("code"), "FOLLOWERS_ONLY");
            assertTrue(f.request(Events.JOIN, Map.of("streamId", id)).has("iceServers"));
        }
    }

    @Test
    public void chatRoundTripIsPersistedAndBroadcast() throws Exception {
        String[] owner = api.devUser("Host");
        String[] ann = api.devUser("Ann");
        String id = stream(owner[0], Map.of("title", "Chatty"));
        api.post("/api/v1/streams/" + id + "/start", owner[0], Map.of()).expect(200);
        try (SocketClient a = SocketClient.connect(url, ann[0]); SocketClient b = SocketClient.connect(url, null);
             SocketClient outsider = SocketClient.connect(url, null)) {
            JSONObject joined = a.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            assertEquals(joined.getString("streamId"), id);
            b.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            JSONObject stored = a.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "  hello room  "));
            assertEquals(stored.getString("message"), "hello room");
            String storedId = stored.getString("id");
            JSONObject got = b.await(Events.CHAT_MESSAGE, o -> o.optString("id").equals(storedId), 5000);
            assertEquals(got.getString("displayName"), "Ann");
            assertEquals(got.getString("userId"), ann[1]);
            assertTrue(got.has("timestamp"));
            JsonNode history = api.get("/api/v1/streams/" + id + "/comments", null).expect(200);
            assertEquals(history.get("items").get(0).get("content").asText(), "hello room", "the socket message is the REST comment");

            // a REST comment reaches the room too
            api.post("/api/v1/streams/" + id + "/comments", owner[0], Map.of("content", "from REST")).expect(201);
            b.await(Events.CHAT_MESSAGE, o -> o.optString("message").equals("from REST"), 5000);
            // anonymous viewers read but never write
            assertEquals(b.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "hi")).getJSONObject("error").getString("code"),
                    "UNAUTHENTICATED");
            // pin and delete, by socket, reach the room
            JSONObject pinned = a.request(Events.CHAT_PIN, Map.of("streamId", id, "id", stored.getString("id")));
            assertEquals(pinned.getJSONObject("error").getString("code"), "FORBIDDEN", "Ann does not own the stream");
            try (SocketClient host = SocketClient.connect(url, owner[0])) {
                host.request(Events.CHAT_PIN, Map.of("streamId", id, "id", stored.getString("id")));
                b.await(Events.CHAT_PINNED, o -> o.optString("id").equals(storedId), 5000);
                host.request(Events.CHAT_DELETE, Map.of("streamId", id, "id", stored.getString("id")));
                b.await(Events.CHAT_DELETED, o -> o.optString("id").equals(storedId), 5000);
            }
            // reactions float to everyone in the room
            a.request(Events.REACTION, Map.of("streamId", id, "type", "fire", "x", 20, "y", 70));
            JSONObject reaction = b.await(Events.REACTION);
            assertEquals(reaction.getString("type"), "fire");
            assertEquals(reaction.getDouble("x"), 20.0);
            assertTrue(outsider.events(Events.CHAT_MESSAGE).isEmpty(), "not in the room, hears nothing");
        }
    }

    @Test
    public void rateLimitSlowModeAndModesAnswerWithCodes() throws Exception {
        String[] owner = api.devUser("Host");
        String[] ann = api.devUser("Ann");
        String open = stream(owner[0], Map.of("title", "Open"));
        String slow = stream(owner[0], Map.of("title", "Slow", "chatMode", "slow", "slowModeSeconds", 60));
        String off = stream(owner[0], Map.of("title", "Off", "chatEnabled", false));
        String fans = stream(owner[0], Map.of("title", "Fans", "chatMode", "followers"));
        try (SocketClient a = SocketClient.connect(url, ann[0])) {
            for (int i = 0; i < 5; i++) {
                assertTrue(a.request(Events.CHAT_MESSAGE, Map.of("streamId", open, "message", "m" + i)).has("id"));
            }
            assertEquals(code(a.request(Events.CHAT_MESSAGE, Map.of("streamId", open, "message", "too many"))), "RATE_LIMITED");
            assertTrue(a.request(Events.CHAT_MESSAGE, Map.of("streamId", slow, "message", "first")).has("id"));
            assertEquals(code(a.request(Events.CHAT_MESSAGE, Map.of("streamId", slow, "message", "second"))), "SLOW_MODE");
            assertEquals(code(a.request(Events.CHAT_MESSAGE, Map.of("streamId", off, "message", "hi"))), "CHAT_DISABLED");
            assertEquals(code(a.request(Events.CHAT_MESSAGE, Map.of("streamId", fans, "message", "hi"))), "FOLLOWERS_ONLY");
            assertEquals(a.await(Events.ERROR, o -> o.optString("code").equals("FOLLOWERS_ONLY"), 5000).getString("event"),
                    Events.CHAT_MESSAGE);
        }
    }

    @Test
    public void badPayloadsAreAnsweredAndHurtNobody() throws Exception {
        String[] owner = api.devUser("Host");
        String[] ann = api.devUser("Ann");
        String id = stream(owner[0], Map.of("title", "Robust"));
        try (SocketClient bad = SocketClient.connect(url, ann[0]); SocketClient good = SocketClient.connect(url, null)) {
            good.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, Map.of("message", "no stream id"))), "INVALID_FIELD");
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, Map.of("streamId", 42, "message", "x"))), "INVALID_FIELD");
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", List.of(1, 2)))), "INVALID_FIELD");
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, "just a string")), "INVALID_FIELD");
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, Map.of("streamId", "nope", "message", "x"))), "STREAM_NOT_FOUND");
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "x".repeat(501)))), "VALIDATION_FAILED");
            assertEquals(code(bad.request("no:such-event", Map.of("a", 1))), "UNKNOWN_EVENT");
            String halfMegabyte = "x".repeat(512 * 1024); // above max-event-bytes, below the transport's frame limit
            assertEquals(code(bad.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", halfMegabyte))), "PAYLOAD_TOO_LARGE");
            assertEquals(code(bad.request(Events.OFFER, Map.of("streamId", id, "offer", "bad sdp"))), "NOT_OWNER");
            assertEquals(code(bad.request(Events.ANSWER, Map.of("streamId", id, "answer", "v=0"))), "NOT_IN_STREAM");
            // the offender's connection is still fine, and so is everyone else's
            assertTrue(bad.isConnected());
            JSONObject ok = bad.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "still here"));
            assertEquals(ok.getString("message"), "still here");
            good.await(Events.CHAT_MESSAGE, o -> o.optString("message").equals("still here"), 5000);
            assertTrue(good.isConnected());
        }
    }

    /** Issue 11: the transport limit is 1 MiB by default (it was 16 MiB); a bigger frame closes that connection only. */
    @Test
    public void aFrameAboveTheTransportLimitClosesOnlyThatConnection() throws Exception {
        try (SocketClient big = SocketClient.connect(url, null); SocketClient other = SocketClient.connect(url, null)) {
            big.emit(Events.CHAT_MESSAGE, Map.of("streamId", "x", "message", "x".repeat(2 * 1024 * 1024)));
            long end = System.currentTimeMillis() + 10_000;
            while (big.isConnected() && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertFalse(big.isConnected(), "a 2 MiB frame closes its connection");
            assertTrue(other.isConnected());
            assertEquals(code(other.request(Events.CHAT_MESSAGE, Map.of("streamId", "nope", "message", "x"))), "UNAUTHENTICATED",
                    "everyone else is served as before");
        }
    }

    @Test
    public void mediaRefusalsReachTheClient() throws Exception {
        String[] owner = api.devUser("Host");
        String id = stream(owner[0], Map.of("title", "Bad SDP"));
        try (SocketClient caster = SocketClient.connect(url, owner[0]); SocketClient viewer = SocketClient.connect(url, null)) {
            assertEquals(code(caster.request(Events.OFFER, Map.of("streamId", id, "offer", "bad"))), "SDP_MALFORMED");
            assertEquals(api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText(), "scheduled",
                    "a refused offer does not take the stream live");
            assertEquals(code(viewer.request(Events.JOIN, Map.of("streamId", id))), "STREAM_NOT_LIVE");
        }
    }

    @Test
    public void viewerCountIsPushedToTheRoom() throws Exception {
        String[] owner = api.devUser("Host");
        String id = stream(owner[0], Map.of("title", "Counting"));
        try (SocketClient caster = SocketClient.connect(url, owner[0]); SocketClient watcher = SocketClient.connect(url, null)) {
            caster.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0"));
            watcher.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            for (int i = 0; i < 3; i++) {
                api.post("/api/v1/streams/" + id + "/join", api.devUser("v" + i)[0], Map.of()).expect(201);
            }
            JSONObject count = watcher.await(Events.VIEWER_COUNT, o -> o.optInt("current") == 3, 5000);
            assertEquals(count.getInt("peak"), 3);
            // coalesced: far fewer pushes than changes would be fine, but never more than one per change
            assertTrue(watcher.events(Events.VIEWER_COUNT).size() <= 3, watcher.events(Events.VIEWER_COUNT).toString());
        }
    }

    @Test
    public void featuredItemsAndStreamEndReachTheRoom() throws Exception {
        String[] owner = api.devUser("Shop");
        String id = stream(owner[0], Map.of("title", "Selling"));
        api.post("/api/v1/streams/" + id + "/start", owner[0], Map.of()).expect(200);
        try (SocketClient watcher = SocketClient.connect(url, null)) {
            watcher.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id));
            api.post("/api/v1/streams/" + id + "/featured", owner[0], Map.of("title", "Hat", "price", 10)).expect(201);
            assertEquals(watcher.await(Events.FEATURED).getString("title"), "Hat");
            api.post("/api/v1/streams/" + id + "/end", owner[0], Map.of()).expect(200);
            watcher.await(Events.END, o -> o.optString("streamId").equals(id), 5000);
            watcher.await(Events.ENDED, o -> o.optString("streamId").equals(id), 5000);
        }
    }

    @Test
    public void qualityUpdatesFeedAnalytics() throws Exception {
        String[] owner = api.devUser("Host");
        String id = stream(owner[0], Map.of("title", "Quality"));
        try (SocketClient caster = SocketClient.connect(url, owner[0])) {
            caster.request(Events.OFFER, Map.of("streamId", id, "offer", "v=0"));
            assertTrue(caster.request(Events.QUALITY_UPDATE, Map.of("streamId", id, "bitrate", 2_500_000, "fps", 30,
                    "width", 1280, "height", 720, "packetLoss", 0.5, "rtt", 35)).getBoolean("ok"));
            assertEquals(code(caster.request(Events.QUALITY_UPDATE, Map.of("streamId", id, "fps", "fast"))), "INVALID_FIELD");
            JsonNode a = api.get("/api/v1/streams/" + id + "/analytics", owner[0]).expect(200);
            assertEquals(a.get("mediaHealth").get(0).get("bitrate").asDouble(), 2_500_000.0);
            assertEquals(a.get("mediaHealth").get(0).get("height").asInt(), 720);
            // only the stream's publisher reports its media health, and at a bounded rate (issue 11)
            try (SocketClient viewer = SocketClient.connect(url, api.devUser("Nosy")[0])) {
                assertEquals(code(viewer.request(Events.QUALITY_UPDATE, Map.of("streamId", id, "bitrate", 1))), "NOT_OWNER");
            }
            int limited = 0;
            for (int i = 0; i < 12; i++) {
                JSONObject r = caster.request(Events.QUALITY_UPDATE, Map.of("streamId", id, "bitrate", 1_000_000 + i));
                if (r.has("error")) {
                    assertEquals(code(r), "RATE_LIMITED");
                    limited++;
                }
            }
            assertTrue(limited >= 3, "10 per 10 s by default, 13 sent: " + limited + " limited");
        }
    }

    private static String code(JSONObject ack) throws Exception {
        assertTrue(ack.has("error"), "expected an error, got " + ack);
        return ack.getJSONObject("error").getString("code");
    }
}
