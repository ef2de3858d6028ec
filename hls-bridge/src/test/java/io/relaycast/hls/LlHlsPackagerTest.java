package io.relaycast.hls;

import com.fasterxml.jackson.databind.JsonNode;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * The packager with a real ffmpeg: a 30 fps test pattern and a tone, encoded with the ladder's own output options
 * ({@link LadderCommand#output}) into the named pipe, cut into parts and segments. A player-like client does
 * blocking reloads (_HLS_msn/_HLS_part of the next part, as hls.js does) the whole time: each answer must come
 * within one part duration of the part's file appearing on disk (a watcher polls the folder every 2 ms), and every
 * file any answer names must be there and complete (whole boxes). The playlists are then read by an independent
 * parser (m3u8-parser) that must raise no warning.
 */
public class LlHlsPackagerTest {
    private static final Pattern URI = Pattern.compile("URI=\"([^\"]+)\"|^([^#\\s][^\\s]*)$", Pattern.MULTILINE);
    private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");
    private static final double PART = 0.334;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
    private volatile boolean watching = true;

    @AfterClass(alwaysRun = true)
    public void stop() {
        watching = false;
        pool.shutdownNow();
    }

    /** One 180p rung, 1 s segments, 334 ms parts: the packager tests' ladder. */
    static HlsConfig config() {
        return new HlsConfig(true, "ffmpeg", "ffprobe", Path.of("/tmp"), List.of(new HlsConfig.Rendition("180p", 180, 300)),
                1, 6, "ultrafast", 256, Duration.ofSeconds(30), Duration.ofMillis(334), Duration.ofSeconds(3), true);
    }

    @Test
    public void blockingReloadsAnswerWithinAPartOfItsFileAndNeverNameAnIncompleteFile() throws Exception {
        Path dir = Files.createTempDirectory("llhls");
        PartTracker tracker = new PartTracker(1, PART, 6, 3000, pool, seq -> RenditionPackager.partName("abcdef", seq));
        RenditionPackager packager = new RenditionPackager("test", dir, "abcdef", 1, tracker, () -> { }, () -> { });
        packager.makeFifo();
        Thread reader = new Thread(packager, "packager");
        reader.start();
        pool.submit(() -> watch(dir));
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
                "-t", "9"));
        cmd.addAll(LadderCommand.output(config(), config().renditions().get(0), false, "0:v", "1:a", packager.fifo()));
        Process ffmpeg = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile())
                .start();

        List<String> playlists = new ArrayList<>();
        List<Long> lateness = new ArrayList<>();
        int held = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (tracker.playlist() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        String last = tracker.playlist();
        assertTrue(last != null, "no part within 30 s: " + Files.readString(dir.resolve("ffmpeg.log")));
        while (ffmpeg.isAlive()) {
            LlHlsQuery next = nextPart(last);
            long asked = System.nanoTime();
            String text;
            try {
                text = tracker.await(next).get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                break; // the end of the test source: the last wait times out
            }
            long answered = System.nanoTime();
            if (answered - asked > TimeUnit.MILLISECONDS.toNanos(50)) {
                held++;
            }
            List<String> uris = uris(text);
            for (String u : uris) {
                assertComplete(dir.resolve(u), text);
            }
            String newest = newestPart(text);
            if (newest.equals(newestPart(last))) {
                last = text; // answered by a segment closing at the end of the source, not by a new part
                continue;
            }
            Long seen = seenAt.get(newest);
            for (int w = 0; seen == null && w < 50; w++) { // the watcher has not polled since the rename yet
                Thread.sleep(2);
                seen = seenAt.get(newest);
            }
            assertTrue(seen != null, newest + " listed before its file appeared");
            lateness.add(TimeUnit.NANOSECONDS.toMillis(answered - seen));
            playlists.add(text);
            last = text;
        }
        assertEquals(ffmpeg.waitFor(), 0, Files.readString(dir.resolve("ffmpeg.log")));
        reader.join(5000);
        System.out.println("LL-HLS packager: " + playlists.size() + " blocking reloads, " + held
                + " held; answered after the part's file appeared (ms): " + lateness);
        assertTrue(playlists.size() >= 15, "a reload per part over 9 s, got " + playlists.size());
        assertTrue(held >= playlists.size() / 2, "most reloads were held until their part came: " + held);
        for (long ms : lateness) {
            assertTrue(ms < PART * 1000, "a blocking reload answered " + ms + " ms after its part was ready");
        }

        String end = tracker.playlist();
        Matcher inf = Pattern.compile("#EXTINF:([0-9.]+),").matcher(end);
        int segments = 0;
        while (inf.find()) {
            double d = Double.parseDouble(inf.group(1));
            assertTrue(Math.round(d) <= 1, "EXTINF " + d + " rounds above the target duration");
            segments++;
        }
        assertTrue(segments >= 5, end);
        checkWithM3u8Parser(playlists);
        Matcher seg = Pattern.compile("(abcdef-s\\d+\\.m4s)").matcher(end);
        String lastSegment = null;
        while (seg.find()) {
            lastSegment = seg.group(1);
        }
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,height",
                "-of", "csv=p=0", "concat:" + dir.resolve(packager.initName()) + "|" + dir.resolve(lastSegment))
                .redirectErrorStream(true).start();
        String streams = new String(probe.getInputStream().readAllBytes()).trim();
        assertEquals(probe.waitFor(), 0, streams);
        assertTrue(streams.contains("h264,180") && streams.contains("aac"), "init + segment decode: " + streams);
        for (PartTracker.Segment s : tracker.end()) {
            packager.delete(List.of(s));
        }
    }

    /** What hls.js asks for next: the part after the last one listed (a new segment's first after a complete one). */
    static LlHlsQuery nextPart(String playlist) {
        Matcher m = MEDIA_SEQUENCE.matcher(playlist);
        assertTrue(m.find());
        long msn = Long.parseLong(m.group(1));
        int parts = 0;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXTINF")) {
                msn++;
                parts = 0;
            } else if (line.startsWith("#EXT-X-PART:")) {
                parts++;
            }
        }
        return new LlHlsQuery(msn, parts);
    }

    static String newestPart(String playlist) {
        String newest = null;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-PART:")) {
                Matcher u = URI.matcher(line);
                assertTrue(u.find());
                newest = u.group(1);
            }
        }
        return newest;
    }

    /** Every URI of a playlist except the preload hint (which names the part not yet made). */
    static List<String> uris(String playlist) {
        List<String> out = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-PRELOAD-HINT")) {
                continue;
            }
            Matcher u = URI.matcher(line);
            if (u.find()) {
                out.add(u.group(1) != null ? u.group(1) : u.group(2));
            }
        }
        return out;
    }

    /** The file is there and holds whole boxes only: init = ftyp + moov, media = (moof + mdat)+. */
    private static void assertComplete(Path file, String playlist) throws IOException {
        assertTrue(Files.isRegularFile(file), file.getFileName() + " is listed but not there:\n" + playlist);
        byte[] b = Files.readAllBytes(file);
        List<String> types = new ArrayList<>();
        for (int off = 0; off < b.length; ) {
            long size = Mp4Fragments.boxSize(b, off);
            types.add(Mp4Fragments.type(b, off));
            off += (int) size;
        }
        String joined = String.join(",", types);
        boolean init = file.getFileName().toString().endsWith(".mp4");
        assertTrue(init ? joined.equals("ftyp,moov") : joined.matches("(moof,mdat)(,moof,mdat)*"),
                file.getFileName() + " holds " + joined);
    }

    private void checkWithM3u8Parser(List<String> playlists) throws Exception {
        JsonNode parsed = M3u8ParserCheck.parse(playlists);
        assertEquals(parsed.size(), playlists.size());
        for (int i = 0; i < parsed.size(); i++) {
            JsonNode p = parsed.get(i);
            String text = playlists.get(i);
            assertEquals(p.get("warnings").size(), 0, "m3u8-parser warnings " + p.get("warnings") + " on\n" + text);
            JsonNode m = p.get("manifest");
            assertTrue(m.path("serverControl").path("canBlockReload").asBoolean(), text);
            assertEquals(m.path("partTargetDuration").asDouble(), PART, 1e-9);
            assertTrue(m.path("serverControl").path("partHoldBack").asDouble() >= 2 * PART, "§4.4.3.8");
            assertEquals(m.path("targetDuration").asInt(), 1);
            assertTrue(m.path("preloadSegment").path("preloadHints").size() == 1, "one preload hint\n" + text);
            List<JsonNode> parts = new ArrayList<>();
            for (JsonNode s : m.path("segments")) {
                assertTrue(Math.round(s.path("duration").asDouble()) <= 1);
                assertTrue(s.path("map").path("uri").asText().endsWith(".mp4"), "every segment has its init");
                double sum = 0;
                for (JsonNode part : s.path("parts")) {
                    parts.add(part);
                    sum += part.path("duration").asDouble();
                }
                if (s.path("parts").size() > 0) {
                    assertEquals(s.path("duration").asDouble(), sum, 0.0025, "a segment is its parts\n" + text);
                }
            }
            m.path("preloadSegment").path("parts").forEach(parts::add);
            assertTrue(!parts.isEmpty(), text);
            for (JsonNode part : parts) {
                assertTrue(part.path("duration").asDouble() <= PART + 1e-9, "a part over PART-TARGET\n" + text);
            }
        }
        System.out.println("m3u8-parser " + M3u8ParserCheck.VERSION + ": " + parsed.size() + " playlists, no warnings");
    }

    private void watch(Path dir) {
        while (watching) {
            long now = System.nanoTime();
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".m4s")) {
                        seenAt.putIfAbsent(n, now);
                    }
                });
            } catch (IOException e) {
                return;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
