package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** The RTMP server with real ffmpeg as the encoder, up to the SFU's entry point. */
public class RtmpServerTest {
    private TestMediaPlane media;
    private TestGate gate;
    private RtmpServer server;

    @BeforeClass
    public void start() throws Exception {
        media = new TestMediaPlane();
        gate = new TestGate();
        server = RtmpServer.start(RtmpConfig.defaults(-1), media, gate);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Process ffmpeg(String url, int seconds) throws Exception {
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-profile:v", "high", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-ac", "2", "-f", "flv", url);
        File log = File.createTempFile("rtmp-ffmpeg", ".log");
        System.out.println("ffmpeg log: " + log);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    static void waitUntil(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    public void ffmpegPublishesVideoAndAudio() throws Exception {
        gate.keys.put("rk_valid", "stream-1");
        Process p = ffmpeg("rtmp://127.0.0.1:" + server.port() + "/live/rk_valid", 4);
        try {
            waitUntil("the stream to go live", () -> gate.live.contains("stream-1"), Duration.ofSeconds(20));
            TestMediaPlane.Counted c = media.publications.get("stream-1");
            waitUntil("video and audio RTP", () -> c.videoRtp.get() > 30 && c.audioRtp.get() > 25,
                    Duration.ofSeconds(20));
            waitUntil("sender reports", () -> c.rtcp.get() >= 2, Duration.ofSeconds(10));
            assertEquals(p.waitFor(), 0, "ffmpeg finished its 4 s");
            waitUntil("the stream to end", () -> gate.ended.contains("stream-1"), Duration.ofSeconds(10));
            assertTrue(!c.open, "the publication was closed");
        } finally {
            p.destroyForcibly();
        }
    }
}
