package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Issue 14 items 1-2 with real parts: Chromium publishes over WHIP, two Chromium windows watch over WHEP, hls.js in a
 * third plays the HLS ladder; {@code /metrics} (behind a bearer token) is scraped during the broadcast. The SFU's
 * video packets out grow at twice the rate of its packets in (two WebRTC viewers; the HLS tap is not a viewer), the
 * viewers by transport are 2 and 1, and the forwarding-latency histogram, DTLS handshakes, ffmpeg, JVM and
 * per-stream series are there. Then the HLS player stops and its viewer session closes after the (5 s) timeout.
 */
public class MetricsE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(30);
    private static final String TOKEN = "metrics-token-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    private E2eSite site;
    private TestServer server;
    private Browser browser;
    private String owner;
    private String streamId;
    private String hlsViewer;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        o.put("relaycast.hls.enabled", true);
        o.put("relaycast.metrics.bearer-token", TOKEN);
        o.put("relaycast.viewers.hls-sessions.timeout", "5s");
        server = TestServer.start(o);
        browser = Browser.start();
        owner = server.api.devUser("metrics-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "metrics")).expect(201);
        streamId = stream.get("id").asText();
        browser.openWindow(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + streamId,
                "key", stream.get("streamKey").asText()));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        for (int i = 0; i < 2; i++) {
            browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + streamId));
            browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        }
        waitUntil("the HLS ladder", () -> status(server.baseUrl() + "/hls/" + streamId + "/master.m3u8") == 200,
                Duration.ofSeconds(40));
        hlsViewer = browser.openWindow(site.page("hls.html", "src", server.baseUrl() + "/hls/" + streamId + "/master.m3u8",
                "hlsjs", server.baseUrl() + "/assets/vendor/hls.min.js"));
        browser.waitFor("window.state && state.status === 'playing' && currentTime() > 0", Duration.ofSeconds(40));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (site != null) {
            site.close();
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Scrape scrape() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(r.statusCode(), 200);
        return Scrape.parse(r.body());
    }

    private static void waitUntil(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** This stream's open sessions of one transport ({@code relaycast_stream_viewers}; 0 when the row is gone). */
    private double streamViewers(String transport) {
        try {
            Scrape s = scrape();
            String series = "relaycast_stream_viewers{stream_id=\"" + streamId + "\",transport=\"" + transport + "\"}";
            return s.has(series) ? s.value(series) : 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double value(String series) {
        try {
            return scrape().value(series);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void theSeriesMoveWithTheBroadcast() throws Exception {
        assertEquals(status(server.baseUrl() + "/metrics"), 401, "no token, no metrics");
        // this stream's viewers by transport (the cluster-wide gauges also hold what other tests in this database left)
        waitUntil("viewers by transport 2 and 1", () -> streamViewers("webrtc") == 2 && streamViewers("hls") == 1,
                Duration.ofSeconds(15));
        Scrape a = scrape();
        Thread.sleep(5000);
        Scrape b = scrape();
        double videoIn = b.delta(a, "relaycast_sfu_packets_in_total{kind=\"video\"}");
        double videoOut = b.delta(a, "relaycast_sfu_packets_out_total{kind=\"video\"}");
        double audioIn = b.delta(a, "relaycast_sfu_packets_in_total{kind=\"audio\"}");
        double audioOut = b.delta(a, "relaycast_sfu_packets_out_total{kind=\"audio\"}");
        double latencyCount = b.delta(a, "relaycast_sfu_forwarding_latency_seconds_count");
        double latencySum = b.delta(a, "relaycast_sfu_forwarding_latency_seconds_sum");
        System.out.printf("metrics over 5 s: video in %.0f out %.0f (x%.3f), audio in %.0f out %.0f (x%.3f), "
                        + "forwarding latency mean %.1f us over %.0f samples, under 1 ms %.1f %%, bytes out/in video %.3f%n",
                videoIn, videoOut, videoOut / videoIn, audioIn, audioOut, audioOut / audioIn,
                latencySum / latencyCount * 1e6, latencyCount,
                100 * b.delta(a, "relaycast_sfu_forwarding_latency_seconds_bucket{le=\"0.001\"}") / latencyCount,
                b.delta(a, "relaycast_sfu_bytes_out_total{kind=\"video\"}") / b.delta(a, "relaycast_sfu_bytes_in_total{kind=\"video\"}"));
        assertTrue(videoIn > 50, "video flows in: " + videoIn);
        assertTrue(videoOut / videoIn > 1.85 && videoOut / videoIn < 2.1, "two WebRTC viewers: out ≈ 2 × in, was "
                + videoOut + " / " + videoIn);
        assertTrue(audioOut / audioIn > 1.85 && audioOut / audioIn < 2.1, "audio too: " + audioOut + " / " + audioIn);
        assertTrue(latencyCount >= videoIn, "a latency sample per packet per worker: " + latencyCount);
        assertTrue(latencySum > 0);

        assertEquals(b.value("relaycast_sfu_publishers"), 1.0);
        assertEquals(b.value("relaycast_sfu_subscribers"), 2.0);
        assertTrue(b.value("relaycast_live_streams") >= 1);
        assertTrue(b.value("relaycast_viewers{transport=\"webrtc\"}") >= 2, "cluster-wide, this stream's included");
        assertTrue(b.value("relaycast_viewers{transport=\"hls\"}") >= 1);
        assertTrue(b.value("relaycast_sfu_dtls_handshakes_total{outcome=\"ok\"}") >= 3, "publisher + two viewers");
        assertTrue(b.value("relaycast_sfu_keyframe_requests_total{direction=\"sent\"}") >= 1, "keyframes for the joins");
        assertTrue(b.has("relaycast_sfu_nacks_total{direction=\"received\"}"));
        assertTrue(b.has("relaycast_sfu_retransmissions_total"));
        assertTrue(b.has("relaycast_sfu_ice_failures_total"));
        assertTrue(b.value("relaycast_ffmpeg_processes{purpose=\"hls\"}") >= 1, "the HLS ladder's ffmpeg");
        assertTrue(b.delta(a, "relaycast_ffmpeg_cpu_seconds_total{purpose=\"hls\"}") > 0, "it used CPU");
        // none: a restart means the ladder died (decision 291b: the packager's pipe reader used to fail on short reads)
        assertEquals(b.value("relaycast_ffmpeg_restarts_total{purpose=\"hls\"}"), 0.0);
        assertTrue(b.has("relaycast_webhook_deliveries_total{outcome=\"delivered\"}"));
        assertTrue(b.has("relaycast_socketio_connections"));
        assertTrue(b.has("relaycast_chat_messages_total"));
        assertTrue(b.hasPrefix("jvm_memory_used_bytes"));
        assertTrue(b.hasPrefix("jvm_threads_live_threads"));
        assertTrue(b.hasPrefix("process_cpu_usage"));
        assertEquals(server.api.get("/api/v1/streams/" + streamId + "/viewers", owner).expect(200).get("current").asInt(), 3,
                "the REST count includes the HLS player");
    }

    /** The HLS player's session lives as long as it asks for playlists, then closes after the timeout. */
    @Test(dependsOnMethods = "theSeriesMoveWithTheBroadcast")
    public void anHlsPlayerIsAViewerUntilItGoesSilent() throws Exception {
        JsonNode before = server.api.get("/api/v1/streams/" + streamId + "/viewers", owner).expect(200);
        assertEquals(before.get("current").asInt(), 3);
        Thread.sleep(7000); // longer than the 5 s timeout: the player's playlist requests keep it open
        assertEquals(server.api.get("/api/v1/streams/" + streamId + "/viewers", owner).expect(200).get("current").asInt(), 3,
                "still watching, still counted");
        browser.closeWindow(hlsViewer);
        long closedAt = System.currentTimeMillis();
        waitUntil("the silent HLS session closes", () -> server.api.get("/api/v1/streams/" + streamId + "/viewers", owner)
                .expect(200).get("current").asInt() == 2, Duration.ofSeconds(15));
        System.out.println("HLS viewer session closed " + (System.currentTimeMillis() - closedAt) + " ms after the player stopped");
        waitUntil("the hls gauge", () -> streamViewers("hls") == 0, Duration.ofSeconds(10));
        assertEquals(streamViewers("webrtc"), 2.0);
        int hlsSessions = 0;
        for (var s : server.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT transport, joined_at, left_at FROM viewer_sessions WHERE stream_id = :s AND transport = 'hls'")
                .bind("s", streamId).mapToMap().list())) {
            long watched = ((Number) s.get("left_at")).longValue() - ((Number) s.get("joined_at")).longValue();
            // it was kept open through the 7 s above (longer than the timeout) by playlist requests alone
            assertTrue(watched >= 7_000, "watch time runs to the last playlist request: " + watched + " ms");
            assertTrue(((Number) s.get("left_at")).longValue() <= closedAt + 1000, "and not to the sweep");
            hlsSessions++;
        }
        assertEquals(hlsSessions, 1, "one session for the one player");
    }

    /** Prometheus text format (version 0.0.4) as series → value. */
    record Scrape(Map<String, Double> values) {
        static Scrape parse(String text) {
            Map<String, Double> m = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.lastIndexOf(' ');
                m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
            return new Scrape(m);
        }

        double value(String series) {
            Double v = values.get(series);
            if (v == null) {
                throw new AssertionError("no series " + series + " in " + values.keySet().stream().filter(k -> k.startsWith("relaycast")).sorted().toList());
            }
            return v;
        }

        boolean has(String series) {
            return values.containsKey(series);
        }

        boolean hasPrefix(String prefix) {
            return values.keySet().stream().anyMatch(k -> k.startsWith(prefix));
        }

        double delta(Scrape earlier, String series) {
            return value(series) - earlier.value(series);
        }
    }
}
