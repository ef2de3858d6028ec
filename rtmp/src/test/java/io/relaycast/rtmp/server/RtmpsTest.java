package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** RTMP over TLS with a configured certificate (openssl makes a self-signed one), ffmpeg publishing to rtmps://. */
public class RtmpsTest {
    @Test
    public void ffmpegPublishesOverTls() throws Exception {
        Path dir = Files.createTempDirectory("rtmps");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=127.0.0.1"))
                .redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertEquals(openssl.waitFor(), 0, "openssl made a certificate");
        TestMediaPlane media = new TestMediaPlane();
        TestGate gate = new TestGate();
        gate.keys.put("rk_tls", "tls-stream");
        try (RtmpServer server = RtmpServer.start(RtmpConfig.defaults(0).withRtmps(-1, cert, key), media, gate)) {
            assertEquals(server.port(), 0, "plain RTMP off");
            Process p = RtmpServerTest.ffmpeg("rtmps://127.0.0.1:" + server.rtmpsPort() + "/live/rk_tls", 3);
            try {
                RtmpServerTest.waitUntil("the TLS publication", () -> gate.live.contains("tls-stream"),
                        Duration.ofSeconds(30));
                TestMediaPlane.Counted c = media.publications.get("tls-stream");
                RtmpServerTest.waitUntil("video over TLS", () -> c.videoRtp.get() > 20, Duration.ofSeconds(20));
                assertTrue(c.open);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
