package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The RTMP server with real ffmpeg as the encoder, up to the SFU's entry point; and every way a client can be
 * refused, each while another ffmpeg keeps publishing undisturbed.
 */
public class RtmpServerTest {
    private TestMediaPlane media;
    private TestGate gate;
    private RtmpServer server;

    private Process running;

    @BeforeClass
    public void start() throws Exception {
        media = new TestMediaPlane();
        gate = new TestGate();
        server = RtmpServer.start(RtmpConfig.defaults(-1).withLimits(64 * 1024, 8, Duration.ofSeconds(10)), media,
                gate);
        gate.keys.put("rk_running", "running");
        running = ffmpeg("rtmp://127.0.0.1:" + server.port() + "/live/rk_running", 300);
        waitUntil("the undisturbed stream to go live", () -> gate.live.contains("running"), Duration.ofSeconds(30));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (running != null) {
            running.destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The running stream is still live and its media still flows. */
    private void runningStreamUndisturbed() throws Exception {
        TestMediaPlane.Counted c = media.publications.get("running");
        long before = c.videoRtp.get();
        waitUntil("more video of the running stream", () -> c.videoRtp.get() > before + 10, Duration.ofSeconds(10));
        assertTrue(c.open);
        assertTrue(gate.live.contains("running"));
        assertTrue(running.isAlive(), "the running encoder is still publishing");
    }

    @Test
    public void aWrongKeyIsRefusedAsUnauthorizedAndClosed() throws Exception {
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            java.util.Map<String, Object> status = c.publish("live", "rk_wrong");
            assertEquals(status.get("level"), "error");
            assertEquals(status.get("code"), "NetStream.Publish.Unauthorized");
            assertTrue(c.closedByServer());
        }
        runningStreamUndisturbed();
    }

    @Test
    public void aSecondPublisherOfALiveStreamIsRefusedAsBadName() throws Exception {
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            java.util.Map<String, Object> status = c.publish("live", "rk_running");
            assertEquals(status.get("code"), "NetStream.Publish.BadName");
            assertTrue(c.closedByServer());
        }
        runningStreamUndisturbed();
    }

    @Test
    public void anUnknownAppIsRejectedAtConnect() throws Exception {
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            java.util.Map<String, Object> status = c.publish("vod", "rk_running");
            assertEquals(status.get("code"), "NetConnection.Connect.Rejected");
            assertTrue(c.closedByServer());
        }
        runningStreamUndisturbed();
    }

    @Test
    public void publishBeforeConnectIsAMalformedSession() throws Exception {
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            c.handshake();
            c.command(1, "publish", 5.0, null, "rk_running", "live");
            List<Object> error = c.awaitCommand("_error");
            assertEquals(((java.util.Map<?, ?>) error.get(3)).get("level"), "error");
            assertTrue(c.closedByServer());
        }
        runningStreamUndisturbed();
    }

    @Test
    public void aTruncatedHandshakeIsDropped() throws Exception {
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            c.send(new byte[] {3, 0, 0, 0, 0, 0, 0, 0});
        }
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            c.send(new byte[1537]); // version 0: not RTMP
            assertTrue(c.closedByServer());
        }
        runningStreamUndisturbed();
    }

    @Test
    public void garbageChunksCloseTheConnection() throws Exception {
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 5; i++) {
            try (RawRtmpClient c = new RawRtmpClient(server.port())) {
                c.handshake();
                byte[] garbage = new byte[4096];
                random.nextBytes(garbage);
                garbage[0] = (byte) 0x43; // a type 1 chunk on a stream never started
                c.send(garbage);
                assertTrue(c.closedByServer());
            }
        }
        runningStreamUndisturbed();
    }

    @Test
    public void anOversizeMessageClosesTheConnection() throws Exception {
        try (RawRtmpClient c = new RawRtmpClient(server.port())) {
            c.handshake();
            c.send(new byte[] {0x04, 0, 0, 0, 0x10, 0, 0, 9, 1, 0, 0, 0}); // 1 MiB video message, limit 64 KiB
            assertTrue(c.closedByServer());
        }
        runningStreamUndisturbed();
    }

    @Test
    public void aClientThatNeverFinishesTheHandshakeIsClosedAtTheDeadline() throws Exception {
        try (RtmpServer strict = RtmpServer.start(RtmpConfig.defaults(-1).withLimits(64 * 1024, 8,
                Duration.ofMillis(800)), media, gate);
             RawRtmpClient c = new RawRtmpClient(strict.port())) {
            long start = System.nanoTime();
            c.send(new byte[] {3, 1, 2, 3}); // and then nothing
            assertTrue(c.closedByServer());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 700 && ms < 10_000, "closed after " + ms + " ms");
        }
        runningStreamUndisturbed();
    }

    @Test
    public void connectionsBeyondThePerAddressLimitAreClosed() throws Exception {
        try (RtmpServer strict = RtmpServer.start(RtmpConfig.defaults(-1).withLimits(64 * 1024, 2,
                Duration.ofSeconds(10)), media, gate);
             RawRtmpClient a = new RawRtmpClient(strict.port());
             RawRtmpClient b = new RawRtmpClient(strict.port())) {
            a.handshake(); // the first two are served
            b.handshake();
            try (RawRtmpClient third = new RawRtmpClient(strict.port())) {
                assertTrue(third.closedByServer(), "the third connection from one address is closed");
            }
            a.command(0, "connect", 1.0, java.util.Map.of("app", "live"), null);
            assertEquals(a.awaitCommand("_result", "_error").get(0), "_result", "the first one still works");
        }
        runningStreamUndisturbed();
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
        assertFalse(gate.live.contains("stream-1"));
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
