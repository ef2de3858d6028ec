package io.relaycast.web.http;

import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** Bad input gets a clear JSON error and loses nothing; CORS follows the allow-list. */
public class ErrorHandlingTest {
    private TestServer server;
    private ApiClient api;
    private String token;

    @BeforeClass
    public void start() {
        server = TestServer.start(Map.of("relaycast.http.max-body-bytes", 4096,
                "relaycast.http.cors-allowed-origins", List.of("https://app.example")));
        api = server.api;
        token = api.devUser("Errol")[0];
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    @Test
    public void malformedJsonIs400BadJson() {
        for (String body : List.of("{", "{\"title\": }", "not json", "{\"title\":\"a\"} trailing", "[1,2]", "\"str\"", "42")) {
            api.postRaw("/api/v1/streams", token, "application/json", body).expectError(400, "BAD_JSON");
        }
    }

    @Test
    public void wrongTypesAre400NamingTheField() {
        Map<String, Object> cases = Map.of("title", 5, "tags", "music", "recordingEnabled", "true",
                "slowModeSeconds", "5", "scheduledAt", "tomorrow", "chatEnabled", 1, "description", List.of("x"));
        cases.forEach((field, value) -> {
            Map<String, Object> body = new java.util.HashMap<>(Map.of("title", "ok"));
            body.put(field, value);
            var r = api.post("/api/v1/streams", token, body);
            r.expectError(400, "INVALID_FIELD");
            assertTrue(r.json().get("error").get("message").asText().contains(field), r.body());
        });
        api.post("/api/v1/streams", token, Map.of("title", "ok", "slowModeSeconds", 1.5)).expectError(400, "INVALID_FIELD");
        api.post("/api/v1/streams", token, Map.of("title", "ok", "tags", List.of("a", 3))).expectError(400, "INVALID_FIELD");
    }

    @Test
    public void unknownFieldsAreIgnored() {
        api.post("/api/v1/streams", token, Map.of("title", "fine", "colour", "blue", "nested", Map.of("a", 1))).expect(201);
    }

    @Test
    public void oversizeBodyIs413AndTheServerKeepsServing() {
        String big = "{\"title\":\"" + "x".repeat(10_000) + "\"}";
        api.postRaw("/api/v1/streams", token, "application/json", big).expectError(413, "PAYLOAD_TOO_LARGE");
        api.post("/api/v1/streams", token, Map.of("title", "still here")).expect(201);
    }

    @Test
    public void wrongContentTypeIs415() {
        api.postRaw("/api/v1/streams", token, "text/plain", "{\"title\":\"x\"}").expectError(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    public void unknownRoutesAreJson404s() {
        api.get("/api/v1/nope", token).expectError(404, "NOT_FOUND");
        api.get("/definitely/not/here", null).expectError(404, "NOT_FOUND");
    }

    @Test
    public void corsEchoesOnlyAllowedOrigins() {
        var allowed = api.send("GET", "/api/v1/streams/live", Map.of("Origin", "https://app.example"), null);
        assertEquals(allowed.status(), 200);
        assertEquals(allowed.raw().headers().firstValue("Access-Control-Allow-Origin").orElse(""), "https://app.example");
        var foreign = api.send("GET", "/api/v1/streams/live", Map.of("Origin", "https://evil.example"), null);
        assertFalse(foreign.raw().headers().firstValue("Access-Control-Allow-Origin").isPresent(), "foreign origin not echoed");
        var preflight = api.send("OPTIONS", "/api/v1/streams", Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"), null);
        assertEquals(preflight.status(), 204);
        assertTrue(preflight.raw().headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
        assertTrue(preflight.raw().headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        var badPreflight = api.send("OPTIONS", "/api/v1/streams", Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"), null);
        assertEquals(badPreflight.status(), 403);
        assertFalse(badPreflight.raw().headers().firstValue("Access-Control-Allow-Origin").isPresent());
    }
}
