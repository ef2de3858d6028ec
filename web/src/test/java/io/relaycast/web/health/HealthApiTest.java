package io.relaycast.web.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

public class HealthApiTest {
    private TestServer server;

    @BeforeClass
    public void start() {
        server = TestServer.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    @Test
    public void readyWhenTheDatabaseAnswers() {
        server.api.get("/health/live", null).expect(200);
        JsonNode ready = server.api.get("/health/ready", null).expect(200);
        assertTrue(ready.get("checks").get("database").get("ok").asBoolean());
        assertEquals(ready.get("checks").get("database").get("detail").asText(), "PostgreSQL");
        assertTrue(ready.get("checks").has("ffmpeg"));
        JsonNode media = ready.get("checks").get("media");
        assertTrue(media.get("ok").asBoolean(), media.toString());
        assertTrue(media.get("essential").asBoolean());
        assertEquals(media.get("detail").asText(), "UDP port " + server.server.mediaUdpPort());
    }

    @Test
    public void aTakenMediaPortLeavesTheApiUpButTheNodeNotReady() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TestServer degraded = TestServer.start(Map.of("relaycast.media.udp-port", taken.getLocalPort()))) {
            assertEquals(degraded.server.mediaUdpPort(), -1);
            JsonNode ready = degraded.api.get("/health/ready", null).expect(503);
            assertEquals(ready.get("status").asText(), "unavailable");
            JsonNode media = ready.get("checks").get("media");
            assertFalse(media.get("ok").asBoolean());
            assertTrue(media.get("detail").asText().contains(Integer.toString(taken.getLocalPort())), media.toString());
            // REST still works, and a broadcaster is told plainly that media is unavailable here
            String[] owner = degraded.api.devUser("owner");
            JsonNode stream = degraded.api.post("/api/v1/streams", owner[0], Map.of("title", "t")).expect(201);
            var whip = degraded.api.send("POST", "/whip/" + stream.get("id").asText(), Map.of(
                    "Authorization", "Bearer " + stream.get("streamKey").asText(), "Content-Type", "application/sdp"),
                    "v=0\r\n");
            assertEquals(whip.errorCode(), "MEDIA_UNAVAILABLE", whip.body());
        }
    }

    @Test
    public void metricsArePrometheusText() {
        server.api.get("/health/live", null).expect(200);
        var r = server.api.get("/metrics", null);
        assertEquals(r.status(), 200);
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(r.body().contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health/live\",status=\"200\"}"), r.body());
        assertTrue(r.body().contains("jvm_memory_used_bytes"));
    }

    @Test
    public void clientConfigSaysWhereSocketIoListens() {
        JsonNode c = server.api.get("/api/v1/config/client", null).expect(200);
        assertEquals(c.get("apiBase").asText(), "/api/v1");
        assertEquals(c.get("signaling").get("path").asText(), "/socket.io");
        assertTrue(c.get("signaling").get("url").asText().startsWith("http://127.0.0.1:"), c.toString());
        assertTrue(c.get("devMode").asBoolean());
    }

    @Test
    public void homePageIsServed() {
        var r = server.api.get("/", null);
        assertEquals(r.status(), 200);
        assertTrue(r.body().contains("<title>Relaycast — live now</title>"), r.body());
        assertTrue(r.raw().headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    }
}
