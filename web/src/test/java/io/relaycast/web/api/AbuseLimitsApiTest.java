package io.relaycast.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/**
 * Limits where there were none (issue 11 item 3), tried as the abuse happens: 40 anonymous REST joins from one
 * address (they made 40 viewers forever), anonymous joins never followed by a leave, an account starting one live
 * stream more than allowed, and anonymous TURN credentials that all shared one identity.
 */
public class AbuseLimitsApiTest {
    private TestServer server;
    private ApiClient api;

    @BeforeClass
    public void start() {
        server = TestServer.start(Map.of(
                "relaycast.viewers.anonymous-api-sessions.per-address", 5,
                "relaycast.viewers.anonymous-api-sessions.ttl", "10s",
                "relaycast.streams.max-live-per-account", 2,
                "relaycast.ice.turn-server", "turn:127.0.0.1:3478",
                "relaycast.ice.turn-secret", "a-turn-secret-for-this-test-only-0123"));
        api = server.api;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int current(String id) {
        return api.get("/api/v1/streams/" + id + "/viewers", null).expect(200).get("current").asInt();
    }

    @Test
    public void fortyAnonymousJoinsFromOneAddressDoNotMakeFortyViewersAndExpire() throws Exception {
        String[] owner = api.devUser("limits-owner");
        String id = api.post("/api/v1/streams", owner[0], Map.of("title", "counted")).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + id + "/start", owner[0], Map.of()).expect(200);
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            ApiClient.Response r = api.post("/api/v1/streams/" + id + "/join", null, Map.of());
            if (r.status() == 201) {
                ok++;
            } else {
                assertEquals(r.errorCode(), "RATE_LIMITED", r.body());
                limited++;
            }
        }
        System.out.printf("40 anonymous joins from one address: %d accepted, %d rate-limited, %d viewers%n", ok, limited,
                current(id));
        assertTrue(limited >= 25, "joins are rate-limited per address: " + ok + " accepted");
        assertTrue(current(id) <= 5, "at most 5 anonymous REST viewers per address: " + current(id));
        // a signed-in viewer is not capped by the anonymous bound
        api.post("/api/v1/streams/" + id + "/join", api.devUser("signed-in")[0], Map.of()).expect(201);
        // no leave: the anonymous sessions close by themselves after the 10 s ttl
        long deadline = System.currentTimeMillis() + 40_000;
        while (current(id) > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(current(id), 1, "only the signed-in viewer is left");
    }

    @Test
    public void oneAccountCannotHoldMoreLiveStreamsThanAllowed() {
        String[] owner = api.devUser("many-streams");
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = api.post("/api/v1/streams", owner[0], Map.of("title", "s" + i)).expect(201).get("id").asText();
        }
        api.post("/api/v1/streams/" + ids[0] + "/start", owner[0], Map.of()).expect(200);
        api.post("/api/v1/streams/" + ids[1] + "/start", owner[0], Map.of()).expect(200);
        api.post("/api/v1/streams/" + ids[2] + "/start", owner[0], Map.of()).expectError(429, "LIVE_LIMIT_REACHED");
        api.post("/api/v1/streams/" + ids[0] + "/end", owner[0], Map.of()).expect(200);
        api.post("/api/v1/streams/" + ids[2] + "/start", owner[0], Map.of()).expect(200);
    }

    @Test
    public void anonymousTurnCredentialsCarryAnIdentityPerCaller() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            JsonNode servers = api.get("/api/v1/ice-servers", null).expect(200).get("iceServers");
            String username = null;
            for (JsonNode s : servers) {
                if (s.has("username") && !s.get("username").isNull()) {
                    username = s.get("username").asText();
                }
            }
            assertTrue(username != null && username.matches("\\d+:anon-[A-Za-z0-9_-]{11}"), String.valueOf(username));
            names.add(username.substring(username.indexOf(':') + 1));
        }
        assertEquals(names.size(), 5, "each anonymous caller its own TURN identity: " + names);
        String[] user = api.devUser("turn-user");
        String mine = api.get("/api/v1/ice-servers", user[0]).expect(200).get("iceServers").findValue("username").asText();
        assertNotEquals(mine.substring(mine.indexOf(':') + 1), "anonymous");
        assertTrue(mine.endsWith(":" + user[1]), mine);
        List.of(); // (credentials are checked against coturn in TurnCredentialsTest)
    }
}
