package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * Issue 18 item 3: Chromium publishes three H.264 simulcast layers over WHIP; the HLS ladder is those layers remuxed.
 * Proven from the running ffmpeg's own arguments: no encoder, no filter graph, every output a {@code -c:v copy} of
 * one layer ({@code 0:v:N}); and from the renditions: as many as the layers, each H.264 at its layer's height.
 */
public class HlsSimulcastE2ETest {
    private static final Pattern STREAM_INF = Pattern.compile("#EXT-X-STREAM-INF:.*RESOLUTION=(\\d+)x(\\d+).*");
    private final HttpClient http = HttpClient.newHttpClient();
    private E2eSite site;
    private TestServer server;
    private Browser browser;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        o.put("relaycast.hls.enabled", true);
        server = TestServer.start(o);
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

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    @Test
    public void theLadderOfAnH264SimulcastPublisherIsItsLayersRemuxed() throws Exception {
        String owner = server.api.devUser("simulcast-hls")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "h264 simulcast")).expect(201);
        String id = stream.get("id").asText();
        browser.openWindow(site.page("whip-h264-simulcast.html", "whip", server.baseUrl() + "/whip/" + id,
                "key", stream.get("streamKey").asText()));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'",
                Duration.ofSeconds(20));
        String sent = (String) browser.eval("(() => { const p = pc.getSenders().find((s) => s.track.kind === 'video')"
                + ".getParameters(); return p.codecs && p.codecs.length ? p.codecs[0].mimeType : '?'; })()");
        System.out.println("publisher sends " + sent);
        String masterUrl = server.baseUrl() + "/hls/" + id + "/master.m3u8";
        String master = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (master == null && System.nanoTime() < deadline) {
            master = get(masterUrl);
            Thread.sleep(250);
        }
        assertTrue(master != null, "no HLS master within 45 s: " + server.server.hls().debugState());
        System.out.println("H.264 simulcast HLS master:\n" + master);
        List<Integer> heights = new ArrayList<>();
        for (String line : master.split("\n")) {
            Matcher m = STREAM_INF.matcher(line);
            if (m.matches()) {
                heights.add(Integer.parseInt(m.group(2)));
                assertTrue(line.contains("CODECS=\"avc1."), "each rendition names its H.264 profile: " + line);
            }
        }
        assertTrue(heights.size() >= 2, "a rendition per layer (3 sent): " + heights);
        assertEquals(heights.stream().distinct().count(), (long) heights.size());
        assertTrue(heights.get(0) > heights.get(heights.size() - 1), "best first: " + heights);

        ProcessHandle ladder = server.server.hls().session(id).currentProcess();
        List<String> args = List.of(ladder.info().arguments().orElseThrow());
        System.out.println("ladder ffmpeg: " + String.join(" ", args));
        assertFalse(args.contains("libx264"), "no encoder in the ladder: " + args);
        assertFalse(args.contains("-filter_complex"), "nothing decoded or scaled: " + args);
        int outputs = 0;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).endsWith("/media.fifo")) {
                outputs++;
            }
            if (args.get(i).equals("-c:v")) {
                assertEquals(args.get(i + 1), "copy", "every rendition remuxed: " + args);
            }
        }
        assertEquals(outputs, heights.size());
        assertEquals(args.stream().filter(a -> a.matches("0:v:\\d")).distinct().count(), (long) heights.size(),
                "each rendition copies its own layer: " + args);

        // each rendition plays as H.264 of its height (ffprobe reads the LL-HLS playlist as a classic player)
        for (int r = 0; r < heights.size(); r++) {
            String url = server.baseUrl() + "/hls/" + id + "/r" + r + "/index.m3u8";
            Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=codec_name,height", "-of", "csv=p=0", url).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertEquals(p.waitFor(), 0, out);
            System.out.println("r" + r + ": " + out.replace('\n', ' '));
            // ffprobe prints an HLS input's streams once per program and once more: every line the same
            assertEquals(out.lines().filter(l -> !l.isBlank()).distinct().toList(), List.of("h264," + heights.get(r)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) server.server.hls().session(id).debugState();
        assertEquals(state.get("copied").toString().replace("true", "").replaceAll("[\\[\\], ]", ""), "",
                "every rung copied: " + state);
    }
}
