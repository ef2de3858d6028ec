package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertTrue;

/**
 * The GOP cache with a real encoder and a real browser: ffmpeg publishes with a 20 s keyframe interval, and a WHEP
 * viewer in Chromium that joins 4 s after the keyframe decodes its first frame without waiting the 16 s for the
 * encoder's next one (the cached stream, from its first keyframe, is replayed to it).
 */
public class RtmpGopCacheE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(30);
    private E2eSite site;
    private TestServer server;
    private Browser browser;
    private Process encoder;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> o = new java.util.HashMap<>(site.corsOverrides());
        o.put("relaycast.rtmp.port", -1);
        server = TestServer.start(o);
        browser = Browser.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (encoder != null) {
            encoder.destroyForcibly();
        }
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

    @Test
    public void theFirstViewerStartsAtTheCachedKeyframeNotTheEncodersNext() throws Exception {
        String owner = server.api.devUser("rtmp-gop-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "long GOP")).expect(201);
        String id = stream.get("id").asText();
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "120",
                "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-tune", "zerolatency",
                "-g", "600", "-keyint_min", "600", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "flv",
                "rtmp://127.0.0.1:" + server.server.rtmp().port() + "/live/" + stream.get("streamKey").asText());
        encoder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(File.createTempFile("rtmp-ffmpeg", ".log")).start();
        RtmpIngestE2ETest.waitUntil("live", () -> "live".equals(server.api.get("/api/v1/streams/" + id, owner)
                .expect(200).get("status").asText()), CONNECT);
        Thread.sleep(4000); // the encoder's next keyframe is about 16 s away
        long joined = System.nanoTime();
        String viewer = browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + id));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        double firstFrameSeconds = (System.nanoTime() - joined) / 1e9;
        System.out.printf("RTMP GOP cache: first frame %.2f s after the WHEP viewer opened (page: %s ms)%n",
                firstFrameSeconds, browser.eval("state.firstFrameMs"));
        assertTrue(firstFrameSeconds < 8, "the viewer decoded a frame " + firstFrameSeconds
                + " s after joining; without the cache it would wait for the keyframe about 16 s away");
        MediaChecks.assertAllDecoding(browser, List.of(viewer), 2000);
        JsonNode ingest = server.api.get("/api/v1/streams/" + id + "/media-stats", owner).expect(200).get("ingest");
        System.out.println("RTMP ingest health (10 s GOP): " + ingest);
    }
}
