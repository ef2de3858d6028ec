package io.relaycast.web.health;

import io.relaycast.signaling.testing.TestDatabases;
import io.relaycast.web.RelaycastServer;
import io.relaycast.web.config.RelaycastConfig;
import org.testng.annotations.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Issue 14 item 6: {@code /health/ready} says 200 only when every listener serves. A server starts on known free
 * ports while this test polls readiness as fast as it can; the moment readiness first says 200, the client config
 * (which tells browsers the Socket.IO port), an API route, the Socket.IO handshake and the metrics must all answer.
 * Before the fix readiness answered 200 as soon as Jetty listened, and config/client was a 404 for a while (with
 * Redis, as here, 136-1,285 ms).
 */
public class ReadinessTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1; // not listening yet
        }
    }

    @Test
    public void readyOnlyOnceEveryListenerServes() throws Exception {
        int httpPort = freePort();
        int socketPort = freePort();
        Map<String, Object> o = new HashMap<>();
        o.put("relaycast.http.port", httpPort);
        o.put("relaycast.http.host", "127.0.0.1");
        o.put("relaycast.signaling.port", socketPort);
        o.put("relaycast.signaling.host", "127.0.0.1");
        o.put("relaycast.media.udp-port", 0);
        o.put("relaycast.media.ice.bind-addresses", java.util.List.of("127.0.0.1"));
        o.put("relaycast.data-dir", Files.createTempDirectory("relaycast-ready").toString());
        o.put("relaycast.database.url", TestDatabases.postgresUrl());
        o.put("relaycast.database.user", TestDatabases.postgresUser());
        o.put("relaycast.database.password", TestDatabases.postgresPassword());
        o.put("relaycast.auth.jwt-secret", "test-secret-test-secret-test-secret-0123");
        o.put("relaycast.hls.enabled", false);
        o.put("relaycast.rtmp.port", 0);
        // with Redis the Socket.IO gateway takes longest to start (Redisson connects first): the window the bug had
        o.put("relaycast.redis.url", System.getenv().getOrDefault("RELAYCAST_TEST_REDIS", "redis://127.0.0.1:6379"));
        RelaycastConfig config = RelaycastConfig.load(o);
        String base = "http://127.0.0.1:" + httpPort;
        CompletableFuture<RelaycastServer> starting = CompletableFuture.supplyAsync(() -> RelaycastServer.start(config));
        RelaycastServer server = null;
        try {
            int early = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int ready;
            while ((ready = status(base + "/health/ready")) != 200) {
                if (ready == 503) {
                    early++; // the HTTP port answers, not every listener yet
                }
                assertTrue(System.nanoTime() < deadline, "never ready");
                if (starting.isCompletedExceptionally()) {
                    starting.join();
                }
            }
            // the instant it says ready, everything behind it must answer
            assertEquals(status(base + "/api/v1/config/client"), 200, "client config when ready");
            assertEquals(status(base + "/api/v1/streams/live"), 200, "an API route when ready");
            assertEquals(status("http://127.0.0.1:" + socketPort + "/socket.io/?EIO=4&transport=polling"), 200,
                    "the Socket.IO handshake when ready");
            assertEquals(status(base + "/metrics"), 200, "metrics when ready");
            server = starting.get();
            System.out.println("readiness: " + early + " answers of 503 while starting, then 200 with every listener up");
        } finally {
            if (server == null) {
                server = starting.join();
            }
            server.close();
        }
    }
}
