package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * The HLS bridge end to end: Chromium publishes 640x360 over WHIP; the ladder is checked file by file (master,
 * every rendition with ffprobe, target durations, headers, CORS), hls.js in Chromium plays it for 10 s, the live
 * thumbnail appears and is refreshed, and ending the stream removes the live files and stops ffmpeg. The stream is
 * followers-only: every file needs the playback token from the join answer (playlists carry it onto their URIs, so
 * hls.js and ffprobe follow them), and nothing of it may be kept by a shared cache.
 */
public class HlsE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final Pattern STREAM_INF = Pattern.compile("#EXT-X-STREAM-INF:.*RESOLUTION=(\\d+)x(\\d+).*");
    private final HttpClient http = HttpClient.newHttpClient();

    private E2eSite site;
    private TestServer server;
    private Browser browser;
    private String streamId;
    private String publisher;
    private String master;
    private String token;
    private String ownerToken;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        o.put("relaycast.hls.enabled", true);
        o.put("relaycast.hls.thumbnail-interval", "5s"); // the refresh, proven in seconds rather than 30
        server = TestServer.start(o);
        browser = Browser.start();
        String owner = server.api.devUser("hls-owner")[0];
        ownerToken = owner;
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "hls", "visibility", "followers")).expect(201);
        streamId = stream.get("id").asText();
        publisher = browser.openWindow(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + streamId,
                "key", stream.get("streamKey").asText()));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        String joined = server.api.post("/api/v1/streams/" + streamId + "/join", owner, Map.of()).expect(201).get("hls").asText();
        token = joined.substring(joined.indexOf("?token=") + 7);
        master = server.baseUrl() + "/hls/" + streamId + "/master.m3u8?token=" + token;
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

    private HttpResponse<byte[]> get(String url, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static List<String> uris(String playlist) {
        return playlist.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private String waitForRenditions() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> m = get(master, null);
            if (m.statusCode() == 200) {
                List<String> variants = uris(text(m));
                boolean all = !variants.isEmpty();
                for (String v : variants) {
                    HttpResponse<byte[]> p = get(resolve(master, v), null);
                    all &= p.statusCode() == 200 && uris(text(p)).size() >= 3;
                }
                if (all) {
                    return text(m);
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no complete HLS ladder within 40 s of publishing; bridge: " + server.server.hls().debugState());
    }

    private static String resolve(String base, String relative) {
        return URI.create(base).resolve(relative).toString();
    }

    private static String ffprobe(String url, String entries) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", entries, "-of", "csv=p=0", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(p.waitFor(), 0, "ffprobe " + url + ": " + out);
        return out;
    }

    @Test
    public void theLadderValidates() throws Exception {
        String text = waitForRenditions();
        HttpResponse<byte[]> m = get(master, site.origin());
        assertEquals(m.headers().firstValue("Content-Type").orElse(""), "application/vnd.apple.mpegurl");
        assertEquals(m.headers().firstValue("Cache-Control").orElse(""), "private, no-cache");
        assertEquals(get(master.substring(0, master.indexOf('?')), null).statusCode(), 401, "no token, no playlist");
        assertEquals(m.headers().firstValue("Access-Control-Allow-Origin").orElse(""), site.origin(), "CORS allow-list");
        assertTrue(get(master, "http://evil.example").headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        List<Integer> heights = new ArrayList<>();
        for (String line : text.lines().toList()) {
            Matcher x = STREAM_INF.matcher(line);
            if (x.matches()) {
                heights.add(Integer.parseInt(x.group(2)));
            }
        }
        System.out.println("HLS master: renditions " + heights);
        assertEquals(heights, List.of(360, 240, 144), "the ladder at or below the 640x360 source");

        for (String variant : uris(text)) {
            String url = resolve(master, variant);
            HttpResponse<byte[]> p = get(url, null);
            assertEquals(p.headers().firstValue("Content-Type").orElse(""), "application/vnd.apple.mpegurl");
            assertEquals(p.headers().firstValue("Cache-Control").orElse(""), "private, no-cache");
            String playlist = text(p);
            Matcher t = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)").matcher(playlist);
            assertTrue(t.find(), playlist);
            int target = Integer.parseInt(t.group(1));
            assertTrue(target >= 1 && target <= 2, "target duration " + target);
            Matcher inf = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist);
            int count = 0;
            while (inf.find()) {
                count++;
                // RFC 8216 4.3.3.1: every EXTINF, rounded to the nearest integer, is at most the target duration
                assertTrue(Math.round(Double.parseDouble(inf.group(1))) <= target, "segment " + inf.group(1)
                        + " s over target " + target + " in " + variant);
            }
            assertTrue(count >= 3 && count <= 6, count + " segments listed (window of 6)");
            for (String segment : uris(playlist)) {
                assertFalse(segment.contains(".tmp"), "a temporary segment listed: " + segment);
            }
            // Low-Latency HLS (RFC 8216bis): parts, the hint, blocking reload; classic players read the EXTINF lines
            assertTrue(playlist.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK="), playlist);
            assertTrue(playlist.contains("#EXT-X-PART-INF:PART-TARGET=0.334"), playlist);
            assertTrue(playlist.contains("#EXT-X-PART:DURATION="), playlist);
            assertTrue(playlist.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI="), playlist);
            assertTrue(playlist.contains("#EXT-X-MAP:URI="), playlist);
            String seg = resolve(url, uris(playlist).get(uris(playlist).size() - 1));
            HttpResponse<byte[]> s = get(seg, null);
            assertEquals(s.statusCode(), 200, "the newest listed segment is there: " + seg);
            assertEquals(s.headers().firstValue("Content-Type").orElse(""), "video/mp4");
            assertTrue(s.headers().firstValue("Cache-Control").orElse("").contains("max-age=86400"));
            assertTrue(s.headers().firstValue("Cache-Control").orElse("").startsWith("private"), "no shared caching");
            String bare = seg.substring(0, seg.indexOf('?'));
            assertEquals(get(bare, null).statusCode(), 401, "a segment without the token: " + bare);
            assertEquals(new String(s.body(), 4, 4, StandardCharsets.ISO_8859_1), "moof", "a CMAF segment starts with moof");
            assertTrue(wholeBoxes(s.body()), "whole ISO BMFF boxes only");
            String streams = ffprobe(url, "stream=codec_name,height");
            System.out.println("HLS " + variant + ": target " + target + " s, " + count + " segments, " + streams.replace('\n', ' '));
            assertTrue(streams.contains("h264") && streams.contains("aac"), streams);
        }
    }

    /** Top-level ISO BMFF boxes (ISO/IEC 14496-12 4.2) that end exactly at the end of the bytes. */
    private static boolean wholeBoxes(byte[] b) {
        int off = 0;
        while (off + 8 <= b.length) {
            long size = ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
            if (size < 8) {
                return false;
            }
            off += (int) size;
        }
        return off == b.length;
    }

    /** What hls.js asks for next: the part after the last one listed (msn, part index). */
    private static long[] nextPart(String playlist) {
        Matcher m = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)").matcher(playlist);
        assertTrue(m.find(), playlist);
        long msn = Long.parseLong(m.group(1));
        long parts = 0;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXTINF")) {
                msn++;
                parts = 0;
            } else if (line.startsWith("#EXT-X-PART:")) {
                parts++;
            }
        }
        return new long[] {msn, parts};
    }

    private static String hint(String playlist) {
        Matcher m = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"?]+)").matcher(playlist);
        assertTrue(m.find(), playlist);
        return m.group(1);
    }

    /**
     * RFC 8216bis 6.2.5.2 over HTTP: a reload for the next part is held until that part's file is complete and
     * answered within one part duration of it (a watcher polls the rendition folder every 2 ms), names it, and never
     * names a file that is not there; the preload-hinted part is held and served; bad or far-ahead requests get
     * 400; and held requests do not hold server threads.
     */
    @Test(dependsOnMethods = "theLadderValidates")
    public void blockingReloadAnswersWithinAPartOfThePartBeingReady() throws Exception {
        String variant = resolve(master, uris(text(get(master, null))).get(0));
        Path r0 = server.server.hls().directory(streamId).resolve("r0");
        Map<String, Long> seenAt = new java.util.concurrent.ConcurrentHashMap<>();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                try (var files = Files.list(r0)) {
                    files.forEach(f -> seenAt.putIfAbsent(f.getFileName().toString(), now));
                    Thread.sleep(2);
                } catch (Exception e) {
                    return;
                }
            }
        });
        watcher.start();
        try {
            String playlist = text(get(variant, null));
            List<Long> lateness = new ArrayList<>();
            int held = 0;
            for (int i = 0; i < 12; i++) {
                long[] next = nextPart(playlist);
                String wanted = hint(playlist);
                long asked = System.nanoTime();
                HttpResponse<byte[]> r = get(variant + "&_HLS_msn=" + next[0] + "&_HLS_part=" + next[1], null);
                long answered = System.nanoTime();
                assertEquals(r.statusCode(), 200, text(r));
                playlist = text(r);
                if (answered - asked > 50_000_000L) {
                    held++;
                }
                for (String line : playlist.split("\n")) {
                    Matcher u = Pattern.compile("URI=\"([^\"?]+)").matcher(line);
                    if (u.find() && !line.startsWith("#EXT-X-PRELOAD-HINT") && !line.startsWith("#EXT-X-MAP")) {
                        assertTrue(Files.isRegularFile(r0.resolve(u.group(1))), "listed but not there: " + u.group(1));
                    }
                }
                assertTrue(playlist.contains("URI=\"" + wanted + "?") || playlist.contains("URI=\"" + wanted + "\""),
                        "the answer names the part it waited for, " + wanted + ":\n" + playlist);
                Long seen = seenAt.get(wanted);
                for (int w = 0; seen == null && w < 50; w++) { // the watcher has not polled since the rename yet
                    Thread.sleep(2);
                    seen = seenAt.get(wanted);
                }
                assertNotNull(seen, wanted + " listed before its file appeared");
                lateness.add((answered - seen) / 1_000_000);
            }
            System.out.println("LL-HLS over HTTP: 12 blocking reloads, " + held + " held, answered after the part's file (ms): " + lateness);
            for (long ms : lateness) {
                assertTrue(ms < 334, "answered " + ms + " ms after the part was ready: " + lateness);
            }
            assertTrue(held >= 6, "the reloads were held until their part came: " + held);

            // the preload-hinted part: requested before it exists, held, then served whole
            String hinted = hint(playlist);
            long asked = System.nanoTime();
            HttpResponse<byte[]> part = get(resolve(variant, hinted) + "?token=" + token, null);
            assertEquals(part.statusCode(), 200);
            assertEquals(part.headers().firstValue("Content-Type").orElse(""), "video/mp4");
            assertTrue(wholeBoxes(part.body()));
            System.out.printf("preload hint %s: served after %d ms%n", hinted, (System.nanoTime() - asked) / 1_000_000);
            assertEquals(get(resolve(variant, hinted.replace("-p", "-p9")) + "?token=" + token, null).statusCode(), 404,
                    "a part never hinted is not waited for");

            long[] next = nextPart(text(get(variant, null)));
            assertEquals(get(variant + "&_HLS_msn=" + (next[0] + 5), null).statusCode(), 400, "more than two segments ahead");
            assertEquals(get(variant + "&_HLS_msn=" + next[0] + "&_HLS_part=" + (next[1] + 20), null).statusCode(), 400,
                    "past the Advance Part Limit");
            assertEquals(get(variant + "&_HLS_part=1", null).statusCode(), 400, "_HLS_part without _HLS_msn");
            assertEquals(get(variant + "&_HLS_msn=x", null).statusCode(), 400, "not a decimal-integer");
            assertEquals(get(variant.substring(0, variant.indexOf('?')) + "?_HLS_msn=" + next[0], null).statusCode(), 401,
                    "blocking needs the token too");

            // 100 requests held at once: the server parks them without a thread each (a blocking implementation
            // would have 100 threads inside HlsRoutes now; created-but-idle pool threads do not count)
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 100; i++) {
                waiting.add(many.sendAsync(HttpRequest.newBuilder(URI.create(variant + "&_HLS_msn=" + next[0]
                        + "&_HLS_part=" + (next[1] + 1))).build(), HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(150);
            long during = Thread.getAllStackTraces().values().stream().filter(stack -> java.util.Arrays.stream(stack)
                    .anyMatch(f -> f.getClassName().startsWith("io.relaycast.web.media.HlsRoutes"))).count();
            int ok = 0;
            for (var w : waiting) {
                ok += w.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
            }
            System.out.printf("100 held reloads: %d threads inside HlsRoutes while they waited, %d answered 200%n", during, ok);
            assertEquals(ok, 100);
            assertTrue(during < 10, "held requests hold threads: " + during + " in HlsRoutes");
        } finally {
            watcher.interrupt();
        }
    }

    @Test(dependsOnMethods = "theLadderValidates")
    public void hlsJsInChromiumPlaysForTenSeconds() throws Exception {
        String viewer = browser.openWindow(site.page("hls.html", "src", master, "hlsjs",
                server.baseUrl() + "/assets/vendor/hls.min.js"));
        browser.waitFor("window.state && state.status === 'playing' && currentTime() > 0", Duration.ofSeconds(30));
        double t0 = ((Number) browser.eval("currentTime()")).doubleValue();
        Thread.sleep(10_000);
        double t1 = ((Number) browser.eval("currentTime()")).doubleValue();
        System.out.printf("hls.js: currentTime %.2f -> %.2f over 10 s, levels %s, errors %s%n", t1 > 0 ? t0 : 0, t1,
                browser.eval("state.levels"), browser.eval("state.errors"));
        assertTrue(t1 - t0 >= 8.0, "hls.js played " + (t1 - t0) + " s in 10 s");
        browser.closeWindow(viewer);
        browser.switchTo(publisher);
    }

    @Test(dependsOnMethods = "theLadderValidates")
    public void theLiveThumbnailAppearsAndIsRefreshed() throws Exception {
        Path file = server.dataDir.resolve("thumbnails").resolve(streamId + ".jpg");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.isRegularFile(file) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(get(server.baseUrl() + "/thumbnails/" + streamId + ".jpg", null).statusCode(), 401);
        HttpResponse<byte[]> r = get(server.baseUrl() + "/thumbnails/" + streamId + ".jpg?token=" + token, null);
        assertEquals(r.statusCode(), 200);
        assertEquals(r.headers().firstValue("Content-Type").orElse(""), "image/jpeg");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(r.body())), "a JPEG ImageIO decodes");
        assertEquals(get(server.baseUrl() + "/thumbnails/..%2Fx.jpg", null).statusCode() / 100, 4);
        FileTime first = Files.getLastModifiedTime(file);
        deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (Files.getLastModifiedTime(file).equals(first) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertTrue(Files.getLastModifiedTime(file).compareTo(first) > 0, "refreshed after the 5 s interval");
    }

    /** The watch page's HLS path (?hls=1) for a signed-in viewer allowed to see the followers-only stream. */
    @Test(dependsOnMethods = "hlsJsInChromiumPlaysForTenSeconds")
    public void theWatchPagePlaysTheFollowersOnlyStreamOverHls() throws Exception {
        String page = browser.openWindow(server.baseUrl() + "/");
        browser.eval("localStorage.setItem('relaycast.token', '" + ownerToken + "')");
        long opened = System.currentTimeMillis();
        browser.open(server.baseUrl() + "/watch/" + streamId + "?hls=1");
        browser.waitFor("window.watch && window.watch.transport === 'hls'", Duration.ofSeconds(30));
        browser.waitFor("document.getElementById('video').currentTime > 2", Duration.ofSeconds(45));
        // issue 14 item 1: the page's HLS player is a viewer (one session, transport hls), counted by the API
        int sessions = server.server.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM"
                        + " viewer_sessions WHERE stream_id = :s AND transport = 'hls' AND left_at IS NULL AND joined_at >= :t")
                .bind("s", streamId).bind("t", opened).mapTo(Integer.class).one());
        assertEquals(sessions, 1, "one open HLS viewer session for the watch page's player");
        assertTrue(server.api.get("/api/v1/streams/" + streamId + "/viewers", ownerToken).expect(200).get("current").asInt() >= 1);
        browser.closeWindow(page);
        browser.switchTo(publisher);
    }

    @Test(dependsOnMethods = {"hlsJsInChromiumPlaysForTenSeconds", "theLiveThumbnailAppearsAndIsRefreshed",
            "theWatchPagePlaysTheFollowersOnlyStreamOverHls"})
    public void endingTheStreamRemovesTheLiveFiles() throws Exception {
        Path dir = server.server.hls().directory(streamId);
        assertNotNull(dir);
        ProcessHandle ffmpeg = server.server.hls().session(streamId).currentProcess();
        assertNotNull(ffmpeg);
        browser.switchTo(publisher);
        assertEquals(((Number) browser.eval("unpublish()")).intValue(), 200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((Files.exists(dir) || ffmpeg.isAlive()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(ffmpeg.isAlive(), "the ladder's ffmpeg stopped");
        assertFalse(Files.exists(dir), "live files removed");
        assertEquals(get(master, null).statusCode(), 404);
    }
}
