package io.relaycast.web.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.recording.Recording;
import io.relaycast.signaling.recording.RecordingRepository;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/**
 * Media files follow the stream's visibility, tried as an outsider would: plain HTTP without a token, with a
 * forged one, with one minted for another stream, against the live thumbnail, the HLS playlist and the VOD file of
 * a followers-only stream; the same files of a public stream stay open and publicly cacheable; the readiness page
 * names no stream. (The HLS ladder itself with a token, played by hls.js, is HlsE2ETest.)
 */
public class MediaAccessTest {
    private TestServer server;
    private ApiClient api;
    private String[] owner;
    private String[] follower;
    private String[] stranger;
    private String privateId;
    private String publicId;

    @BeforeClass
    public void start() throws Exception {
        // no ffmpeg at that path: the recording fails at once, and its failure reaches /health/ready
        server = TestServer.start(Map.of("relaycast.recording.ffmpeg", "/nonexistent/ffmpeg"));
        api = server.api;
        owner = api.devUser("media-owner");
        follower = api.devUser("media-follower");
        stranger = api.devUser("media-stranger");
        api.post("/api/v1/users/" + owner[1] + "/follow", follower[0], Map.of()).expect(200);
        privateId = api.post("/api/v1/streams", owner[0], Map.of("title", "fans only", "visibility", "followers",
                "recordingEnabled", true)).expect(201).get("id").asText();
        publicId = api.post("/api/v1/streams", owner[0], Map.of("title", "open")).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + privateId + "/start", owner[0], Map.of()).expect(200);
        api.post("/api/v1/streams/" + publicId + "/start", owner[0], Map.of()).expect(200);
        Path thumbs = server.dataDir.resolve("thumbnails");
        Files.createDirectories(thumbs);
        Files.write(thumbs.resolve(privateId + ".jpg"), new byte[]{(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Files.write(thumbs.resolve(publicId + ".jpg"), new byte[]{(byte) 0xff, (byte) 0xd8, 4, 5, 6});
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ApiClient.Response get(String pathAndQuery) {
        return api.send("GET", pathAndQuery, Map.of(), null);
    }

    private static String pathOf(String absolute) {
        URI u = URI.create(absolute);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    private static String cache(ApiClient.Response r) {
        return r.raw().headers().firstValue("Cache-Control").orElse("");
    }

    @Test
    public void theHlsPlaylistOfAFollowersOnlyStreamNeedsItsToken() {
        String master = "/hls/" + privateId + "/master.m3u8";
        get(master).expectError(401, "UNAUTHENTICATED");
        get(master + "?token=9999999999.AAAAAAAAAAAAAAAAAAAAAA").expectError(403, "FORBIDDEN");
        get("/hls/" + privateId + "/r0/abc123-s000001.m4s").expectError(401, "UNAUTHENTICATED");
        // a stranger cannot even get a token: join refuses
        api.post("/api/v1/streams/" + privateId + "/join", stranger[0], Map.of()).expectError(403, "FOLLOWERS_ONLY");
        // the follower's join answer carries one; it opens this stream's media (404: no HLS ladder in this test)
        JsonNode join = api.post("/api/v1/streams/" + privateId + "/join", follower[0], Map.of()).expect(201);
        String hls = join.get("hls").asText();
        assertTrue(hls.contains("?token="), hls);
        assertEquals(get(pathOf(hls)).status(), 404, "the token is accepted; nothing is written yet");
        // the same token does not open another stream
        String token = hls.substring(hls.indexOf("token=") + 6);
        String otherPrivate = api.post("/api/v1/streams", owner[0], Map.of("title", "other", "visibility", "followers"))
                .expect(201).get("id").asText();
        get("/hls/" + otherPrivate + "/master.m3u8?token=" + token).expectError(403, "FORBIDDEN");
        // the stream's details, for someone allowed to see it, carry a token too (the watch page's HLS path)
        String detailsHls = api.get("/api/v1/streams/" + privateId, follower[0]).expect(200).get("urls").get("hls").asText();
        assertTrue(detailsHls.contains("?token="), detailsHls);
    }

    @Test
    public void theLiveThumbnailOfAFollowersOnlyStreamNeedsItsTokenAndIsNotSharedCacheable() {
        get("/thumbnails/" + privateId + ".jpg").expectError(401, "UNAUTHENTICATED");
        String hls = api.post("/api/v1/streams/" + privateId + "/join", owner[0], Map.of()).expect(201).get("hls").asText();
        String token = hls.substring(hls.indexOf("token=") + 6);
        ApiClient.Response ok = get("/thumbnails/" + privateId + ".jpg?token=" + token);
        assertEquals(ok.status(), 200);
        assertTrue(cache(ok).startsWith("private"), cache(ok));
        ApiClient.Response open = get("/thumbnails/" + publicId + ".jpg");
        assertEquals(open.status(), 200, "a public stream's thumbnail needs no token");
        assertTrue(cache(open).startsWith("public"), cache(open));
        assertFalse(api.get("/api/v1/streams/" + publicId, null).expect(200).get("urls").get("hls").asText().contains("token="),
                "public media URLs stay plain");
    }

    @Test
    public void theVodFileOfAFollowersOnlyStreamNeedsItsToken() throws Exception {
        String rid = UUID.randomUUID().toString();
        Path dir = server.server.config().recording().directory().resolve(rid);
        Files.createDirectories(dir);
        Path file = dir.resolve("recording.mp4");
        Files.write(file, new byte[4096]);
        RecordingRepository repo = new RecordingRepository(server.server.database().jdbi());
        repo.insert(new Recording(rid, privateId, "recording", null, null, null, null, null, 1L, null, null));
        repo.finish(rid, "ready", file.toString(), "mp4", 1000L, 4096L, null, 2L, null);

        get("/vod/" + rid + "/recording.mp4").expectError(401, "UNAUTHENTICATED");
        api.get("/api/v1/recordings/" + rid, stranger[0]).expectError(403, "FOLLOWERS_ONLY");
        String playback = api.get("/api/v1/recordings/" + rid, follower[0]).expect(200).get("urls").get("playback").asText();
        assertTrue(playback.contains("?token="), playback);
        ApiClient.Response r = api.send("GET", pathOf(playback), Map.of("Range", "bytes=0-99"), null);
        assertEquals(r.status(), 206, "range requests still work with a token");
        assertTrue(cache(r).startsWith("private"), "no shared cache may keep it: " + cache(r));
        assertFalse(cache(r).contains("public"), cache(r));
    }

    @Test
    public void readinessNamesNoStream() throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            body = get("/health/ready").body();
            if (body.contains("last failure")) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(body.contains("last failure"), "the recording of the followers-only stream failed: " + body);
        assertFalse(body.contains(privateId), "readiness is public and must not name streams: " + body);
        assertFalse(body.contains(publicId), body);
    }

    @Test
    public void withAnonymousViewersOffHlsAndWhepRefuseAnonymousCallers() {
        try (TestServer closed = TestServer.start(Map.of("relaycast.auth.allow-anonymous-viewers", false))) {
            ApiClient c = closed.api;
            String[] o = c.devUser("closed-owner");
            String id = c.post("/api/v1/streams", o[0], Map.of("title", "public but signed-in only")).expect(201).get("id").asText();
            c.post("/api/v1/streams/" + id + "/start", o[0], Map.of()).expect(200);
            c.send("GET", "/hls/" + id + "/master.m3u8", Map.of(), null).expectError(401, "UNAUTHENTICATED");
            ApiClient.Response whep = c.send("POST", "/whep/" + id, Map.of("Content-Type", "application/sdp"),
                    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
            assertEquals(whep.status(), 401, "anonymous WHEP refused: " + whep.body());
            String hls = c.post("/api/v1/streams/" + id + "/join", o[0], Map.of()).expect(201).get("hls").asText();
            assertTrue(hls.contains("?token="), "a signed-in viewer's HLS URL opens it: " + hls);
            assertNotEquals(c.send("GET", pathOf(hls), Map.of(), null).status(), 401);
        }
    }
}
