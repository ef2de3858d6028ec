package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
 * Downstream of an RTMP publication: the HLS master playlist's top rendition is the source's H.264 remuxed (its
 * codec string is the source's High profile, not the ladder's x264 output), readable by ffprobe; after the
 * encoder stops, the recording is a VOD as long as the stream was (±10 %).
 */
public class RtmpHlsVodE2ETest {
    private static final int SECONDS = 20;
    /**
     * The 20 s stream. The recorder's ffmpeg starts only once the stream is live, after the encoder's first
     * keyframe; the GOP cache (docs/decisions.md 241, 243) holds the stream from that keyframe until the recorder's
     * tap asks, so the recording covers it from its start (before the cache: 16 s of 19.5 s at load 30).
     */
    private static final int VOD_SECONDS = 20;
    private TestServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeClass
    public void start() {
        Map<String, Object> o = new HashMap<>();
        o.put("relaycast.rtmp.port", -1);
        o.put("relaycast.hls.enabled", true);
        server = TestServer.start(o);
    }

    private TestServer vodServer;

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (vodServer != null) {
            vodServer.close();
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(p.waitFor(), 0, "failed: " + out);
        return out;
    }

    @Test
    public void hlsRemuxesTheTopRenditionAndTheVodLastsAsLongAsTheStream() throws Exception {
        String owner = server.api.devUser("rtmp-hls-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner,
                Map.of("title", "rtmp hls", "recordingEnabled", true)).expect(201);
        String id = stream.get("id").asText();
        Process encoder = RtmpIngestE2ETest.ffmpegPublisher("rtmp://127.0.0.1:" + server.server.rtmp().port()
                + "/live/" + stream.get("streamKey").asText(), SECONDS);
        try {
            RtmpIngestE2ETest.waitUntil("live", () -> "live".equals(server.api.get("/api/v1/streams/" + id, owner)
                    .expect(200).get("status").asText()), Duration.ofSeconds(30));
            long start = System.nanoTime();
            String master = server.baseUrl() + "/hls/" + id + "/master.m3u8";
            String[] body = new String[1];
            RtmpIngestE2ETest.waitUntil("the master playlist", () -> {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(master)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    body[0] = r.body();
                    return r.statusCode() == 200 && body[0].contains("#EXT-X-STREAM-INF");
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
            System.out.println("RTMP HLS master:\n" + body[0]);
            Matcher codecs = Pattern.compile("CODECS=\"([^\"]+)\"").matcher(body[0]);
            assertTrue(codecs.find(), "the master names codecs: " + body[0]);
            assertTrue(codecs.group(1).contains("avc1.64001e"),
                    "the top rendition is the source's High profile 3.0, remuxed: " + codecs.group(1));
            String top = server.baseUrl() + "/hls/" + id + "/r0/index.m3u8";
            String probe = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=codec_name,profile,height", "-of", "csv=p=0", top);
            System.out.println("RTMP HLS top rendition: " + probe);
            assertTrue(probe.contains("h264") && probe.contains("High") && probe.contains("360"), probe);
            // issue 18 item 3: the remuxed rung has no encoder (and the filter graph does not scale it); the rungs
            // below the source are encoded as before. Read from the running ffmpeg's own arguments.
            ProcessHandle ladder = server.server.hls().session(id).currentProcess();
            assertTrue(ladder != null && ladder.isAlive(), "the ladder's ffmpeg runs");
            List<String> args = List.of(ladder.info().arguments().orElseThrow());
            List<Integer> outputs = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).endsWith("/media.fifo")) {
                    outputs.add(i);
                }
            }
            assertEquals(outputs.size(), 3, "360p, 240p, 144p: " + args);
            int firstMap = args.indexOf("-map");
            for (int r = 0; r < outputs.size(); r++) {
                List<String> out = args.subList(r == 0 ? firstMap : outputs.get(r - 1) + 1, outputs.get(r));
                assertTrue(args.get(outputs.get(r)).endsWith("/r" + r + "/media.fifo"), args.toString());
                if (r == 0) {
                    assertTrue(out.contains("copy") && out.get(out.indexOf("copy") - 1).equals("-c:v"), "r0 remuxed: " + out);
                    assertFalse(out.contains("libx264"), "no encoder for the remuxed rung: " + out);
                } else {
                    assertTrue(out.contains("libx264"), "r" + r + " is encoded: " + out);
                }
            }
            String graph = args.get(args.indexOf("-filter_complex") + 1);
            assertFalse(graph.contains("[v0]"), "the remuxed rung is not scaled: " + graph);
            System.out.println("RTMP HLS ladder ffmpeg outputs: r0 -c:v copy, r1-r2 libx264; graph " + graph);
        } finally {
            encoder.destroyForcibly();
        }
    }

    /** The recording of an RTMP stream (HLS off, as in the recording tests: one ffmpeg per stream less). */
    @Test
    public void theVodLastsAsLongAsTheStream() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("relaycast.rtmp.port", -1);
        vodServer = TestServer.start(o);
        TestServer server = vodServer;
        String owner = server.api.devUser("rtmp-vod-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner,
                Map.of("title", "rtmp vod", "recordingEnabled", true)).expect(201);
        String id = stream.get("id").asText();
        Process encoder = RtmpIngestE2ETest.ffmpegPublisher("rtmp://127.0.0.1:" + server.server.rtmp().port()
                + "/live/" + stream.get("streamKey").asText(), VOD_SECONDS);
        try {
            RtmpIngestE2ETest.waitUntil("live", () -> "live".equals(server.api.get("/api/v1/streams/" + id, owner)
                    .expect(200).get("status").asText()), Duration.ofSeconds(30));
            long start = System.nanoTime();
            assertEquals(encoder.waitFor(), 0, "ffmpeg streamed its " + VOD_SECONDS + " s");
            double streamSeconds = (System.nanoTime() - start) / 1e9;
            RtmpIngestE2ETest.waitUntil("ended", () -> "ended".equals(server.api.get("/api/v1/streams/" + id, owner)
                    .expect(200).get("status").asText()), Duration.ofSeconds(30));
            JsonNode[] rec = new JsonNode[1];
            RtmpIngestE2ETest.waitUntil("a ready recording", () -> {
                JsonNode list = server.api.get("/api/v1/streams/" + id + "/recordings", owner).expect(200);
                JsonNode items = list.has("items") ? list.get("items") : list;
                if (items.size() == 1 && "failed".equals(items.get(0).get("status").asText())) {
                    throw new AssertionError("recording failed: " + items.get(0));
                }
                rec[0] = items.size() == 1 ? items.get(0) : null;
                return rec[0] != null && "ready".equals(rec[0].get("status").asText());
            }, Duration.ofSeconds(90));
            String path = server.server.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT file_path FROM recordings WHERE id = :id").bind("id", rec[0].get("id").asText())
                    .mapTo(String.class).one());
            double duration = Double.parseDouble(run("ffprobe", "-v", "error", "-show_entries", "format=duration",
                    "-of", "csv=p=0", Path.of(path).toString()));
            String kinds = run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                    Path.of(path).toString());
            System.out.printf("RTMP VOD: stream %.1f s, file %.2f s, streams %s%n", streamSeconds, duration,
                    kinds.replace('\n', ','));
            assertTrue(kinds.contains("video") && kinds.contains("audio"), kinds);
            assertTrue(Math.abs(duration - streamSeconds) <= 0.1 * streamSeconds,
                    "recorded " + duration + " s of a " + streamSeconds + " s stream");
        } finally {
            encoder.destroyForcibly();
        }
    }
}
