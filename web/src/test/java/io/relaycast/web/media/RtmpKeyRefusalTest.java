package io.relaycast.web.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/**
 * The RTMP key check against the real stream service and PostgreSQL, with ffmpeg as the encoder: a wrong key and a
 * rotated key are refused (ffmpeg fails, the stream stays scheduled, the key is not in the log); the new key
 * works; a second ffmpeg on a live stream is refused while the first keeps publishing.
 */
public class RtmpKeyRefusalTest {
    private TestServer server;
    private String owner;

    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeClass
    public void start() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        server = TestServer.start(Map.of("relaycast.rtmp.port", -1));
        owner = server.api.devUser("rtmp-keys")[0];
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .detachAppender(logged);
        if (server != null) {
            server.close();
        }
    }

    private Process ffmpeg(String key, int seconds, File log) throws Exception {
        return new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15", "-f", "lavfi", "-i", "sine", "-t",
                String.valueOf(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + server.server.rtmp().port() + "/live/" + key))
                .redirectErrorStream(true).redirectOutput(log).start();
    }

    private String status(String id) {
        return server.api.get("/api/v1/streams/" + id, owner).expect(200).get("status").asText();
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier c, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** ffmpeg gives up by itself when the server refuses; its log shows the status description. */
    private String refused(String key) throws Exception {
        File log = File.createTempFile("rtmp-refused", ".log");
        Process p = ffmpeg(key, 10, log);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg ended");
        assertNotEquals(p.exitValue(), 0, "ffmpeg was refused");
        return Files.readString(log.toPath());
    }

    @Test
    public void wrongAndRotatedKeysAreRefusedAndTheNewKeyWorks() throws Exception {
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "keys")).expect(201);
        String id = stream.get("id").asText();
        String oldKey = stream.get("streamKey").asText();
        // what the studio shows for OBS next to WHIP: the server URL; the stream key is the key
        assertEquals(stream.get("urls").get("rtmp").asText(), "rtmp://"
                + java.net.URI.create(server.server.publicUrl()).getHost() + ":" + server.server.rtmp().port() + "/live");
        String log = refused("rk_" + "x".repeat(43));
        assertEquals(status(id), "scheduled");
        String newKey = server.api.post("/api/v1/streams/" + id + "/key/rotate", owner, Map.of()).expect(200)
                .get("streamKey").asText();
        log += refused(oldKey);
        assertEquals(status(id), "scheduled", "the rotated key opened nothing");
        System.out.println("ffmpeg on refusal: " + log.strip());

        File okLog = File.createTempFile("rtmp-ok", ".log");
        Process ok = ffmpeg(newKey, 60, okLog);
        try {
            waitUntil("the new key to make the stream live", () -> "live".equals(status(id)), Duration.ofSeconds(30));
            String second = refused(newKey);
            System.out.println("second publisher: " + second.strip());
            assertTrue(ok.isAlive(), "the first publisher keeps publishing");
            assertEquals(status(id), "live");
            assertTrue(server.server.media().isPublished(id));
        } finally {
            ok.destroy();
            ok.waitFor(10, TimeUnit.SECONDS);
        }
        waitUntil("the end", () -> "ended".equals(status(id)), Duration.ofSeconds(30));
        assertFalse(server.server.media().isPublished(id));
        List<ch.qos.logback.classic.spi.ILoggingEvent> events = List.copyOf(logged.list);
        assertTrue(events.stream().anyMatch(e -> e.getFormattedMessage().contains("publish refused")),
                "the refusals were logged");
        for (ch.qos.logback.classic.spi.ILoggingEvent e : events) {
            String line = e.getFormattedMessage();
            assertFalse(line.contains(oldKey) || line.contains(newKey), "a stream key in the log: " + line);
        }
    }
}
