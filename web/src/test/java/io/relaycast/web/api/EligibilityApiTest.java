package io.relaycast.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** MIN_FOLLOWERS_TO_STREAM = 2 on a server of its own. */
public class EligibilityApiTest {
    private TestServer server;
    private ApiClient api;

    @BeforeClass
    public void start() {
        server = TestServer.start(Map.of("relaycast.streams.min-followers-to-stream", 2));
        api = server.api;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    @Test
    public void eligibilityNeedsTheConfiguredFollowers() {
        String[] star = api.devUser("Star");
        JsonNode e = api.get("/api/v1/streams/eligibility", star[0]).expect(200);
        assertFalse(e.get("eligible").asBoolean());
        assertEquals(e.get("followerCount").asInt(), 0);
        assertEquals(e.get("required").asInt(), 2);
        assertTrue(e.get("reason").asText().contains("2"));
        api.post("/api/v1/streams", star[0], Map.of("title", "Too early")).expectError(403, "NOT_ELIGIBLE");

        api.post("/api/v1/users/" + star[1] + "/follow", api.devUser("f1")[0], Map.of()).expect(200);
        String[] f2 = api.devUser("f2");
        api.post("/api/v1/users/" + star[1] + "/follow", f2[0], Map.of()).expect(200);
        api.post("/api/v1/users/" + star[1] + "/follow", f2[0], Map.of()).expect(200);
        JsonNode ok = api.get("/api/v1/streams/eligibility", star[0]).expect(200);
        assertTrue(ok.get("eligible").asBoolean());
        assertEquals(ok.get("followerCount").asInt(), 2, "following twice is one edge");
        assertTrue(ok.get("reason").isNull());
        String id = api.post("/api/v1/streams", star[0], Map.of("title", "Now")).expect(201).get("id").asText();

        api.delete("/api/v1/users/" + star[1] + "/follow", f2[0]).expect(200);
        api.post("/api/v1/streams/" + id + "/start", star[0], Map.of()).expectError(403, "NOT_ELIGIBLE");
        api.get("/api/v1/streams/eligibility", null).expectError(401, "UNAUTHENTICATED");
    }
}
