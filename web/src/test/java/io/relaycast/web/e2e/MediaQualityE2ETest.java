package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.WebRtcStats;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * Media quality under real browser behaviour (issue 5): a headless Chromium with a fake camera publishes over
 * Socket.IO; the SFU's transport-cc feedback must let its congestion controller ramp up, and a viewer on a lossy
 * path must keep playing through NACK and RTX.
 *
 * <p>Loss: running a second Chromium inside a network namespace behind {@code tc netem} does not fit this harness
 * (one WebDriver-driven browser, loopback-only media), so the loss is injected in the SFU's send path toward that
 * one viewer with a test hook ({@link Sfu#injectViewerLossForTest}): every 20th RTP packet (5 %) is dropped after
 * SRTP protection, retransmissions included, which is what the viewer would see behind a lossy link.
 */
public class MediaQualityE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    /** The goal for the publisher's estimate, and the time it has to get there. */
    private static final double RAMP_TARGET_BPS = 1_500_000;
    private static final Duration RAMP_LIMIT = Duration.ofSeconds(15);

    /** The publisher's video encoder: target bitrate, bytes sent, frames per second, resolution. */
    private static final String OUTBOUND_VIDEO = """
            const done = arguments[arguments.length - 1];
            pc.getStats().then(r => { let o = ''; r.forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video')
              o += `target ${Math.round((s.targetBitrate || 0) / 1000)}k sent ${Math.round(s.bytesSent / 1000)}kB `
                + `${s.framesPerSecond || 0}fps ${s.frameWidth}x${s.frameHeight} ${s.qualityLimitationReason}`; });
              done(o); });
            """;

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private Browser browser;
    private String ownerToken;
    private String streamId;
    private String publisher;
    private String viewer;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        server = TestServer.start(site.corsOverrides());
        sfu = (Sfu) server.server.media();
        browser = Browser.start();
        ownerToken = server.api.devUser("broadcaster")[0];
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "media quality"))
                .expect(201);
        streamId = stream.get("id").asText();
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

    @SuppressWarnings("unchecked")
    private Map<String, Object> room() {
        return (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(streamId);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyViewer() {
        Map<String, Object> subscribers = (Map<String, Object>) room().get("subscribers");
        assertEquals(subscribers.size(), 1, "one viewer: " + subscribers.keySet());
        return (Map<String, Object>) subscribers.values().iterator().next();
    }

    @Test
    public void thePublishersEstimateRampsUpOnOurTransportCcFeedback() throws Exception {
        // busy=1: a picture the encoder cannot squeeze below its target, as a real camera's (see publisher.html)
        publisher = browser.openWindow(site.page("publisher.html", "streamId", streamId, "socket", server.socketUrl(),
                "token", ownerToken, "busy", "1"));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        long connected = System.nanoTime();
        double best = 0;
        StringBuilder trace = new StringBuilder();
        while (System.nanoTime() - connected < RAMP_LIMIT.toNanos() && best < RAMP_TARGET_BPS) {
            Thread.sleep(500);
            WebRtcStats s = MediaChecks.stats(browser, publisher);
            double bps = s.availableOutgoingBitrate() == null ? 0 : s.availableOutgoingBitrate();
            best = Math.max(best, bps);
            trace.append(String.format("%.1fs %.0f kbit/s %s; ", (System.nanoTime() - connected) / 1e9, bps / 1000,
                    browser.executeAsync(OUTBOUND_VIDEO)));
        }
        double seconds = (System.nanoTime() - connected) / 1e9;
        System.out.printf("publisher availableOutgoingBitrate: %.0f kbit/s after %.1f s (%s)%n", best / 1000, seconds,
                trace);
        assertTrue(best >= RAMP_TARGET_BPS, "the publisher's estimate reached only " + best / 1000
                + " kbit/s in " + RAMP_LIMIT.toSeconds() + " s: " + trace + "\nSFU: " + room().get("publisher"));
    }

    @Test(dependsOnMethods = "thePublishersEstimateRampsUpOnOurTransportCcFeedback")
    @SuppressWarnings("unchecked")
    public void aViewerLosingFivePercentKeepsPlayingThroughNackAndRtx() throws Exception {
        String token = server.api.devUser("viewer")[0];
        viewer = browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket", server.socketUrl(),
                "token", token));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        long millis = 10_000;
        // a window without loss first: on a busy 2-core machine a viewer freezes now and then anyway, and the
        // lossy window is judged against that, not against zero
        WebRtcStats start = MediaChecks.stats(browser, viewer);
        Map<String, WebRtcStats> clean = MediaChecks.assertAllDecoding(browser, java.util.List.of(viewer), millis);
        WebRtcStats before = clean.get(viewer);
        long baselineFreezes = before.videoFreezeCount() - start.videoFreezeCount();
        Map<String, Object> mapping = (Map<String, Object>) ((Map<String, Object>) onlyViewer().get("video"))
                .get("mapping");
        assertEquals(mapping.get("rtx"), true, "the viewer took the RTX we offered: " + mapping);

        assertEquals(sfu.injectViewerLossForTest(streamId, 20), 1);
        Map<String, WebRtcStats> lossy;
        try {
            lossy = MediaChecks.assertAllDecoding(browser, java.util.List.of(viewer), millis);
        } finally {
            sfu.injectViewerLossForTest(streamId, 0);
        }
        WebRtcStats after = lossy.get(viewer);
        Map<String, Object> state = onlyViewer();
        Map<String, Object> packets = (Map<String, Object>) ((Map<String, Object>) state.get("transport"))
                .get("packets");
        assertNotNull(packets, "transport packet counters: " + state.get("transport"));
        System.out.printf("no loss: %d freezes; 5%% loss for %d ms: viewer nacks %d -> %d, freezes %d -> %d, frames %d -> %d;"
                        + " SFU dropped %s, nacked %s, rtx %s, duplicates %s, unavailable %s; viewer REMB %s%n", baselineFreezes, millis,
                before.videoNackCount(), after.videoNackCount(), before.videoFreezeCount(), after.videoFreezeCount(),
                before.videoFramesDecoded(), after.videoFramesDecoded(), packets.get("droppedByTestLoss"),
                state.get("nackedPackets"), state.get("retransmittedRtx"), state.get("nackDuplicates"),
                state.get("nackUnavailable"), state.get("estimatedBandwidth"));
        // every 20th of ~80 packets a second (audio and video) for 10 s: about 40 lost, half of them video
        assertTrue(((Number) packets.get("droppedByTestLoss")).longValue() >= 20, "the loss was really injected");
        assertTrue(after.videoNackCount() - before.videoNackCount() >= 10,
                "the viewer asked for what it lost: " + before + " -> " + after);
        long rtx = ((Number) state.get("retransmittedRtx")).longValue();
        assertTrue(rtx >= 10, "the SFU answered from its cache with RTX: " + state);
        // the same numbers for the stream's owner over the API; not for others
        JsonNode mediaStats = server.api.get("/api/v1/streams/" + streamId + "/media-stats", ownerToken).expect(200);
        JsonNode viewerStats = mediaStats.get("media").get("subscribers").elements().next();
        assertTrue(viewerStats.get("retransmittedRtx").asLong() >= rtx, mediaStats.toString());
        assertTrue(mediaStats.get("media").get("publisher").get("sources").size() >= 2, mediaStats.toString());
        server.api.get("/api/v1/streams/" + streamId + "/media-stats", server.api.devUser("nosy")[0]).expect(403);

        // without retransmissions 5 % packet loss breaks a frame every couple of seconds, each a freeze until the
        // next keyframe; with them the lossy window freezes hardly more than the clean one
        long lossyFreezes = after.videoFreezeCount() - before.videoFreezeCount();
        assertTrue(lossyFreezes <= baselineFreezes + 2, "freezes under 5 % loss: " + lossyFreezes
                + " against " + baselineFreezes + " without: " + before + " -> " + after);
    }

    /** The viewer's decoded video width (inbound-rtp frameWidth), 0 before the first frame. */
    private long viewerFrameWidth(String window) {
        browser.switchTo(window);
        Object w = browser.executeAsync("""
                const done = arguments[arguments.length - 1];
                pc.getStats().then(r => { let w = 0; r.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video')
                  w = s.frameWidth || 0; }); done(w); });
                """);
        return ((Number) w).longValue();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> viewerLayer(Map<String, Object> subscriber) {
        return (Map<String, Object>) subscriber.get("simulcast");
    }

    /**
     * A simulcast publisher (three VP8 layers by rid); its viewer asks for the low layer and then the high one
     * with {@code stream:quality}: the SFU switches on each layer's keyframe, the picture size follows, and the
     * viewer decodes throughout. (Switching on a capped bandwidth needs a cap on the viewer's path, which this
     * harness does not have yet; the choice exercises the same switch.)
     */
    @Test(dependsOnMethods = "aViewerLosingFivePercentKeepsPlayingThroughNackAndRtx")
    public void aSimulcastViewerSwitchesLayersOnItsChoiceAndKeepsDecoding() throws Exception {
        browser.switchTo(viewer);
        browser.closeWindow(viewer);
        browser.switchTo(publisher);
        browser.closeWindow(publisher);
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "simulcast")).expect(201);
        String id = stream.get("id").asText();
        String caster = browser.openWindow(site.page("publisher.html", "streamId", id, "socket", server.socketUrl(),
                "token", ownerToken, "simulcast", "1"));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        String token = server.api.devUser("picky viewer")[0];
        String watcher = browser.openWindow(site.page("viewer.html", "streamId", id, "socket", server.socketUrl(),
                "token", token));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        MediaChecks.assertAllDecoding(browser, java.util.List.of(watcher), 2000);
        StringBuilder trace = new StringBuilder();
        for (String quality : new String[] {"low", "high"}) {
            browser.switchTo(watcher);
            browser.executeAsync("const done = arguments[arguments.length - 1];"
                    + " socket.timeout(5000).emitWithAck('stream:quality', { streamId: arguments[0], quality: arguments[1] })"
                    + ".then(done, e => done(String(e)));", id, quality);
            int wanted = quality.equals("low") ? 0 : 2;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Map<String, Object> layer = null;
            while (System.nanoTime() < deadline) {
                Map<String, Object> subs = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                        sfu.debugState().get("rooms")).get(id)).get("subscribers");
                layer = viewerLayer((Map<String, Object>) subs.values().iterator().next());
                if (((Number) layer.get("current")).intValue() == wanted) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(((Number) layer.get("current")).intValue(), wanted, quality + ": " + layer);
            Map<String, WebRtcStats> s = MediaChecks.assertAllDecoding(browser, java.util.List.of(watcher), 3000);
            long width = viewerFrameWidth(watcher);
            trace.append(quality).append(": layer ").append(layer).append(", ").append(width).append(" px wide, ")
                    .append(s.get(watcher)).append("; ");
            if (quality.equals("low")) {
                assertTrue(width > 0 && width <= 400, "the low layer is a quarter of 1280: " + width);
            } else {
                assertTrue(width >= 640, "the high layer is larger: " + width);
            }
        }
        System.out.println("simulcast viewer: " + trace);
    }
}
