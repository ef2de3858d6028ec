package io.relaycast.web.pages;

import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * A person's flows through the pages, driven by clicks and typing in headless Chromium with fake devices:
 * sign in and go live from the studio, watch from a second browser (video plays, the count shows 1), chat both
 * ways, react, end the stream and see the watch page say so. Screenshots at desktop and phone sizes go to
 * target/screenshots/, and no page may scroll sideways.
 */
public class PagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestServer server;
    private Browser studio;
    private Browser viewer;

    @BeforeClass
    public void start() {
        // the HLS ladder is off in TestServer by default (ffmpeg per live stream); this test plays the fallback
        server = TestServer.start(Map.of("relaycast.hls.enabled", true, "relaycast.rtmp.port", -1));
        studio = Browser.start(Viewport.DESKTOP);
        viewer = Browser.start(Viewport.DESKTOP);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (studio != null) {
            studio.close();
        }
        if (viewer != null) {
            viewer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void type(Browser b, String css, String text) {
        WebElement e = b.driver().findElement(By.cssSelector(css));
        e.clear();
        e.sendKeys(text);
    }

    private static void click(Browser b, String css) {
        b.driver().findElement(By.cssSelector(css)).click();
    }

    /** Every visible control has a name a screen reader can say, and is a native (keyboard-reachable) element. */
    private static void controlsAreLabelled(Browser b, String page) {
        Object unnamed = b.eval("[...document.querySelectorAll('button, input, select, a[href]')]"
                + ".filter(e => e.offsetParent !== null && e.tabIndex >= 0)"
                + ".filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.textContent.trim()"
                + " || e.getAttribute('placeholder'))).map(e => e.outerHTML.slice(0, 80))");
        assertEquals(unnamed, java.util.List.of(), page + " has controls without a name");
    }

    private static void noSidewaysScroll(Browser b, String page) {
        Object overflow = b.eval("document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(((Number) overflow).intValue() <= 0, page + " scrolls sideways by " + overflow + " px");
    }

    @Test
    public void deniedCameraIsExplainedInPlainWords() {
        try (Browser denied = Browser.start(Viewport.DESKTOP)) {
            // what a browser does when the person clicks "Block": getUserMedia rejects with NotAllowedError
            ((org.openqa.selenium.chromium.ChromiumDriver) denied.driver()).executeCdpCommand(
                    "Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                            "navigator.mediaDevices.getUserMedia = () => Promise.reject("
                                    + "new DOMException('Permission denied', 'NotAllowedError'));"));
            denied.open(server.baseUrl() + "/studio");
            denied.waitFor("!document.getElementById('signin').hidden", WAIT);
            type(denied, "#signin-name", "Blocked Bea");
            click(denied, "#signin-form button[type=submit]");
            denied.waitFor("!document.getElementById('media-error').hidden", WAIT);
            String message = (String) denied.eval("document.getElementById('media-error').textContent");
            assertTrue(message.contains("blocked") && message.contains("Allow"), message);
            assertEquals(denied.eval("document.getElementById('media-error').getAttribute('role')"), "alert");
        }
    }

    @Test
    public void goLiveWatchChatReactAndEnd() throws Exception {
        String base = server.baseUrl();
        // the broadcaster signs in and creates a stream, all by hand
        studio.open(base + "/studio");
        studio.waitFor("!document.getElementById('signin').hidden", WAIT);
        type(studio, "#signin-name", "Ann Caster");
        click(studio, "#signin-form button[type=submit]");
        studio.waitFor("window.studio && window.studio.ready && !document.getElementById('studio').hidden", WAIT);
        type(studio, "#new-title", "Pasta night");
        type(studio, "#new-category", "cooking");
        click(studio, "#new-record");
        click(studio, "#create-form button[type=submit]");
        studio.waitFor("window.studio.streamId && !document.getElementById('go-live').disabled", WAIT);
        studio.waitFor("document.getElementById('preview').videoWidth > 0", WAIT);
        String streamId = (String) studio.eval("window.studio.streamId");
        String note = (String) studio.eval("document.getElementById('stream-note').textContent");
        assertTrue(note.contains("rk_"), "the stream key is shown once at creation");
        // how to publish from OBS: WHIP and, beside it, RTMP (server URL, the key as stream key)
        assertTrue(note.contains("WHIP: server ") && note.contains("/whip/") && note.contains("RTMP: server rtmp://")
                && note.contains(":" + server.server.rtmp().port() + "/live, stream key = the key"), note);
        click(studio, "#go-live");
        studio.waitFor("window.studio.live && document.getElementById('live-badge').textContent === 'LIVE'", WAIT);

        // the directory lists it
        viewer.open(base + "/");
        viewer.waitFor("document.querySelector('[data-stream-id=\"" + streamId + "\"]') !== null", WAIT);
        viewer.screenshot("directory-1280x800");
        noSidewaysScroll(viewer, "directory");

        // a viewer opens the watch page: WebRTC video plays and the counts show one viewer
        viewer.open(base + "/watch/" + streamId);
        viewer.waitFor("window.watch && window.watch.transport === 'webrtc'", WAIT);
        viewer.waitFor("document.getElementById('video').videoWidth > 0 && document.getElementById('video').currentTime > 0.5", WAIT);
        studio.waitFor("document.getElementById('viewers').textContent.startsWith('1 ')", WAIT);
        viewer.waitFor("document.getElementById('viewers').textContent.startsWith('1 ')", WAIT);

        // chat both ways: the viewer signs in on the watch page (dev mode), then each side hears the other
        viewer.waitFor("!document.getElementById('signin-form').hidden", WAIT);
        type(viewer, "#signin-name", "Vic Viewer");
        viewer.eval("window.beforeSignIn = true");
        click(viewer, "#signin-form button[type=submit]");
        // signing in reloads the page: wait for the new document before asking it anything else
        viewer.waitFor("!window.beforeSignIn && document.readyState === 'complete'", WAIT);
        viewer.waitFor("window.watch && window.watch.transport === 'webrtc' && document.getElementById('whoami').textContent === 'Vic Viewer'", WAIT);
        type(viewer, "#chat-input", "hello from the couch");
        click(viewer, "#chat form:not(#signin-form) button[type=submit]");
        studio.waitFor("[...document.querySelectorAll('#chat li .text')].some(e => e.textContent === 'hello from the couch')", WAIT);
        type(studio, "#chat-input", "welcome, Vic!");
        click(studio, "#chat form button[type=submit]");
        viewer.waitFor("[...document.querySelectorAll('#chat li .text')].some(e => e.textContent === 'welcome, Vic!')", WAIT);

        // a reaction floats on the player
        click(viewer, "[data-reaction=fire]");
        viewer.waitFor("document.querySelectorAll('#reactions .floating').length > 0", WAIT);

        // screenshots at desktop and phone sizes, looked at by a person; none may scroll sideways
        Path s1 = studio.screenshot("studio-1280x800");
        Path w1 = viewer.screenshot("watch-1280x800");
        noSidewaysScroll(studio, "studio");
        noSidewaysScroll(viewer, "watch");
        studio.setViewport(Viewport.PHONE);
        viewer.setViewport(Viewport.PHONE);
        Path s2 = studio.screenshot("studio-390x844");
        Path w2 = viewer.screenshot("watch-390x844");
        noSidewaysScroll(studio, "studio (phone)");
        noSidewaysScroll(viewer, "watch (phone)");
        for (Path p : new Path[]{s1, w1, s2, w2}) {
            assertTrue(Files.size(p) > 10_000, p + " looks empty");
        }
        studio.setViewport(Viewport.DESKTOP);
        viewer.setViewport(Viewport.DESKTOP);

        // the SFU loses the viewer's peer (an ICE restart cannot help then): the watch page notices, tries an ICE
        // restart, is refused, joins again with a new connection and plays on, without a page load (a path that
        // breaks while the peer lives is IceRestartE2ETest)
        io.relaycast.sfu.Sfu sfu = (io.relaycast.sfu.Sfu) server.server.media();
        String viewerPeer = sfu.room(streamId).subscribers().get(0).peerId();
        viewer.eval("window.watch.marker = 'same page'");
        sfu.close(streamId, viewerPeer);
        viewer.waitFor("(window.watch.recoveries || 0) >= 1 && window.watch.transport === 'webrtc'"
                + " && window.watch.pc.connectionState === 'connected'", Duration.ofSeconds(60));
        viewer.waitFor("document.getElementById('video').currentTime > 0.5", WAIT);
        assertEquals(viewer.eval("window.watch.marker"), "same page", "recovered without a page load");
        // the page tried an ICE restart on the old connection first; the SFU had dropped the peer, so it was
        // refused (UNKNOWN_PEER) and the page joined again
        assertTrue(((Number) viewer.eval("window.watch.iceRestarts")).intValue() >= 1,
                "ICE restart tried before the re-join: " + viewer.eval("JSON.stringify(window.watch.errors)"));

        // the HLS fallback, forced with ?hls=1: hls.js plays the ladder and offers a quality choice
        String webrtcWindow = viewer.currentWindow();
        String hlsWindow = viewer.openWindow(base + "/watch/" + streamId + "?hls=1");
        viewer.waitFor("window.watch && window.watch.transport === 'hls'", WAIT);
        viewer.waitFor("document.getElementById('video').currentTime > 2", Duration.ofSeconds(45));
        viewer.waitFor("!document.getElementById('levels').hidden && document.getElementById('levels').options.length >= 2", WAIT);
        viewer.screenshot("watch-hls-1280x800");
        viewer.closeWindow(hlsWindow);
        viewer.switchTo(webrtcWindow);

        controlsAreLabelled(studio, "studio");
        controlsAreLabelled(viewer, "watch");

        // the studio samples media health every 5 s and sends it as stream:quality-update: analytics has it
        String ownerToken = (String) studio.eval("localStorage.getItem('relaycast.token')");
        long until = System.currentTimeMillis() + 15_000;
        int samples = 0;
        while (samples == 0 && System.currentTimeMillis() < until) {
            samples = server.api.get("/api/v1/streams/" + streamId + "/analytics", ownerToken).expect(200).get("mediaHealth").size();
            Thread.sleep(500);
        }
        assertTrue(samples > 0, "no media health sample reached analytics");
        assertTrue(!"–".equals(studio.eval("document.getElementById('h-res').textContent")), "health shown in the studio");

        // the broadcaster ends the stream; the watch page says so
        click(studio, "#end");
        viewer.waitFor("window.watch.ended === true && document.getElementById('overlay-text').textContent.includes('ended')", WAIT);
        assertEquals(server.api.get("/api/v1/streams/" + streamId, null).expect(200).get("status").asText(), "ended");

        // it was recorded: once finalised, the watch page links the recording and the VOD page plays it
        viewer.waitFor("document.getElementById('recording-link') !== null", Duration.ofSeconds(90));
        click(viewer, "#recording-link");
        viewer.waitFor("window.vod && window.vod.status === 'ready'", WAIT);
        viewer.eval("document.getElementById('video').play()");
        viewer.waitFor("document.getElementById('video').currentTime > 1", WAIT);
        viewer.screenshot("vod-1280x800");
        noSidewaysScroll(viewer, "vod");
    }
}
