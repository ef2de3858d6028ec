package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.FirefoxBidi;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * Issue 18 item 5: Firefox ESR publishes, Chromium watches. Firefox (driven over WebDriver BiDi, {@link FirefoxBidi})
 * publishes its fake camera and microphone with the contract's Socket.IO events (publisher.html), then with WHIP
 * (whip.html); a Chromium viewer (viewer.html, whep.html) must decode both video and audio. Firefox's offer differs
 * from Chromium's in ways the SDP reader has to take: braces in msid ids, {@code a=ssrc} lines without msid,
 * different extmap ids and header extensions, its own RTX and H.264 parameters.
 */
public class FirefoxPublisherE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private FirefoxBidi firefox;
    private Browser chromium;
    private String ownerToken;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        // Firefox gathers no loopback candidate: the SFU also listens on this host's own address (LocalAddresses)
        server = TestServer.start(LocalAddresses.withHostAddress(site.corsOverrides()));
        sfu = (Sfu) server.server.media();
        firefox = FirefoxBidi.start();
        chromium = Browser.start();
        ownerToken = server.api.devUser("firefox-broadcaster")[0];
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(firefox, chromium, server, site);
    }

    private JsonNode newStream(String title) {
        return server.api.post("/api/v1/streams", ownerToken, Map.of("title", title)).expect(201);
    }

    /** Fails with the page's state and Firefox's console if the publisher page does not get to "publishing". */
    private void awaitPublishing() {
        try {
            firefox.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'",
                    CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\npage state: " + firefox.eval("JSON.stringify(window.state)")
                    + "\nFirefox output:\n" + firefox.processOutput(), e);
        }
        assertTrue(((String) firefox.eval("navigator.userAgent")).contains("Firefox"), "the publisher is Firefox");
    }

    @Test
    public void firefoxPublishesOverSocketIoAndChromiumDecodes() throws Exception {
        String id = newStream("Firefox over Socket.IO").get("id").asText();
        firefox.open(site.page("publisher.html", "streamId", id, "socket", server.socketUrl(), "token", ownerToken));
        awaitPublishing();
        assertEquals(server.api.get("/api/v1/streams/" + id, ownerToken).expect(200).get("status").asText(), "live");
        assertTrue(sfu.isPublished(id));
        String offer = (String) firefox.eval("pc.localDescription.sdp");
        System.out.println("Firefox publisher offer:\n" + offer);

        String viewer = chromium.openWindow(site.page("viewer.html", "streamId", id, "socket", server.socketUrl(),
                "token", server.api.devUser("chromium-viewer")[0]));
        chromium.waitFor("state.firstFrameMs !== undefined", CONNECT);
        System.out.printf("Firefox publisher (Socket.IO), Chromium viewer: join -> first frame %.0f ms, %s%n",
                ((Number) chromium.eval("state.firstFrameMs")).doubleValue(),
                MediaChecks.assertAllDecoding(chromium, List.of(viewer), 3000).values());
        AudioChecks.unmute(chromium, "player");
        AudioChecks.assertAudioDecoded(chromium, "pc", 2000);

        firefox.eval("endStream()");
        chromium.waitFor("state.ended === true", Duration.ofSeconds(10));
        assertFalse(sfu.isPublished(id));
        chromium.closeWindow(viewer);
    }

    @Test
    public void firefoxPublishesOverWhipAndAChromiumWhepViewerDecodes() throws Exception {
        JsonNode stream = newStream("Firefox over WHIP");
        String id = stream.get("id").asText();
        firefox.open(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + id,
                "key", stream.get("streamKey").asText()));
        awaitPublishing();
        assertTrue(sfu.isPublished(id));

        String viewer = chromium.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + id));
        chromium.waitFor("state.firstFrameMs !== undefined", CONNECT);
        System.out.printf("Firefox publisher (WHIP), Chromium WHEP viewer: offer -> first frame %.0f ms, %s%n",
                ((Number) chromium.eval("state.firstFrameMs")).doubleValue(),
                MediaChecks.assertAllDecoding(chromium, List.of(viewer), 3000).values());
        AudioChecks.unmute(chromium, "player");
        AudioChecks.assertAudioDecoded(chromium, "pc", 2000);

        assertEquals(((Number) firefox.eval("unpublish()")).intValue(), 200);
        assertFalse(sfu.isPublished(id));
        chromium.closeWindow(viewer);
    }
}
