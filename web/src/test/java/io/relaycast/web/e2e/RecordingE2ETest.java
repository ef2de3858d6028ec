package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.recorder.RecordingSession;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * The recorder end to end: Chromium publishes over WHIP (fake camera 640x360, fake microphone) into a stream with
 * recording on; when the stream ends the VOD file is checked with ffprobe and fetched over HTTP like a player.
 * Then ffmpeg is killed with SIGKILL mid-stream and the joined recording must miss at most ~2 s.
 */
public class RecordingE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();

    private E2eSite site;
    private TestServer server;
    private Browser browser;
    private String ownerToken;
    /** Stream time minus recorded time of the broadcast without a kill: what starting ffmpeg costs. */
    private double baselineMissingSeconds;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        server = TestServer.start(site.corsOverrides());
        browser = Browser.start();
        ownerToken = server.api.devUser("recording-owner")[0];
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
            if (server != null) {
                server.close();
            }
            if (site != null) {
                site.close();
            }
        } finally {
            List<ProcessHandle> left = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("ffmpeg")).toList();
            left.forEach(ProcessHandle::destroyForcibly);
            assertTrue(left.isEmpty(), "ffmpeg processes left behind: " + left);
        }
    }

    /** Creates a recorded stream, publishes into it for about {@code seconds}, ends it; the stream time in s. */
    private record Broadcast(String streamId, double streamSeconds) {
    }

    private String[] createAndPublish() {
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken,
                Map.of("title", "recorded", "recordingEnabled", true)).expect(201);
        String id = stream.get("id").asText();
        browser.openWindow(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + id,
                "key", stream.get("streamKey").asText()));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        return new String[] {id};
    }

    private double end(String streamId, long startNanos) {
        assertEquals(((Number) browser.eval("unpublish()")).intValue(), 200);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        browser.closeWindow(browser.currentWindow());
        return seconds;
    }

    private JsonNode readyRecording(String streamId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode list = server.api.get("/api/v1/streams/" + streamId + "/recordings", ownerToken).expect(200);
            JsonNode items = list.has("items") ? list.get("items") : list;
            if (items.size() == 1) {
                JsonNode r = items.get(0);
                String status = r.get("status").asText();
                if (status.equals("failed")) {
                    throw new AssertionError("recording failed: " + r);
                }
                if (status.equals("ready")) {
                    return r;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ready recording for " + streamId + " after 60 s");
    }

    private static String ffprobe(Path file, String entries) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", entries, "-of", "csv=p=0",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(p.waitFor(), 0, "ffprobe failed: " + out);
        return out;
    }

    private Path fileOf(JsonNode recording) {
        String path = server.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT file_path FROM recordings WHERE id = :id").bind("id", recording.get("id").asText())
                .mapTo(String.class).one());
        return Path.of(path);
    }

    private HttpResponse<byte[]> get(String url, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    public void a20SecondBroadcastBecomesAPlayableSeekableVodWithAThumbnail() throws Exception {
        String id = createAndPublish()[0];
        long start = System.nanoTime();
        Thread.sleep(20_000);
        double streamSeconds = end(id, start);
        JsonNode rec = readyRecording(id);
        Path file = fileOf(rec);
        double duration = Double.parseDouble(ffprobe(file, "format=duration"));
        String kinds = ffprobe(file, "stream=codec_type");
        System.out.printf("recording: stream %.1f s, file %.2f s (%s), %d bytes, streams %s%n", streamSeconds, duration,
                rec.get("format").asText(), Files.size(file), kinds.replace('\n', ','));
        assertTrue(Math.abs(duration - streamSeconds) <= 0.1 * streamSeconds,
                "recorded " + duration + " s of a " + streamSeconds + " s stream");
        assertTrue(kinds.contains("audio") && kinds.contains("video"), "streams: " + kinds);
        assertEquals(rec.get("format").asText(), "webm", "the browser publishes VP8");
        assertEquals(rec.get("durationSeconds").asDouble(), duration, 0.05);
        assertEquals(rec.get("sizeBytes").asLong(), Files.size(file));
        baselineMissingSeconds = streamSeconds - duration;

        String url = rec.get("urls").get("playback").asText();
        long size = Files.size(file);
        HttpResponse<byte[]> part = get(url, "bytes=100-1099");
        assertEquals(part.statusCode(), 206);
        assertEquals(part.body().length, 1000);
        assertEquals(part.headers().firstValue("Content-Range").orElse(""), "bytes 100-1099/" + size);
        assertEquals(part.headers().firstValue("Accept-Ranges").orElse(""), "bytes");
        assertEquals(part.headers().firstValue("Content-Type").orElse(""), "video/webm");
        byte[] whole = Files.readAllBytes(file);
        assertEquals(part.body(), java.util.Arrays.copyOfRange(whole, 100, 1100), "the bytes of the range");
        assertEquals(get(url, "bytes=-10").body(), java.util.Arrays.copyOfRange(whole, whole.length - 10, whole.length));
        HttpResponse<byte[]> full = get(url, null);
        assertEquals(full.statusCode(), 200);
        assertEquals(full.body().length, whole.length);
        HttpResponse<byte[]> beyond = get(url, "bytes=" + size + "-");
        assertEquals(beyond.statusCode(), 416);
        assertEquals(beyond.headers().firstValue("Content-Range").orElse(""), "bytes */" + size);
        assertEquals(get(url.replace("recording.webm", "recording.mp4"), null).statusCode(), 404, "wrong format");
        // Jetty refuses encoded separators itself (400); ids that are not UUIDs never reach the file system (404)
        int traversal = get(server.baseUrl() + "/vod/..%2F..%2Fetc/recording.webm", null).statusCode();
        assertTrue(traversal == 400 || traversal == 404, "traversal answered " + traversal);
        assertEquals(get(server.baseUrl() + "/vod/" + rec.get("id").asText().replace('-', '.') + "/recording.webm", null)
                .statusCode(), 404);

        HttpResponse<byte[]> thumb = get(rec.get("urls").get("thumbnail").asText(), null);
        assertEquals(thumb.statusCode(), 200);
        assertEquals(thumb.headers().firstValue("Content-Type").orElse(""), "image/jpeg");
        byte[] jpeg = thumb.body();
        assertTrue(jpeg.length > 3 && (jpeg[0] & 0xFF) == 0xFF && (jpeg[1] & 0xFF) == 0xD8 && (jpeg[2] & 0xFF) == 0xFF,
                "JPEG magic bytes");
        var image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "ImageIO decodes the thumbnail");
        assertTrue(image.getWidth() > 0 && image.getHeight() > 0);
    }

    /**
     * The broadcaster publishes through Socket.IO without calling /start: the stream goes live when the offer is
     * answered, seconds before ICE and DTLS let media through. The recording must start when media flows (ffmpeg
     * started earlier waited for nothing and gave up; its keyframe requests went unanswered): of a 20 s broadcast,
     * counted from the moment the connection is up, at most 2 s may be missing.
     */
    @Test
    public void aSocketIoPublishWithoutStartIsRecordedFromItsFirstSeconds() throws Exception {
        String[] owner = server.api.devUser("socket-recorder");
        String id = server.api.post("/api/v1/streams", owner[0], Map.of("title", "socket recorded", "recordingEnabled", true))
                .expect(201).get("id").asText();
        String w = browser.openWindow(site.page("publisher.html", "streamId", id, "socket", server.socketUrl(),
                "token", owner[0]));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        long start = System.nanoTime();
        Thread.sleep(20_000);
        browser.eval("endStream()");
        double streamSeconds = (System.nanoTime() - start) / 1e9;
        browser.closeWindow(w);
        JsonNode rec = readyRecordingOf(id, owner[0]);
        double duration = Double.parseDouble(ffprobe(fileOf(rec), "format=duration"));
        System.out.printf("socket.io publish without /start: stream %.1f s, recorded %.2f s%n", streamSeconds, duration);
        assertTrue(duration >= streamSeconds - 2.0, "recorded " + duration + " s of a " + streamSeconds
                + " s broadcast: more than 2 s lost at the start");
    }

    private JsonNode readyRecordingOf(String streamId, String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode items = server.api.get("/api/v1/streams/" + streamId + "/recordings", token).expect(200).get("items");
            if (items.size() >= 1 && items.get(items.size() - 1).get("status").asText().equals("ready")) {
                if (items.size() > 1) {
                    throw new AssertionError("one broadcast made " + items.size() + " recordings: " + items);
                }
                return items.get(0);
            }
            if (items.size() >= 1 && items.get(items.size() - 1).get("status").asText().equals("failed")) {
                throw new AssertionError("recording failed: " + items);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ready recording for " + streamId + " after 60 s");
    }

    @Test(dependsOnMethods = "a20SecondBroadcastBecomesAPlayableSeekableVodWithAThumbnail")
    public void aKilledFfmpegCostsAtMostAboutTwoSeconds() throws Exception {
        String id = createAndPublish()[0];
        long start = System.nanoTime();
        Thread.sleep(8_000);
        RecordingSession session = server.server.recorder().session(id);
        assertNotNull(session, "recording session of " + id);
        ProcessHandle ffmpeg = session.currentProcess();
        assertNotNull(ffmpeg, "ffmpeg of the recording");
        assertTrue(ffmpeg.destroyForcibly(), "SIGKILL sent"); // destroyForcibly is SIGKILL on Linux
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (session.partCount() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(session.partCount(), 2, "a new part after the kill");
        Thread.sleep(8_000);
        double streamSeconds = end(id, start);
        JsonNode rec = readyRecording(id);
        Path file = fileOf(rec);
        double duration = Double.parseDouble(ffprobe(file, "format=duration"));
        String kinds = ffprobe(file, "stream=codec_type");
        double missing = streamSeconds - duration;
        double lostToKill = missing - baselineMissingSeconds;
        System.out.printf("recording with SIGKILL: stream %.1f s, file %.2f s, missing %.2f s (%.2f s beyond the "
                + "start-up loss)%n", streamSeconds, duration, missing, lostToKill);
        assertTrue(kinds.contains("audio") && kinds.contains("video"), "streams: " + kinds);
        assertTrue(lostToKill <= 2.0, "the kill cost " + lostToKill + " s of recording");
        assertTrue(duration > 0.75 * streamSeconds, "recorded " + duration + " s of " + streamSeconds);
    }
}
