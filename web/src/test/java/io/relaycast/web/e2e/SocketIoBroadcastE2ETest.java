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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * A browser broadcast end to end over the contract's Socket.IO events: a headless Chromium with a fake camera and
 * microphone publishes (publisher.html); three viewers (viewer.html) join at different times, the last one 10 s
 * after the first, each in its own window of the same browser; then garbage on the media port, a viewer leaving,
 * a viewer reloading, and the broadcaster ending the stream. One publisher serves the whole class; the methods
 * run in order and each builds on the state the previous one left.
 */
public class SocketIoBroadcastE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    /** The goal for a viewer that joins a running broadcast: first decoded frame within 1 s. */
    private static final double FIRST_FRAME_LIMIT_MS = 1000;

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private Browser browser;
    private String ownerToken;
    private String streamId;
    private String publisher;
    private final List<String> viewers = new ArrayList<>();

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        server = TestServer.start(site.corsOverrides());
        sfu = (Sfu) server.server.media();
        browser = Browser.start();
        ownerToken = server.api.devUser("broadcaster")[0];
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "e2e over Socket.IO"))
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

    private String openViewer() {
        String token = server.api.devUser("viewer")[0];
        return browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket", server.socketUrl(),
                "token", token));
    }

    /** Waits for the current window's first decoded frame and returns join → first frame in ms. */
    private double firstFrameMs() {
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        return ((Number) browser.eval("state.firstFrameMs")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> room() {
        return (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(streamId);
    }

    private int sfuViewers() {
        Map<String, Object> room = room();
        return room == null ? 0 : (Integer) room.get("subscriberCount");
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    public void publishesThroughSocketIoEvents() {
        publisher = browser.openWindow(site.page("publisher.html", "streamId", streamId, "socket", server.socketUrl(),
                "token", ownerToken));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        assertEquals(server.api.get("/api/v1/streams/" + streamId, ownerToken).expect(200).get("status").asText(),
                "live");
        assertTrue(sfu.isPublished(streamId));
    }

    @Test(dependsOnMethods = "publishesThroughSocketIoEvents")
    public void viewersJoiningAtDifferentTimesAllDecode() throws Exception {
        long firstJoin = System.currentTimeMillis();
        viewers.add(openViewer());
        double first = firstFrameMs();
        Thread.sleep(2000);
        viewers.add(openViewer());
        double second = firstFrameMs();
        Thread.sleep(Math.max(0, firstJoin + 10_000 - System.currentTimeMillis()));
        viewers.add(openViewer()); // the late one: joins 10 s after the first
        double late = firstFrameMs();
        System.out.printf("join -> first frame: %.0f ms, %.0f ms, late viewer %.0f ms%n", first, second, late);
        assertTrue(late < FIRST_FRAME_LIMIT_MS, "the late viewer decoded its first frame " + late
                + " ms after joining\n" + browser.eval("state.log"));

        Map<String, WebRtcStats> stats = MediaChecks.assertAllDecoding(browser, viewers, 3000);
        System.out.println("viewers after 3 s: " + stats.values());
        browser.switchTo(publisher);
        assertEquals(((Number) browser.eval("state.viewerCount")).intValue(), 3);
        assertEquals(sfuViewers(), 3);
    }

    @Test(dependsOnMethods = "viewersJoiningAtDifferentTimesAllDecode")
    @SuppressWarnings("unchecked")
    public void garbageOnTheMediaPortLeavesViewersDecoding() throws Exception {
        Map<String, Object> publisherState = (Map<String, Object>) room().get("publisher");
        Map<String, Object> ice = (Map<String, Object>) ((Map<String, Object>) publisherState.get("transport")).get("ice");
        String realUfrag = (String) ice.get("localUfrag");
        assertNotNull(realUfrag);
        Map<String, WebRtcStats> before = new java.util.LinkedHashMap<>();
        for (String v : viewers) {
            before.put(v, MediaChecks.stats(browser, v));
        }
        long start = System.currentTimeMillis();
        try (MediaPortNoise noise = new MediaPortNoise(server.server.mediaUdpPort())) {
            for (int round = 0; round < 10; round++) {
                noise.randomBytes(50);
                noise.bindingWithForeignUfrag();
                noise.bindingWithForgedIntegrity(realUfrag);
                noise.dtlsClientHello();
                noise.fakeRtp(20);
                Thread.sleep(200);
            }
            System.out.println("sent " + noise.sent() + " garbage datagrams to the media port");
        }
        long elapsed = System.currentTimeMillis() - start;
        for (String v : viewers) {
            WebRtcStats after = MediaChecks.stats(browser, v);
            long frames = after.videoFramesDecoded() - before.get(v).videoFramesDecoded();
            assertTrue(frames >= MediaChecks.MIN_FRAMES_PER_SECOND * elapsed / 1000, "a viewer decoded " + frames
                    + " frames in the " + elapsed + " ms of garbage: " + before.get(v) + " -> " + after);
        }
        MediaChecks.assertAllDecoding(browser, viewers, 2000);
        assertEquals(sfuViewers(), 3);
        assertTrue(sfu.isPublished(streamId));
    }

    @Test(dependsOnMethods = "garbageOnTheMediaPortLeavesViewersDecoding")
    public void aViewerLeavingDisturbsNobody() throws Exception {
        String leaving = viewers.remove(1);
        browser.switchTo(leaving);
        browser.eval("leave()");
        browser.switchTo(publisher);
        browser.waitFor("state.viewerCount === 2", CONNECT);
        waitUntil("the SFU to drop the viewer", () -> sfuViewers() == 2, Duration.ofSeconds(5));
        browser.closeWindow(leaving);
        MediaChecks.assertAllDecoding(browser, viewers, 2000);
    }

    @Test(dependsOnMethods = "aViewerLeavingDisturbsNobody")
    public void aReloadedViewerDecodesAgain() throws Exception {
        String reloading = viewers.get(0);
        browser.switchTo(reloading);
        browser.reload();
        double again = firstFrameMs();
        System.out.printf("reloaded viewer: join -> first frame %.0f ms%n", again);
        assertTrue(again < FIRST_FRAME_LIMIT_MS, "after a reload the viewer decoded its first frame " + again + " ms after joining");
        // the old page's socket is gone: its peer is freed, the new one counts once
        waitUntil("the SFU to count the reloaded viewer once", () -> sfuViewers() == 2, Duration.ofSeconds(10));
        MediaChecks.assertAllDecoding(browser, viewers, 2000);
    }

    @Test(dependsOnMethods = "aReloadedViewerDecodesAgain")
    public void endingTellsViewersAndEndsTheStream() throws Exception {
        browser.switchTo(publisher);
        browser.eval("endStream()");
        for (String v : viewers) {
            browser.switchTo(v);
            browser.waitFor("state.ended === true", Duration.ofSeconds(10));
        }
        assertEquals(server.api.get("/api/v1/streams/" + streamId, ownerToken).expect(200).get("status").asText(),
                "ended");
        assertFalse(sfu.isPublished(streamId));
        waitUntil("the room to be gone", () -> room() == null, Duration.ofSeconds(5));
    }
}
