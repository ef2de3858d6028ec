package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;

import java.io.File;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RTMP ingest to a WebRTC viewer, glass to glass (bench/rtmp-latency/run.sh; not a test). This JVM draws every
 * frame itself: {@code System.currentTimeMillis()} mod 65536 as 16 black/white blocks and their inverse (the layout
 * of clock-publisher.html, so the reader is the same), written raw to an ffmpeg encoder that publishes x264
 * (zerolatency) + AAC over RTMP to the server. Two Socket.IO viewers in Chromium on this machine, one after the
 * other, read the blocks of every displayed frame back (requestVideoFrameCallback): latency = now - drawn, one
 * clock. The first is the publication's first consumer, so the GOP cache is replayed to it; the second starts at a
 * live keyframe; each gets its own line. The path measured:
 * encoder pipe and x264, RTMP, our FLV to RTP packetization, SFU forwarding, Chromium's jitter buffer, decode
 * and display.
 *
 * <p>CPU per ingested stream: this JVM's CPU over the window (the whole server: RTMP ingest, SFU forwarding to the
 * two viewers, signaling; plus the bench's own frame drawing, 7 MB/s of memset and pipe writes) and the AAC to Opus ffmpeg it
 * started. Arguments: [seconds=30] [keyframe interval in frames=60]. Prints one JSON line.
 */
public final class RtmpLatencyBench {
    private static final int W = 640;
    private static final int H = 360;
    private static final int FPS = 30;

    /** Reads the clock of every displayed frame of the page's player (the layout of clock-hls.html). */
    private static final String READER = "(() => { state.samples = []; const v = document.getElementById('player');"
            + " const c = document.createElement('canvas'); c.width = 640; c.height = 360;"
            + " const g = c.getContext('2d', { willReadFrequently: true });"
            + " const read = () => { if (v.readyState >= 2 && v.videoWidth > 0) {"
            + "   g.drawImage(v, 0, 0, 640, 360); let t = 0, ok = true;"
            + "   for (let i = 0; i < 16; i++) {"
            + "     const a = g.getImageData(i * 40 + 20, 130, 1, 1).data[0] > 128 ? 1 : 0;"
            + "     const b = g.getImageData(i * 40 + 20, 230, 1, 1).data[0] > 128 ? 1 : 0;"
            + "     if (a === b) { ok = false; break; } t = (t << 1) | a; }"
            + "   if (ok) state.samples.push(((Date.now() & 0xffff) - t + 0x10000) & 0xffff); }"
            + "  v.requestVideoFrameCallback(read); };"
            + " v.requestVideoFrameCallback(read); return true; })()";

