package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * RTMP ingest end to end: ffmpeg publishes a High-profile H.264 + AAC test source with {@code -f flv
 * rtmp://127.0.0.1:{port}/live/{key}}, as OBS would; two Chromium viewers over Socket.IO and one over WHEP decode
 * its video (as H.264, not re-encoded) and its audio (Opus from ffmpeg's transcoding). Stopping the encoder ends
 * the stream.
 */
public class RtmpIngestE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(30);

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private Browser browser;
    private String ownerToken;
    private String streamId;
    private String streamKey;
    private Process encoder;
    private final List<String> viewers = new ArrayList<>();

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> o = new java.util.HashMap<>(site.corsOverrides());
        o.put("relaycast.rtmp.port", -1);
        server = TestServer.start(o);
        sfu = (Sfu) server.server.media();
        browser = Browser.start();
        ownerToken = server.api.devUser("rtmp-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "e2e over RTMP"))
                .expect(201);
        streamId = stream.get("id").asText();
        streamKey = stream.get("streamKey").asText();
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

    /** ffmpeg as an RTMP encoder: 640x360 30 fps x264 High profile, keyframe every second, AAC 48 kHz stereo. */
    static Process ffmpegPublisher(String url, int seconds) throws Exception {
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-tune", "zerolatency", "-g", "30",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "flv", url);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(File.createTempFile("rtmp-ffmpeg", ".log")).start();
    }

    private String status() {
        return server.api.get("/api/v1/streams/" + streamId, ownerToken).expect(200).get("status").asText();
    }

    static void waitUntil(String what, java.util.function.BooleanSupplier condition, Duration timeout)
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
    public void ffmpegPublishesAndTheStreamGoesLive() throws Exception {
        int port = server.server.rtmp().port();
        encoder = ffmpegPublisher("rtmp://127.0.0.1:" + port + "/live/" + streamKey, 600);
        waitUntil("the RTMP publication to make the stream live", () -> "live".equals(status()), CONNECT);
        assertTrue(sfu.isPublished(streamId));
        assertEquals(server.server.rtmp().publishingStreams(), 1);
    }

    @Test(dependsOnMethods = "ffmpegPublishesAndTheStreamGoesLive")
    public void socketIoAndWhepViewersDecodeH264AndOpus() throws Exception {
        for (int i = 0; i < 2; i++) {
            String token = server.api.devUser("rtmp-viewer-" + i)[0];
            viewers.add(browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket",
                    server.socketUrl(), "token", token)));
            browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        }
        viewers.add(browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + streamId)));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        System.out.println("RTMP viewers: " + MediaChecks.assertAllDecoding(browser, viewers, 3000).values());
        for (String w : viewers) {
            browser.switchTo(w);
            Object codecs = browser.eval("pc.getStats().then(r => { const c = []; r.forEach(s => {"
                    + " if (s.type === 'codec') c.push(s.mimeType); }); return c.join(','); })");
            String list = String.valueOf(codecs);
            assertTrue(list.contains("video/H264"), "window " + w + " receives H.264: " + list);
            assertTrue(list.contains("audio/opus"), "window " + w + " receives Opus: " + list);
            Object audio = browser.eval("pc.getStats().then(r => { let n = 0; r.forEach(s => {"
                    + " if (s.type === 'inbound-rtp' && s.kind === 'audio') n = s.totalSamplesReceived"
                    + " - (s.concealedSamples || 0); }); return n; })");
            assertTrue(((Number) audio).longValue() > 48000, "window " + w + " decoded a second of real audio: "
                    + audio);
        }
    }

    /**
     * The owner sees what the encoder sends, measured at the ingest: in media-stats ({@code ingest}) and, once the
     * sampler ran, in the analytics' media health (source {@code rtmp}).
     */
    @Test(dependsOnMethods = "socketIoAndWhepViewersDecodeH264AndOpus")
    public void theOwnerSeesTheIngestBitrateFpsAndKeyframeInterval() throws Exception {
        JsonNode ingest = server.api.get("/api/v1/streams/" + streamId + "/media-stats", ownerToken).expect(200)
                .get("ingest");
        System.out.println("RTMP ingest health: " + ingest);
        assertEquals(ingest.get("protocol").asText(), "rtmp");
        assertTrue(ingest.get("bitrateBps").asLong() > 100_000, ingest.toString());
        assertTrue(Math.abs(ingest.get("fps").asDouble() - 30) < 4, ingest.toString());
        assertTrue(Math.abs(ingest.get("keyframeIntervalMs").asLong() - 1000) <= 100, ingest.toString());
        assertEquals(ingest.get("width").asInt(), 640);
        assertEquals(ingest.get("height").asInt(), 360);
        assertEquals(ingest.get("warnings").size(), 0, "a 1 s keyframe interval is fine: " + ingest);
        assertTrue(server.server.sfuStats().sampleOnce() >= 2, "an SFU and an ingest sample were stored");
        JsonNode health = server.api.get("/api/v1/streams/" + streamId + "/analytics", ownerToken).expect(200)
                .get("mediaHealth");
        JsonNode rtmp = null;
        for (JsonNode row : health) {
            if ("rtmp".equals(row.get("source").asText())) {
                rtmp = row;
            }
        }
        assertTrue(rtmp != null, "a media health row from the RTMP ingest: " + health);
        assertTrue(Math.abs(rtmp.get("keyframeInterval").asDouble() - 1000) <= 100, rtmp.toString());
        assertTrue(Math.abs(rtmp.get("fps").asDouble() - 30) < 4, rtmp.toString());
        assertTrue(rtmp.get("bitrate").asLong() > 100_000, rtmp.toString());
    }

    @Test(dependsOnMethods = "theOwnerSeesTheIngestBitrateFpsAndKeyframeInterval")
    public void stoppingTheEncoderEndsTheStream() throws Exception {
        encoder.destroy(); // SIGTERM: ffmpeg closes the RTMP session (FCUnpublish, deleteStream)
        waitUntil("the stream to end", () -> "ended".equals(status()), CONNECT);
        waitUntil("the SFU to drop the publication", () -> !sfu.isPublished(streamId), CONNECT);
        assertFalse(sfu.isPublished(streamId));
        assertEquals(server.server.rtmp().publishingStreams(), 0);
    }

    /** A second, independent RTMP client: GStreamer's rtmp2sink with flvmux (x264 High + voaacenc AAC). */
    @Test(dependsOnMethods = "stoppingTheEncoderEndsTheStream")
    public void gstreamerPublishesAndAWhepViewerDecodes() throws Exception {
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "RTMP from GStreamer"))
                .expect(201);
        String id = stream.get("id").asText();
        String url = "rtmp://127.0.0.1:" + server.server.rtmp().port() + "/live/" + stream.get("streamKey").asText();
        Process gst = new ProcessBuilder("gst-launch-1.0", "-e",
                "videotestsrc", "is-live=true", "pattern=ball", "!", "video/x-raw,width=640,height=360,framerate=30/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=veryfast", "key-int-max=30", "bitrate=1000", "!",
                "video/x-h264,profile=high", "!", "h264parse", "!", "queue", "!", "mux.",
                "audiotestsrc", "is-live=true", "wave=sine", "!", "audioconvert", "!", "audioresample", "!",
                "audio/x-raw,rate=48000,channels=2", "!", "voaacenc", "bitrate=128000", "!", "aacparse", "!", "queue",
                "!", "mux.", "flvmux", "name=mux", "streamable=true", "!", "rtmp2sink", "location=" + url)
                .redirectErrorStream(true).redirectOutput(File.createTempFile("rtmp-gst", ".log")).start();
        try {
            waitUntil("the GStreamer publication to make the stream live", () -> "live".equals(
                    server.api.get("/api/v1/streams/" + id, ownerToken).expect(200).get("status").asText()), CONNECT);
            String viewer = browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + id));
            browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
            System.out.println("GStreamer RTMP, WHEP viewer: "
                    + MediaChecks.assertAllDecoding(browser, List.of(viewer), 3000).values());
            String codecs = String.valueOf(browser.eval("pc.getStats().then(r => { const c = []; r.forEach(s => {"
                    + " if (s.type === 'codec') c.push(s.mimeType); }); return c.join(','); })"));
            assertTrue(codecs.contains("video/H264") && codecs.contains("audio/opus"), codecs);
            browser.closeWindow(viewer);
        } finally {
            gst.destroy();
            gst.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            gst.destroyForcibly();
        }
        waitUntil("the GStreamer stream to end", () -> !sfu.isPublished(id), CONNECT);
    }
}
