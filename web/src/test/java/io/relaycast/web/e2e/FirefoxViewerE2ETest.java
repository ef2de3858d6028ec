package io.relaycast.web.e2e;

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
import static org.testng.Assert.assertTrue;

/**
 * Issue 18 item 5: Chromium publishes, Firefox ESR watches. A Chromium publisher (publisher.html, Socket.IO) goes
 * live; Firefox, driven over WebDriver BiDi ({@link FirefoxBidi}), opens the product's own watch page (Socket.IO,
 * the SFU offers and Firefox answers) and then a WHEP viewer page (Firefox offers recvonly, the SFU answers). Each
 * must decode video and audio.
 */
public class FirefoxViewerE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private Browser chromium;
    private FirefoxBidi firefox;
    private String streamId;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        // Firefox gathers no loopback candidate: the SFU also listens on this host's own address (LocalAddresses)
        server = TestServer.start(LocalAddresses.withHostAddress(site.corsOverrides()));
        sfu = (Sfu) server.server.media();
        chromium = Browser.start();
        firefox = FirefoxBidi.start();
        String owner = server.api.devUser("chromium-broadcaster")[0];
        streamId = server.api.post("/api/v1/streams", owner, Map.of("title", "watched in Firefox")).expect(201)
                .get("id").asText();
        chromium.open(site.page("publisher.html", "streamId", streamId, "socket", server.socketUrl(), "token", owner));
        chromium.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(firefox, chromium, server, site);
    }

    @SuppressWarnings("unchecked")
    private int sfuViewers() {
        Map<String, Object> room = (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(streamId);
        return room == null ? 0 : (Integer) room.get("subscriberCount");
    }

    @Test
    public void theWatchPageDecodesInFirefox() throws Exception {
        String window = firefox.openWindow(server.baseUrl() + "/watch/" + streamId);
        try {
            firefox.waitFor("window.watch && window.watch.transport === 'webrtc' && window.watch.pc"
                    + " && window.watch.pc.connectionState === 'connected'", CONNECT);
            firefox.waitFor("document.getElementById('video').videoWidth > 0"
                    + " && document.getElementById('video').currentTime > 0.5", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nFirefox output:\n" + firefox.processOutput(), e);
        }
        assertTrue(((String) firefox.eval("navigator.userAgent")).contains("Firefox"), "the viewer is Firefox");
        System.out.println("Firefox watch page: " + MediaChecks.assertAllDecoding(firefox, List.of(window), 3000,
                "watch.pc").values());
        AudioChecks.assertAudioDecoded(firefox, "watch.pc", 2000);
        assertEquals(sfuViewers(), 1);
        firefox.closeWindow(window);
    }

    @Test(priority = 1)
    public void aFirefoxWhepViewerDecodes() throws Exception {
        String window = firefox.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + streamId));
        try {
            firefox.waitFor("state.firstFrameMs !== undefined", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\npage state: " + firefox.eval("JSON.stringify(window.state)")
                    + "\nFirefox output:\n" + firefox.processOutput(), e);
        }
        System.out.printf("Firefox WHEP viewer: offer -> first frame %.0f ms, %s%n",
                ((Number) firefox.eval("state.firstFrameMs")).doubleValue(),
                MediaChecks.assertAllDecoding(firefox, List.of(window), 3000).values());
        AudioChecks.assertAudioDecoded(firefox, "pc", 2000);
        assertEquals(((Number) firefox.eval("stopWatching()")).intValue(), 200);
        firefox.closeWindow(window);
    }
}
