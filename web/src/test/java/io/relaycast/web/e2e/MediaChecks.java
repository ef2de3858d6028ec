package io.relaycast.web.e2e;

import io.relaycast.web.browser.WebBrowser;
import io.relaycast.web.browser.WebRtcStats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertTrue;

/** Assertions on what viewer pages (one window each, peer connection in {@code pc}) decode. */
final class MediaChecks {
    /**
     * Frames a viewer must decode per second of observation. The fake camera sends 30 fps; on a 2-core machine
     * running a publisher and three viewers in one Chromium the encoder manages about 20, so this asks for a
     * fifth of the camera's rate: a viewer stalled for most of the window fails it, and a busy CI machine has room
     * to be slow.
     */
    static final long MIN_FRAMES_PER_SECOND = 6;

    private MediaChecks() {
    }

    static WebRtcStats stats(WebBrowser browser, String window) {
        return stats(browser, window, "pc");
    }

    /** The stats of the peer connection the page holds in {@code pcVariable} (e.g. the watch page's {@code watch.pc}). */
    static WebRtcStats stats(WebBrowser browser, String window, String pcVariable) {
        browser.switchTo(window);
        return WebRtcStats.read(browser, pcVariable);
    }

    /**
     * Reads every window's stats, waits {@code millis}, reads again: each must have decoded video frames at
     * {@link #MIN_FRAMES_PER_SECOND} or better and received audio packets in between. Returns the second reading.
     */
    static Map<String, WebRtcStats> assertAllDecoding(WebBrowser browser, List<String> windows, long millis)
            throws InterruptedException {
        return assertAllDecoding(browser, windows, millis, "pc");
    }

    /** {@link #assertAllDecoding(WebBrowser, List, long)} for pages that keep their peer connection elsewhere. */
    static Map<String, WebRtcStats> assertAllDecoding(WebBrowser browser, List<String> windows, long millis,
                                                      String pcVariable) throws InterruptedException {
        Map<String, WebRtcStats> before = new LinkedHashMap<>();
        for (String w : windows) {
            before.put(w, stats(browser, w, pcVariable));
        }
        Thread.sleep(millis);
        Map<String, WebRtcStats> after = new LinkedHashMap<>();
        for (String w : windows) {
            WebRtcStats b = before.get(w);
            WebRtcStats a = stats(browser, w, pcVariable);
            after.put(w, a);
            long frames = a.videoFramesDecoded() - b.videoFramesDecoded();
            assertTrue(frames >= MIN_FRAMES_PER_SECOND * millis / 1000, "window " + w + " decoded " + frames
                    + " frames in " + millis + " ms (" + b + " -> " + a + ")\nconsole:\n" + browser.consoleLog());
            assertTrue(a.audioPacketsReceived() > b.audioPacketsReceived(),
                    "window " + w + " received no audio in " + millis + " ms (" + b + " -> " + a + ")");
        }
        return after;
    }
}
