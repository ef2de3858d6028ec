package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * The SFU's stats over real HTTP with a real headless Chromium publisher and viewer (issue 5, item 4): the owner's
 * {@code media-stats} shows the viewer's outgoing bit rate and packet rate and a round trip from the viewer's own
 * receiver reports (RFC 3550 section 6.4.1), the publisher's round trip from its DLRR answers (RFC 3611), and the
 * analytics' {@code mediaHealth} gets samples of source
 * {@code sfu} from the periodic sampler (every second here).
 */
public class MediaStatsE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);

    private E2eSite site;
    private TestServer server;
    private Browser browser;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> overrides = new java.util.LinkedHashMap<>(site.corsOverrides());
        overrides.put("relaycast.analytics.sfu-sample-interval", "1s");
        server = TestServer.start(overrides);
        browser = Browser.start();
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

    @Test
    public void mediaStatsShowTheViewersRatesAndRoundTripAndAnalyticsGetSfuSamples() throws Exception {
        String ownerToken = server.api.devUser("stats broadcaster")[0];
        String streamId = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "stats")).expect(201)
                .get("id").asText();
        browser.openWindow(site.page("publisher.html", "streamId", streamId, "socket", server.socketUrl(),
                "token", ownerToken));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        String viewer = browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket",
                server.socketUrl(), "token", server.api.devUser("stats viewer")[0]));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        MediaChecks.assertAllDecoding(browser, java.util.List.of(viewer), 2000);

        // Chrome reports about once a second; the viewer's RR must name an SR we relayed for an RTT
        String adminToken = server.api.devUser("stats admin", "admin")[0];
        String path = "/api/v1/streams/" + streamId + "/media-stats";
        JsonNode stats = null;
        JsonNode viewerStats = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            stats = server.api.get(path, ownerToken).expect(200);
            viewerStats = stats.get("media").get("viewers").get(0);
            if (viewerStats != null && !viewerStats.get("rttMs").isNull() && viewerStats.get("bitrateBps").asLong() > 0
                    && !stats.get("media").get("publisher").get("rttMs").isNull()) {
                break;
            }
            Thread.sleep(250);
        }
        JsonNode publisher = stats.get("media").get("publisher");
        System.out.printf("media-stats: publisher in %d bit/s %.1f packets/s rtt %s ms loss %s%% jitter %s ms; viewer out"
                        + " %d bit/s %.1f packets/s rtt %s ms loss %s%% jitter %s ms%n",
                publisher.get("bitrateBps").asLong(), publisher.get("packetsPerSecond").asDouble(),
                publisher.get("rttMs"),
                publisher.get("lossPercent"), publisher.get("jitterMs"), viewerStats.get("bitrateBps").asLong(),
                viewerStats.get("packetsPerSecond").asDouble(), viewerStats.get("rttMs"),
                viewerStats.get("lossPercent"), viewerStats.get("jitterMs"));
        assertEquals(stats.get("media").get("viewerCount").asInt(), 1, stats.toString());
        assertTrue(viewerStats.get("viewer").asText().matches("v-[0-9a-f]{12}"), "an opaque label: " + viewerStats);
        assertTrue(viewerStats.get("receiving").asBoolean(), viewerStats.toString());
        // a fake camera at 30 fps and opus at 50 packets/s: well above these floors
        assertTrue(viewerStats.get("bitrateBps").asLong() > 50_000, "viewer's outgoing bit rate: " + viewerStats);
        assertTrue(viewerStats.get("packetsPerSecond").asDouble() > 40, "viewer's outgoing packet rate: " + viewerStats);
        // loopback: the round trip is the two stacks' RTCP handling, well under a second, and never negative
        assertTrue(viewerStats.get("rttMs").isNumber(), "a round trip from the viewer's receiver reports: " + viewerStats);
        double rtt = viewerStats.get("rttMs").asDouble();
        assertTrue(rtt >= 0 && rtt < 1000, "rtt " + rtt);
        assertTrue(viewerStats.get("lossPercent").isNumber(), viewerStats.toString());
        assertTrue(publisher.get("bitrateBps").asLong() > 50_000, publisher.toString());
        // Chrome answers our receiver reference time with a DLRR block (RFC 3611 sections 4.4, 4.5)
        assertTrue(publisher.get("rttMs").isNumber(), "a round trip to the publisher: " + publisher);
        assertTrue(publisher.get("rttMs").asDouble() >= 0 && publisher.get("rttMs").asDouble() < 1000, publisher.toString());
        assertTrue(publisher.get("packetsPerSecond").asDouble() > 40, publisher.toString());

        // the debug state, for admins only: per-kind counters, and the selected ICE pairs with the peers' addresses
        JsonNode debug = server.api.get(path + "?debug=1", adminToken).expect(200).get("media");
        JsonNode viewerDebug = debug.get("subscribers").elements().next();
        assertTrue(viewerDebug.get("video").get("bitrateBps").asLong() > 0, viewerDebug.toString());
        assertTrue(viewerDebug.get("audio").get("packetsPerSecond").asDouble() > 20, viewerDebug.toString());
        assertTrue(viewerDebug.get("receiverReportsReceived").asLong() > 0, viewerDebug.toString());
        java.util.regex.Matcher pairs = java.util.regex.Pattern
                .compile("\\d+\\.\\d+\\.\\d+\\.\\d+:(\\d+)/\\w+ -> (\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+)")
                .matcher(debug.toString());
        java.util.List<String> remotes = new java.util.ArrayList<>();
        while (pairs.find()) {
            remotes.add(pairs.group(2) + ":" + pairs.group(3));
        }
        assertTrue(remotes.size() >= 2, "the debug state names the publisher's and the viewer's address: " + debug);
        // the owner's answer names no address, no port and no peer id (a socket session or WHIP/WHEP resource)
        String ownerBody = server.api.get(path, ownerToken).expect(200).toString();
        for (String remote : remotes) {
            String port = remote.substring(remote.indexOf(':') + 1);
            assertFalse(ownerBody.contains(remote) || ownerBody.contains(":" + port + "\"")
                    || ownerBody.contains("\"" + port + "\""), remote + " in the owner's stats: " + ownerBody);
        }
        assertFalse(ownerBody.contains("127.0.0.1") || ownerBody.contains("view:") || ownerBody.contains("pub:")
                || ownerBody.contains("selectedPair"), ownerBody);
        // the owner, or anyone else who is not an admin, does not get the debug state
        server.api.get(path + "?debug=1", ownerToken).expectError(403, "FORBIDDEN");
        server.api.get(path + "?debug=true", server.api.devUser("stats nosy")[0]).expect(403);
        server.api.get(path, server.api.devUser("stats other")[0]).expect(403);

        // the sampler stores a row a second; the analytics show them per minute as source "sfu"
        JsonNode sfu = null;
        deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && sfu == null) {
            JsonNode health = server.api.get("/api/v1/streams/" + streamId + "/analytics", ownerToken).expect(200)
                    .get("mediaHealth");
            for (JsonNode row : health) {
                // a minute's row averages every sample in it, the first ones from before media flowed: wait for
                // one whose average shows the broadcast
                if (row.get("source").asText().equals("sfu") && row.get("viewers").asDouble() > 0
                        && row.get("viewerRtt").isNumber() && row.get("rtt").isNumber()
                        && row.get("packetRate").asDouble() > 20) {
                    sfu = row;
                }
            }
            if (sfu == null) {
                Thread.sleep(500);
            }
        }
        if (sfu == null) {
            fail("no SFU sample with a viewer, its RTT and > 20 packets/s in mediaHealth within 15 s");
        }
        System.out.println("mediaHealth (sfu): " + sfu);
        assertTrue(sfu.get("bitrate").asDouble() > 50_000, sfu.toString());
        assertTrue(sfu.get("rtt").isNumber(), "the publisher's round trip: " + sfu);
        assertTrue(sfu.get("viewerBitrate").asDouble() > 50_000, sfu.toString());
        assertTrue(sfu.get("viewerLoss").isNumber(), sfu.toString());
        assertTrue(sfu.get("samples").asLong() >= 1, sfu.toString());
        assertEquals(sfu.get("viewersHigh").asDouble() + sfu.get("viewersMedium").asDouble()
                + sfu.get("viewersLow").asDouble(), 0.0, "no simulcast: no layer counts " + sfu);
    }
}
