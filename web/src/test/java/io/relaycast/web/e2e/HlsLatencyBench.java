package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HLS glass-to-glass latency and the CPU of the ladder (bench/hls-latency/run.sh; not a test). Chromium publishes a
 * canvas whose every frame carries Date.now() as a barcode (clock-publisher.html); an hls.js player in the same
 * browser reads the barcode of each displayed frame back (clock-hls.html): latency = now - drawn, one clock. The
 * ladder's CPU is its ffmpeg's utime+stime from /proc over the measuring window. Arguments: [seconds=30]
 * [hls.js liveSyncDurationCount=3] [mode=ll|classic: hls.js lowLatencyMode on (parts, blocking reload) or off].
 * Prints one JSON line.
 */
public final class HlsLatencyBench {
    private HlsLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int sync = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String mode = args.length > 2 ? args[2] : "ll";
        E2eSite site = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        o.put("relaycast.hls.enabled", true);
        TestServer server = TestServer.start(o);
        Browser browser = Browser.start();
        try {
            String owner = server.api.devUser("bench")[0];
            JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "clock")).expect(201);
            String id = stream.get("id").asText();
            String publisher = browser.openWindow(site.page("clock-publisher.html", "whip", server.baseUrl() + "/whip/" + id,
                    "key", stream.get("streamKey").asText()));
            browser.waitFor("window.state && state.status === 'publishing'", Duration.ofSeconds(20));
            String master = server.baseUrl() + "/hls/" + id + "/master.m3u8";
            // hls.js gives up on a 404 master: open the player once the first rendition lists segments
            var http = java.net.http.HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(master.replace(
                        "master.m3u8", "r0/index.m3u8"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("#EXTINF")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no HLS after 60 s: " + server.server.hls().debugState());
                }
                Thread.sleep(250);
            }
            browser.openWindow(site.page("clock-hls.html", "src", master, "sync", Integer.toString(sync),
                    "lowLatency", Boolean.toString(mode.equals("ll")),
                    "hlsjs", server.baseUrl() + "/assets/vendor/hls.min.js"));
            browser.waitFor("window.state && state.samples && state.samples.length > 30", Duration.ofSeconds(60));
            ProcessHandle ffmpeg = server.server.hls().session(id).currentProcess();
            long pid = ffmpeg.pid();
            browser.eval("(state.samples.length = 0, state.stalls = 0)");
            long cpu0 = cpuTicks(pid);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu1 = cpuTicks(pid);
            double wall = (System.nanoTime() - t0) / 1e9;
            @SuppressWarnings("unchecked")
            List<Number> raw = (List<Number>) browser.eval("state.samples.slice()");
            List<Long> samples = new ArrayList<>();
            raw.forEach(n -> samples.add(n.longValue()));
            samples.sort(Long::compare);
            double cores = (cpu1 - cpu0) / 100.0 / wall; // USER_HZ is 100 on Linux
            System.out.printf("{\"seconds\":%.1f,\"renditions\":%s,\"frames\":%d,\"p50_ms\":%d,\"p95_ms\":%d,"
                            + "\"min_ms\":%d,\"max_ms\":%d,\"ladder_cpu_cores\":%.2f,\"hlsjs_sync_segments\":%d,"
                            + "\"mode\":\"%s\",\"stalls\":%s,\"hlsjs_target_latency_s\":%s,\"loadavg\":\"%s\"}%n",
                    wall, server.server.hls().session(id).debugState().get("renditions").toString()
                            .replace("[", "[\"").replace("]", "\"]").replace(", ", "\",\""),
                    samples.size(), pct(samples, 50), pct(samples, 95), samples.get(0), samples.get(samples.size() - 1),
                    cores, sync, mode, browser.eval("state.stalls"), browser.eval("hls.targetLatency"),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            browser.switchTo(publisher);
            browser.eval("unpublish()");
        } finally {
            browser.close();
            server.close();
            site.close();
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** utime + stime of a process, in clock ticks (proc(5): fields 14 and 15, after the parenthesised name). */
    private static long cpuTicks(long pid) throws Exception {
        Path file = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(file)) {
            throw new IllegalStateException("the ladder's ffmpeg (pid " + pid + ") ended during the measurement: "
                    + "it restarted (see the log above for why); run again");
        }
        String stat = Files.readString(file);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
