package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The same broadcast over the standard endpoints: Chromium publishes with WHIP (whip.html, stream key as bearer,
 * RFC 9725) and watches with WHEP (whep.html: the viewer offers recvonly audio and video, the SFU answers), in
 * windows of one browser. Then a viewer leaves (DELETE), a viewer reloads, and the publisher's DELETE ends it all.
 */
public class WhipWhepBroadcastE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final double FIRST_FRAME_LIMIT_MS = 1000;

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private Browser browser;
    private String ownerToken;
    private String streamId;
    private String streamKey;
    private String publisher;
    private final List<String> viewers = new ArrayList<>();

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        server = TestServer.start(site.corsOverrides());
        sfu = (Sfu) server.server.media();
        browser = Browser.start();
        ownerToken = server.api.devUser("encoder-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "e2e over WHIP/WHEP"))
                .expect(201);
        streamId = stream.get("id").asText();
        streamKey = stream.get("streamKey").asText();
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
        return browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + streamId));
    }

    private double firstFrameMs() {
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        return ((Number) browser.eval("state.firstFrameMs")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private int sfuViewers() {
        Map<String, Object> room = (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(streamId);
        return room == null ? 0 : (Integer) room.get("subscriberCount");
    }

    private int restViewers() {
        return server.api.get("/api/v1/streams/" + streamId + "/viewers", ownerToken).expect(200).get("current").asInt();
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

    /**
     * An encoder that offers a=setup:passive (as ffmpeg's WHIP muxer does) makes the SFU the DTLS client: the
     * answer says active, our ClientHello starts the handshake, and a WHEP viewer decodes what it sends.
     */
    @Test
    @SuppressWarnings("unchecked")
    public void anEncoderThatWantsToBeTheDtlsServerPublishesToo() throws Exception {
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "passive encoder"))
                .expect(201);
        String id = stream.get("id").asText();
        String encoder = browser.openWindow(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + id,
                "key", stream.get("streamKey").asText(), "setup", "passive"));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        assertEquals(browser.eval("pc.remoteDescription.sdp.includes('a=setup:active')"), Boolean.TRUE,
                "the SFU answered active");
        assertEquals(browser.eval("pc.sctp === null && [...pc.getSenders()].every(s => s.transport.state === 'connected')"),
                Boolean.TRUE, "the browser's DTLS transport is up");
        Map<String, Object> room = (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(id);
        Map<String, Object> pub = (Map<String, Object>) room.get("publisher");
        Map<String, Object> dtls = (Map<String, Object>) ((Map<String, Object>) pub.get("transport")).get("dtls");
        assertEquals(dtls.get("role"), "CLIENT", "the SFU ran the DTLS client: " + dtls);
        assertEquals(dtls.get("state"), "CONNECTED");

        String viewer = browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + id));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        System.out.println("passive encoder, WHEP viewer: " + MediaChecks.assertAllDecoding(browser, List.of(viewer), 2000).values());
        browser.closeWindow(viewer);
        browser.switchTo(encoder);
        assertEquals(((Number) browser.eval("unpublish()")).intValue(), 200);
        browser.closeWindow(encoder);
        assertFalse(sfu.isPublished(id));
    }

    @Test
    public void publishesWithWhip() {
        publisher = browser.openWindow(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + streamId,
                "key", streamKey));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        assertEquals(server.api.get("/api/v1/streams/" + streamId, ownerToken).expect(200).get("status").asText(),
                "live");
        assertTrue(sfu.isPublished(streamId));
    }

    @Test(dependsOnMethods = "publishesWithWhip")
    public void whepViewersDecodeAndALateOneStartsFast() throws Exception {
        viewers.add(openViewer());
        double first = firstFrameMs();
        Thread.sleep(5000);
        viewers.add(openViewer());
        double late = firstFrameMs();
        System.out.printf("WHEP: offer -> first frame %.0f ms, late viewer %.0f ms%n", first, late);
        assertTrue(late < FIRST_FRAME_LIMIT_MS, "the late WHEP viewer decoded its first frame after " + late + " ms");
        System.out.println("WHEP viewers: " + MediaChecks.assertAllDecoding(browser, viewers, 3000).values());
        assertEquals(sfuViewers(), 2);
        assertEquals(restViewers(), 2);
    }

    @Test(dependsOnMethods = "whepViewersDecodeAndALateOneStartsFast")
    public void aWhepViewerLeavingDisturbsNobody() throws Exception {
        String leaving = viewers.remove(1);
        browser.switchTo(leaving);
        assertEquals(((Number) browser.eval("stopWatching()")).intValue(), 200);
        browser.closeWindow(leaving);
        assertEquals(sfuViewers(), 1);
        assertEquals(restViewers(), 1);
        MediaChecks.assertAllDecoding(browser, viewers, 2000);
    }

    @Test(dependsOnMethods = "aWhepViewerLeavingDisturbsNobody")
    public void aReloadedWhepViewerDecodesAgain() throws Exception {
        browser.switchTo(viewers.get(0));
        browser.reload();
        double again = firstFrameMs();
        System.out.printf("WHEP reloaded viewer: offer -> first frame %.0f ms%n", again);
        assertTrue(again < FIRST_FRAME_LIMIT_MS, "after a reload the WHEP viewer decoded its first frame after " + again + " ms");
        // the unloaded page closed its peer connection (DTLS close_notify): the SFU frees it, WHEP ends its session
        waitUntil("the old WHEP peer to be freed", () -> sfuViewers() == 1, Duration.ofSeconds(10));
        waitUntil("the old viewer session to close", () -> restViewers() == 1, Duration.ofSeconds(5));
        MediaChecks.assertAllDecoding(browser, viewers, 2000);
    }

    @Test(dependsOnMethods = "aReloadedWhepViewerDecodesAgain")
    public void deletingTheWhipResourceEndsTheStream() throws Exception {
        browser.switchTo(publisher);
        assertEquals(((Number) browser.eval("unpublish()")).intValue(), 200);
        assertEquals(server.api.get("/api/v1/streams/" + streamId, ownerToken).expect(200).get("status").asText(),
                "ended");
        assertFalse(sfu.isPublished(streamId));
        waitUntil("every WHEP peer to be gone", () -> sfuViewers() == 0, Duration.ofSeconds(5));
        browser.switchTo(viewers.get(0));
        browser.waitFor("pc.connectionState !== 'connected'", Duration.ofSeconds(15));
    }
}
