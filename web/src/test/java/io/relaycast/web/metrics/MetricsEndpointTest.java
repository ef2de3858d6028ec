package io.relaycast.web.metrics;

import io.relaycast.web.TestServer;
import org.testng.annotations.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/** {@code /metrics} on a management port of its own, behind a bearer token; the HTTP port no longer serves it. */
public class MetricsEndpointTest {
    private static final String TOKEN = "management-token-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void aManagementPortWithABearerToken() throws Exception {
        try (TestServer server = TestServer.start(Map.of("relaycast.metrics.port", -1,
                "relaycast.metrics.bearer-token", TOKEN))) {
            int port = server.server.metricsPort();
            assertTrue(port > 0);
            assertNotEquals(port, server.server.httpPort());
            String url = "http://127.0.0.1:" + port + "/metrics";
            assertEquals(get(server.baseUrl() + "/metrics", "Bearer " + TOKEN).statusCode(), 404, "not on the HTTP port");
            HttpResponse<String> none = get(url, null);
            assertEquals(none.statusCode(), 401);
            assertEquals(none.headers().firstValue("WWW-Authenticate").orElse(""), "Bearer realm=\"metrics\"");
            assertEquals(get(url, "Bearer " + TOKEN + "x").statusCode(), 401, "a wrong token");
            assertEquals(get(url, "Basic " + TOKEN).statusCode(), 401, "another scheme");
            HttpResponse<String> ok = get(url, "Bearer " + TOKEN);
            assertEquals(ok.statusCode(), 200);
            assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = ok.body();
            assertTrue(body.contains("# TYPE relaycast_sfu_forwarding_latency_seconds histogram"), body);
            assertTrue(body.contains("relaycast_sfu_forwarding_latency_seconds_bucket{le=\"+Inf\"}"), body);
            assertTrue(body.contains("relaycast_sfu_packets_in_total{kind=\"video\"}"), body);
            assertTrue(body.contains("relaycast_viewers{transport=\"hls\"}"), body);
            assertEquals(get("http://127.0.0.1:" + port + "/other", "Bearer " + TOKEN).statusCode(), 404);
        }
    }

    @Test
    public void aShortTokenIsAConfigurationError() {
        try {
            TestServer.start(Map.of("relaycast.metrics.bearer-token", "short")).close();
            throw new AssertionError("started with a 5-character token");
        } catch (com.typesafe.config.ConfigException e) {
            assertTrue(e.getMessage().contains("relaycast.metrics") && e.getMessage().contains("bearer-token"), e.getMessage());
        }
    }
}
