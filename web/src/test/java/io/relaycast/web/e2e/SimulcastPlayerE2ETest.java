package io.relaycast.web.e2e;

import io.relaycast.sfu.Sfu;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import io.relaycast.web.net.NetworkNamespace;
import io.relaycast.web.net.RateCap;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Simulcast from the studio to the watch page (issue 18, item 2), all through the real pages in Chromium: the
 * studio publishes its 1280x720 fake camera in three layers (rids q/h/f, 320x180, 640x360, 1280x720); a viewer in
 * a network namespace of ours ({@link NetworkNamespace}) picks Low, High and Auto in the watch page's quality menu
 * and gets that layer (getStats frameHeight, the SFU's layer, the page's "received" badge); on Auto, a bandwidth
 * cap on its link ({@link RateCap}) that the top layer does not fit moves it down, and lifting the cap brings it back.
 * A WHEP viewer gets the same choice with {@code ?quality=low} and {@code POST {resource}/quality}.
 */
public class SimulcastPlayerE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The SFU switches on the new layer's keyframe, which it asks the publisher for: a second or two, more on a loaded machine. */
    private static final Duration SWITCH = Duration.ofSeconds(20);
    /** Down under a cap: a few receiver reports; up after it: the estimate's hold and growth (MediaQualityE2ETest). */
    private static final Duration DOWN_LIMIT = Duration.ofSeconds(25);
    private static final Duration UP_LIMIT = Duration.ofSeconds(60);

    private NetworkNamespace ns;
    private TestServer server;
    private Sfu sfu;
    private Browser studio;
    private Browser inside;
    private String streamId;
    private String base;

    @BeforeClass
    public void start() throws Exception {
        ns = NetworkNamespace.create();
        int httpPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            httpPort = probe.getLocalPort(); // fixed up front: the socket's allowed origin names it
        }
        base = "http://" + ns.hostAddress + ":" + httpPort;
        server = TestServer.start(Map.of(
                "relaycast.http.host", "0.0.0.0",
                "relaycast.http.port", httpPort,
                // the watch page inside loads from our side of the veth: a foreign origin to the socket's check
                "relaycast.signaling.cors-allowed-origins", List.of(base),
                "relaycast.signaling.host", "0.0.0.0",
                "relaycast.media.ice.bind-addresses", List.of("127.0.0.1", ns.hostAddress)));
        sfu = (Sfu) server.server.media();
        studio = Browser.start(Viewport.DESKTOP);
        inside = ns.startChromium();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(inside, studio, server, ns);
    }

    private static void type(Browser b, String css, String text) {
        WebElement e = b.driver().findElement(By.cssSelector(css));
        e.clear();
        e.sendKeys(text);
    }

    private static void click(Browser b, String css) {
        b.driver().findElement(By.cssSelector(css)).click();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> room() {
        return (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(streamId);
    }

    /** The measured bitrate of each video layer the publisher sends (bit/s), lowest first. */
    @SuppressWarnings("unchecked")
    private long[] layerBitrates() {
        long[] bps = new long[3];
        for (Map<String, Object> source : (List<Map<String, Object>>) ((Map<String, Object>) room().get("publisher")).get("sources")) {
            int layer = ((Number) source.get("layer")).intValue();
            if ("video".equals(source.get("kind")) && !(Boolean) source.get("rtx") && layer >= 0 && layer < 3) {
                bps[layer] = Math.max(bps[layer], ((Number) source.get("bitrateBps")).longValue());
            }
        }
        return bps;
    }

    /** The watch page's simulcast state at the SFU (current, target, quality, switches): the viewer not on WHEP. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> viewerLayer() {
        Map<String, Object> subs = (Map<String, Object>) room().get("subscribers");
        for (Map.Entry<String, Object> e : subs.entrySet()) {
            if (!e.getKey().startsWith("whep:")) {
                return (Map<String, Object>) ((Map<String, Object>) e.getValue()).get("simulcast");
            }
        }
        throw new AssertionError("no Socket.IO viewer in " + subs.keySet());
    }

    private long watchHeight() {
        return ((Number) inside.eval("(async () => { let h = 0; (await window.watch.pc.getStats()).forEach(r => {"
                + " if (r.type === 'inbound-rtp' && r.kind === 'video') h = r.frameHeight || 0; }); return h; })()")).longValue();
    }

    private static void until(String what, Duration limit, BooleanSupplier done, StringBuilder trace) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, what + ": not after " + limit.toSeconds() + " s\n" + trace);
            Thread.sleep(500);
        }
    }

    @Test
    public void theStudioPublishesThreeLayers() throws Exception {
        studio.open(server.baseUrl() + "/studio");
        studio.waitFor("!document.getElementById('signin').hidden", WAIT);
        type(studio, "#signin-name", "Simon Cast");
        click(studio, "#signin-form button[type=submit]");
        studio.waitFor("window.studio && window.studio.ready && !document.getElementById('studio').hidden", WAIT);
        type(studio, "#new-title", "three layers");
        click(studio, "#create-form button[type=submit]");
        studio.waitFor("window.studio.streamId && !document.getElementById('go-live').disabled", WAIT);
        studio.waitFor("document.getElementById('preview').videoHeight === 720", WAIT); // the 720p preset
        streamId = (String) studio.eval("window.studio.streamId");
        click(studio, "#go-live");
        studio.waitFor("window.studio.live && document.getElementById('live-badge').textContent === 'LIVE'", WAIT);
        assertEquals(studio.eval("window.studio.layers"), List.of("q", "h", "f"));
        long[][] seen = new long[1][];
        until("the SFU receives all three layers", WAIT, () -> {
            seen[0] = layerBitrates();
            return seen[0][0] > 0 && seen[0][1] > 0 && seen[0][2] > 0;
        }, new StringBuilder("publisher: ").append(room() == null ? null : room().get("publisher")));
        // the encoder sends each layer at its size (maintain-resolution)
        studio.waitFor("(async () => { const hs = []; (await window.studio.pc.getStats()).forEach(r => {"
                + " if (r.type === 'outbound-rtp' && r.kind === 'video' && r.frameHeight) hs.push(r.frameHeight); });"
                + " return hs.sort((a, b) => a - b).join() === '180,360,720'; })()", WAIT);
    }

    @Test(dependsOnMethods = "theStudioPublishesThreeLayers")
    public void aViewerChoosingLowGetsTheLowLayerAndAutoFollowsACap() throws Exception {
        inside.open(base + "/watch/" + streamId);
        inside.waitFor("window.watch && window.watch.transport === 'webrtc' && document.getElementById('video').currentTime > 0.5", WAIT);
        inside.waitFor("!document.getElementById('levels').hidden", WAIT);
        assertEquals(((Number) inside.eval("window.watch.player.layers")).intValue(), 3, "stream:join tells the layers");
        assertEquals(inside.eval("[...document.getElementById('levels').options].map(o => o.textContent)"),
                List.of("Auto", "High", "Medium", "Low"));
        Select menu = new Select(inside.driver().findElement(By.id("levels")));
        StringBuilder trace = new StringBuilder();

        menu.selectByValue("low");
        until("Low: the viewer decodes the 320x180 layer", SWITCH, () -> {
            long h = watchHeight();
            trace.append("low: ").append(h).append(' ').append(viewerLayer()).append('\n');
            return h == 180;
        }, trace);
        Map<String, Object> layer = viewerLayer();
        assertEquals(layer.get("quality"), "low");
        assertEquals(((Number) layer.get("current")).intValue(), 0, "the SFU forwards layer 0: " + layer);
        inside.waitFor("document.getElementById('received').textContent === '180p'", WAIT); // what the page shows

        menu.selectByValue("high");
        until("High: the viewer decodes the 1280x720 layer", SWITCH, () -> {
            long h = watchHeight();
            trace.append("high: ").append(h).append(' ').append(viewerLayer()).append('\n');
            return h == 720;
        }, trace);
        inside.waitFor("document.getElementById('received').textContent === '720p'", WAIT);

        // Auto: on the top layer with an open link; a cap the top layer does not fit moves it down, as before
        menu.selectByValue("auto");
        until("Auto: settled on the top layer", UP_LIMIT, () -> {
            long h = watchHeight();
            Map<String, Object> l = viewerLayer();
            trace.append("auto: ").append(h).append(' ').append(l).append('\n');
            return "auto".equals(l.get("quality")) && ((Number) l.get("current")).intValue() == 2 && h == 720;
        }, trace);
        long[] bps = layerBitrates();
        // between the low and the middle layer, plus the audio (~50 kbit/s with headers): the top layer cannot fit
        long capKbit = (bps[0] + bps[1]) / 2000 + 48;
        trace.append(String.format("layers %d / %d / %d kbit/s, cap %d kbit/s%n", bps[0] / 1000, bps[1] / 1000, bps[2] / 1000, capKbit));
        assertTrue(bps[2] / 1000 > capKbit * 12 / 10, "the top layer is too thin to be capped out: " + trace);
        long downMs;
        try (RateCap cap = RateCap.apply(ns, capKbit)) {
            long t0 = System.nanoTime();
            until("the cap moved the Auto viewer below the top layer", DOWN_LIMIT, () -> {
                long h = watchHeight();
                Map<String, Object> l = viewerLayer();
                trace.append("capped: ").append(h).append(' ').append(l).append('\n');
                return ((Number) l.get("current")).intValue() < 2 && h > 0 && h < 720;
            }, trace);
            downMs = (System.nanoTime() - t0) / 1_000_000;
        }
        long t1 = System.nanoTime();
        until("lifting the cap brought the Auto viewer back to the top layer", UP_LIMIT, () -> {
            long h = watchHeight();
            Map<String, Object> l = viewerLayer();
            trace.append("lifted: ").append(h).append(' ').append(l).append('\n');
            return ((Number) l.get("current")).intValue() == 2 && h == 720;
        }, trace);
        System.out.printf("studio simulcast, watch page on Auto: layers %d / %d / %d kbit/s, cap %d kbit/s: down in %d ms,"
                + " back up in %d ms%n", bps[0] / 1000, bps[1] / 1000, bps[2] / 1000, capKbit, downMs,
                (System.nanoTime() - t1) / 1_000_000);
    }

    /** WHEP: {@code ?quality=low} on the POST, then {@code POST {resource}/quality}, as docs/api.md says. */
    @Test(dependsOnMethods = "theStudioPublishesThreeLayers")
    public void aWhepViewerPicksItsQualityWithAQueryParameterAndTheQualityResource() throws Exception {
        ApiClient.Response bad = server.api.postRaw("/whep/" + streamId + "?quality=ultra", null, "application/sdp", "v=0\r\n");
        assertEquals(bad.status(), 400, bad.body());
        String window = studio.openWindow(server.baseUrl() + "/");
        try {
            Object status = studio.executeAsync(Duration.ofSeconds(20), """
                    const done = arguments[arguments.length - 1];
                    (async () => {
                      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
                      pc.addTransceiver('audio', { direction: 'recvonly' });
                      pc.addTransceiver('video', { direction: 'recvonly' });
                      const v = document.createElement('video');
                      v.muted = true; v.autoplay = true; v.playsInline = true; document.body.append(v);
                      pc.ontrack = (e) => { v.srcObject = e.streams[0] || new MediaStream([e.track]); };
                      await pc.setLocalDescription(await pc.createOffer());
                      await new Promise((r) => { pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 3000); });
                      const r = await fetch('/whep/' + arguments[0] + '?quality=low', { method: 'POST',
                        headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
                      window.whep = { pc, link: r.headers.get('Link'), location: r.headers.get('Location') };
                      if (r.status !== 201) { done(r.status + ' ' + await r.text()); return; }
                      await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
                      window.whep.height = async () => { let h = 0; (await pc.getStats()).forEach((s) => {
                        if (s.type === 'inbound-rtp' && s.kind === 'video') h = s.frameHeight || 0; }); return h; };
                      done(201);
                    })().catch((e) => done(String(e)));
                    """.replace("arguments[0]", "'" + streamId + "'"));
            assertEquals(status, 201L, "WHEP POST");
            String link = (String) studio.eval("window.whep.link");
            assertTrue(link.contains("/quality>; rel=\"urn:relaycast:whep:quality\""), link);
            studio.waitFor("window.whep.height().then(h => h === 180)", SWITCH);
            Object changed = studio.eval("fetch(window.whep.location + '/quality', { method: 'POST', headers:"
                    + " { 'Content-Type': 'application/json' }, body: JSON.stringify({ quality: 'high' }) }).then(r => r.status)");
            assertEquals(changed, 200L);
            studio.waitFor("window.whep.height().then(h => h === 720)", SWITCH);
            studio.eval("window.whep.pc.close()");
        } finally {
            studio.closeWindow(window);
        }
    }
}
