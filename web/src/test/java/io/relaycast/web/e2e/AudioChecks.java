package io.relaycast.web.e2e;

import io.relaycast.web.browser.WebBrowser;

import java.util.Map;
import java.util.regex.Pattern;

import static org.testng.Assert.assertTrue;

/**
 * That a viewer's audio is decoded, not only received: the inbound audio stream's {@code totalSamplesReceived}
 * (samples out of the decoder) and {@code totalAudioEnergy} (webrtc-stats, the integral of the level over time)
 * grow. Both engines' fake microphones make sound (Chromium a beep every second, Firefox a steady tone), so a
 * two-second window that adds no energy means silence reached the page. Chromium measures the level only of audio
 * that plays: its viewer's element must be unmuted first ({@link #unmute}); Firefox measures it either way.
 */
final class AudioChecks {
    private static final Pattern JS_PATH = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");

    private AudioChecks() {
    }

    /** Unmutes the page's media element with this id (the test pages start muted, for autoplay). */
    static void unmute(WebBrowser browser, String elementId) {
        browser.eval("document.getElementById('" + elementId.replaceAll("[^\\w-]", "") + "').muted = false");
    }

    /** Reads the current window's inbound audio numbers, waits {@code millis}, and asserts they grew. */
    static void assertAudioDecoded(WebBrowser browser, String pcVariable, long millis) throws InterruptedException {
        Map<String, Object> before = read(browser, pcVariable);
        Thread.sleep(millis);
        Map<String, Object> after = read(browser, pcVariable);
        System.out.println(browser.name() + " inbound audio: " + before + " -> " + after);
        assertTrue(number(after, "samples") > number(before, "samples"),
                browser.name() + " decoded no audio samples in " + millis + " ms: " + before + " -> " + after);
        assertTrue(number(after, "energy") > number(before, "energy"),
                browser.name() + " decoded only silence in " + millis + " ms: " + before + " -> " + after);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(WebBrowser browser, String pcVariable) {
        if (!JS_PATH.matcher(pcVariable).matches()) {
            throw new IllegalArgumentException("not a JS variable or property path: " + pcVariable);
        }
        return (Map<String, Object>) browser.executeAsync("""
                const done = arguments[arguments.length - 1];
                %s.getStats().then(report => {
                  const out = { samples: 0, energy: 0, level: 0, packets: 0 };
                  report.forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                      out.samples += s.totalSamplesReceived || 0;
                      out.energy += s.totalAudioEnergy || 0;
                      out.level = Math.max(out.level, s.audioLevel || 0);
                      out.packets += s.packetsReceived || 0;
                    }
                  });
                  done(out);
                }, e => done({ error: String(e) }));
                """.formatted(pcVariable));
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new AssertionError("no " + key + " in the audio stats: " + m);
        }
        return n.doubleValue();
    }
}
