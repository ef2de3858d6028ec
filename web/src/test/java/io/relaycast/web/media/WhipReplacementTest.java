package io.relaycast.web.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;

/**
 * WHIP resource ownership against the real SFU: an encoder reconnects (a second publication replaces the first),
 * then the first connection's clean-up sends DELETE for its old resource, as OBS does when it tears down the old
 * session late. That DELETE must not end the stream the new publication carries; the current one's DELETE does.
 * The offer has no candidates: the SFU sends no connectivity checks anywhere (the peers need not connect here).
 */
public class WhipReplacementTest {
    private TestServer server;
    private ApiClient api;
    private String offer;

    @BeforeClass
    public void start() throws Exception {
        server = TestServer.start();
        api = server.api;
        try (InputStream in = getClass().getResourceAsStream("/sdp/whip-offer-no-candidates.sdp")) {
            offer = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
        }
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String publish(String id, String key) {
        ApiClient.Response r = api.send("POST", "/whip/" + id,
                Map.of("Content-Type", "application/sdp", "Authorization", "Bearer " + key), offer);
        assertEquals(r.status(), 201, r.body());
        return r.raw().headers().firstValue("Location").orElseThrow();
    }

    private String status(String id) {
        return api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText();
    }

    @Test
    public void deletingAReplacedPublicationLeavesTheStreamLive() {
        String[] owner = api.devUser("reconnecting-encoder");
        JsonNode s = api.post("/api/v1/streams", owner[0], Map.of("title", "OBS reconnects")).expect(201);
        String id = s.get("id").asText();
        String key = s.get("streamKey").asText();
        String first = publish(id, key);
        String second = publish(id, key);
        assertNotEquals(first, second);
        assertEquals(status(id), "live");

        int stale = api.send("DELETE", first, Map.of(), null).status();
        assertNotEquals(stale / 100, 5, "DELETE of the replaced resource: " + stale);
        assertEquals(status(id), "live", "the replaced publication's DELETE ended the stream of the new one");
        assertEquals(server.server.media().isPublished(id), true, "the new publication is still in the SFU");

        assertEquals(api.send("DELETE", second, Map.of(), null).status(), 200);
        assertEquals(status(id), "ended", "the current publication's DELETE ends the stream (RFC 9725 section 4.4)");
    }
}
