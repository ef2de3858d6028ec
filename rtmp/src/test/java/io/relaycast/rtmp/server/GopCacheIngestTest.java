package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.media.IngestHealth;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * A real ffmpeg encoder with a 5 s keyframe interval: a viewer that joins between keyframes gets a keyframe at once
 * from the GOP cache (without it, it would wait up to 5 s for the encoder's next one), and the ingest's health shows
 * the encoder's bitrate, frame rate, picture size and the too-long keyframe interval.
 */
public class GopCacheIngestTest {
    private static final long JOIN_DELAY_MS = 300;
    private TestMediaPlane media;
    private TestGate gate;
    private RtmpServer server;
    private Process encoder;

    @BeforeClass
    public void start() throws Exception {
        media = new TestMediaPlane(false);
        gate = new TestGate();
        server = RtmpServer.start(RtmpConfig.defaults(-1).withGopCache(8 << 20, Duration.ofSeconds(10),
                Duration.ofMillis(JOIN_DELAY_MS)), media, gate);
        gate.keys.put("rk_gop", "gop");
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "60",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "150", "-keyint_min", "150", "-sc_threshold", "0",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-f", "flv",
                "rtmp://127.0.0.1:" + server.port() + "/live/rk_gop");
        File log = File.createTempFile("rtmp-ffmpeg", ".log");
        encoder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        RtmpServerTest.waitUntil("the stream to go live", () -> gate.live.contains("gop"), Duration.ofSeconds(30));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (encoder != null) {
            encoder.destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void aViewerJoiningBetweenKeyframesStartsAtACachedKeyframeAtOnce() throws Exception {
        TestMediaPlane.Counted c = media.publications.get("gop");
        Thread.sleep(2500); // well inside the encoder's first 5 s group
        assertEquals(c.videoRtp.get(), 0, "nothing is forwarded before anyone asked");
        long asked = System.nanoTime();
        c.viewerJoins();
        RtmpServerTest.waitUntil("the cached group", () -> c.videoRtp.get() > 0, Duration.ofSeconds(10));
        long firstVideoMs = (System.nanoTime() - asked) / 1_000_000;
        System.out.println("GOP cache: first video " + firstVideoMs + " ms after the join, NAL type "
                + c.firstVideoNalType + ", " + c.videoRtp.get() + " video packets at once");
        assertTrue(firstVideoMs >= JOIN_DELAY_MS - 20 && firstVideoMs < JOIN_DELAY_MS + 1000, "first video "
                + firstVideoMs + " ms after the join, " + JOIN_DELAY_MS + " ms join delay (the encoder's next keyframe"
                + " was about 2.5 s away)");
        assertTrue(c.firstVideoNalType == 7 || c.firstVideoNalType == 5,
                "the first video is the keyframe's SPS or IDR (RFC 6184 NAL type), got " + c.firstVideoNalType);
        long burst = c.videoRtp.get();
        assertTrue(burst > 30, "the whole group so far came at once: " + burst);
        long before = c.videoRtp.get();
        RtmpServerTest.waitUntil("live video after the group", () -> c.videoRtp.get() > before + 10,
                Duration.ofSeconds(5));
    }

    @Test
    public void theIngestHealthShowsWhatTheEncoderSends() throws Exception {
        RtmpServerTest.waitUntil("a second keyframe (5 s apart)", () -> {
            IngestHealth.Reading r = server.ingestHealth("gop");
            return r != null && r.keyframeIntervalMs() != null;
        }, Duration.ofSeconds(20));
        IngestHealth.Reading r = server.ingestHealth("gop");
        System.out.println("ingest health: " + r);
        assertNotNull(r);
        assertTrue(r.bitrateBps() > 100_000, "bitrate " + r.bitrateBps());
        assertTrue(r.fps() > 25 && r.fps() < 35, "fps " + r.fps());
        assertTrue(Math.abs(r.keyframeIntervalMs() - 5000) <= 100, "keyframe interval " + r.keyframeIntervalMs());
        assertEquals(r.width(), Integer.valueOf(320));
        assertEquals(r.height(), Integer.valueOf(180));
        assertTrue(r.warnings().contains(IngestHealth.KEYFRAME_INTERVAL_TOO_LONG), r.warnings().toString());
        assertEquals(server.ingestHealth().keySet(), java.util.Set.of("gop"));
    }
}