    private RtmpLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int gop = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
        E2eSite site = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        o.put("relaycast.rtmp.port", -1);
        TestServer server = TestServer.start(o);
        Browser browser = Browser.start();
        Process encoder = null;
        Thread drawer = null;
        try {
            String owner = server.api.devUser("bench")[0];
            JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "rtmp clock")).expect(201);
            String id = stream.get("id").asText();
            String url = "rtmp://127.0.0.1:" + server.server.rtmp().port() + "/live/" + stream.get("streamKey").asText();
            List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
                    "-f", "rawvideo", "-pix_fmt", "gray", "-s", W + "x" + H, "-framerate", Integer.toString(FPS),
                    "-i", "pipe:0", "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", Integer.toString(gop),
                    "-pix_fmt", "yuv420p", "-b:v", "1500k", "-c:a", "aac", "-b:a", "128k", "-ac", "2",
                    "-f", "flv", url);
            File log = File.createTempFile("rtmp-bench-ffmpeg", ".log");
            encoder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
            Process enc = encoder;
            drawer = new Thread(() -> draw(enc.getOutputStream()), "clock-drawer");
            drawer.setDaemon(true);
            drawer.start();
            RtmpIngestE2ETest.waitUntil("the RTMP stream to go live", () -> "live".equals(server.api.get(
                    "/api/v1/streams/" + id, owner).expect(200).get("status").asText()), Duration.ofSeconds(60));
            // viewer 1 is the publication's first consumer (the GOP cache is replayed to it); viewer 2 joins after
            // it and starts at the encoder's next keyframe: their latencies are reported apart
            List<String> windows = new ArrayList<>();
            for (int v = 0; v < 2; v++) {
                String token = server.api.devUser("bench-viewer-" + v)[0];
                windows.add(browser.openWindow(site.page("viewer.html", "streamId", id, "socket",
                        server.socketUrl(), "token", token)));
                browser.waitFor("state.firstFrameMs !== undefined", Duration.ofSeconds(60));
                browser.eval(READER);
                browser.waitFor("state.samples.length > 30", Duration.ofSeconds(30));
            }
            for (String w : windows) {
                browser.switchTo(w);
                browser.eval("(state.samples.length = 0, true)");
            }
            Optional<ProcessHandle> opus = ProcessHandle.current().descendants().filter(p -> p.info().arguments()
                    .map(a -> String.join(" ", a).contains("libopus")).orElse(false)).findFirst();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long jvm0 = os.getProcessCpuTime();
            long opus0 = opus.map(RtmpLatencyBench::cpuTicks).orElse(0L);
            long enc0 = cpuTicks(encoder.toHandle());
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double wall = (System.nanoTime() - t0) / 1e9;
            double jvmCores = (os.getProcessCpuTime() - jvm0) / 1e9 / wall;
            double opusCores = (opus.map(RtmpLatencyBench::cpuTicks).orElse(0L) - opus0) / 100.0 / wall;
            double encCores = (cpuTicks(encoder.toHandle()) - enc0) / 100.0 / wall;
            List<List<Long>> perViewer = new ArrayList<>();
            for (String w : windows) {
                browser.switchTo(w);
                @SuppressWarnings("unchecked")
                List<Number> raw = (List<Number>) browser.eval("state.samples.slice()");
                List<Long> samples = new ArrayList<>();
                raw.forEach(n -> samples.add(n.longValue()));
                samples.sort(Long::compare);
                if (samples.isEmpty()) {
                    throw new IllegalStateException("a viewer read no clock frames in " + seconds + " s");
                }
                perViewer.add(samples);
            }
            String load1 = Files.readString(Path.of("/proc/loadavg")).trim();
            StringBuilder viewers = new StringBuilder();
            for (List<Long> samples : perViewer) {
                viewers.append(viewers.length() == 0 ? "" : ",").append(String.format(
                        "{\"frames\":%d,\"p50_ms\":%d,\"p95_ms\":%d,\"min_ms\":%d,\"max_ms\":%d}",
                        samples.size(), pct(samples, 50), pct(samples, 95), samples.get(0),
                        samples.get(samples.size() - 1)));
            }
            System.out.printf("{\"seconds\":%.1f,\"keyframeIntervalFrames\":%d,\"viewers\":[%s],"
                            + "\"server_jvm_cores\":%.3f,\"aac_to_opus_cores\":%.3f,\"encoder_cores\":%.3f,"
                            + "\"loadavg_before\":\"%s\",\"loadavg_after\":\"%s\"}%n", wall, gop, viewers,
                    jvmCores, opusCores, encCores, load0, load1);
        } finally {
            if (drawer != null) {
                drawer.interrupt();
            }
            if (encoder != null) {
                encoder.destroyForcibly();
            }
            browser.close();
            server.close();
            site.close();
        }
    }

    /** Draws the clock into raw gray frames at {@link #FPS}, paced by the wall clock, until interrupted. */
    private static void draw(OutputStream out) {
        byte[] frame = new byte[W * H];
        long start = System.nanoTime();
        try {
            for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
                long due = start + n * 1_000_000_000L / FPS;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                int t = (int) (System.currentTimeMillis() & 0xFFFF);
                java.util.Arrays.fill(frame, (byte) 0x80);
                for (int i = 0; i < 16; i++) {
                    boolean bit = ((t >> (15 - i)) & 1) != 0;
                    block(frame, i * 40, 100, bit ? (byte) 0xFF : 0);
                    block(frame, i * 40, 200, bit ? 0 : (byte) 0xFF);
                }
                out.write(frame);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            // the encoder went away: the bench is over
        }
    }

    private static void block(byte[] frame, int x, int y, byte value) {
        for (int row = y; row < y + 60; row++) {
            java.util.Arrays.fill(frame, row * W + x, row * W + x + 40, value);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** utime + stime of a process, in clock ticks (proc(5): fields 14 and 15, after the parenthesised name). */
    private static long cpuTicks(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
