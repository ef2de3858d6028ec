package io.relaycast.web.e2e;

import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Join to first frame (bench/first-frame/run.sh; not a test): headless Chromium publishes its fake camera over
 * Socket.IO (publisher.html); then, one after the other, N viewers (viewer.html, each its own window and peer
 * connection) join over loopback. Per join: from emitting {@code stream:join} to the first frame the video element
 * presents ({@code requestVideoFrameCallback}), and to the first decoded frame in getStats (polled every 20 ms).
 * Arguments: [joins=10] [seconds between joins=2]. Prints one JSON line with every sample, p50, p90, max and the
 * machine's load average before and after.
 */
public final class FirstFrameBench {
    private FirstFrameBench() {
    }

    public static void main(String[] args) throws Exception {
        int joins = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long gapMillis = (long) ((args.length > 1 ? Double.parseDouble(args[1]) : 2.0) * 1000);
        String loadBefore = Files.readAllLines(Path.of("/proc/loadavg")).get(0).trim();
        E2eSite site = E2eSite.start();
        TestServer server = TestServer.start(site.corsOverrides());
        Browser browser = Browser.start();
        try {
            String owner = server.api.devUser("first-frame broadcaster")[0];
            String id = server.api.post("/api/v1/streams", owner, Map.of("title", "first frame")).expect(201)
                    .get("id").asText();
            browser.openWindow(site.page("publisher.html", "streamId", id, "socket", server.socketUrl(),
                    "token", owner));
            browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'",
                    Duration.ofSeconds(30));
            Thread.sleep(3000); // past the publisher's start-up: every join lands mid-stream, as in production
            List<Long> presented = new ArrayList<>();
            List<Long> decoded = new ArrayList<>();
            List<String> phases = new ArrayList<>();
            for (int i = 0; i < joins; i++) {
                String viewer = browser.openWindow(site.page("viewer.html", "streamId", id, "socket",
                        server.socketUrl(), "token", server.api.devUser("first-frame viewer " + i)[0]));
                browser.waitFor("window.state && state.firstVideoFrameMs !== undefined"
                        + " && state.firstFrameMs !== undefined", Duration.ofSeconds(30));
                presented.add(Math.round(((Number) browser.eval("state.firstVideoFrameMs")).doubleValue()));
                phases.add(phases((List<?>) browser.eval("state.log.slice()")));
                decoded.add(Math.round(((Number) browser.eval("state.firstFrameMs")).doubleValue()));
                browser.eval("leave()");
                browser.closeWindow(viewer);
                Thread.sleep(gapMillis);
            }
            String loadAfter = Files.readAllLines(Path.of("/proc/loadavg")).get(0).trim();
            List<Long> p = sorted(presented);
            List<Long> d = sorted(decoded);
            System.out.printf("{\"joins\":%d,\"presentedMs\":%s,\"decodedMs\":%s,\"presentedP50\":%d,"
                            + "\"presentedP90\":%d,\"presentedMax\":%d,\"decodedP50\":%d,\"decodedP90\":%d,"
                            + "\"cores\":%d,\"loadBefore\":\"%s\",\"loadAfter\":\"%s\",\"phases\":[%s]}%n",
                    joins, presented, decoded, pct(p, 50), pct(p, 90), p.get(p.size() - 1), pct(d, 50), pct(d, 90),
                    Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, String.join(",", phases));
        } finally {
            browser.close();
            server.close();
            site.close();
        }
    }

    /**
     * ms after "join" of each step the viewer page logs ("<ms> <what>" lines): offer received, answer
     * acknowledged, peer connection connected (ICE + DTLS), first video frame presented. As a JSON object.
     */
    private static String phases(List<?> log) {
        double join = Double.NaN;
        StringBuilder out = new StringBuilder("{");
        for (Object o : log) {
            String line = String.valueOf(o);
            int space = line.indexOf(' ');
            double at = Double.parseDouble(line.substring(0, space));
            String what = line.substring(space + 1);
            if (what.equals("join")) {
                join = at;
            } else if (!Double.isNaN(join) && (what.equals("offer") || what.equals("answered")
                    || what.equals("pc connected") || what.equals("first video frame"))) {
                out.append(out.length() > 1 ? "," : "").append('"').append(what).append("\":")
                        .append(Math.round(at - join));
            }
        }
        return out.append('}').toString();
    }

    private static List<Long> sorted(List<Long> in) {
        List<Long> out = new ArrayList<>(in);
        out.sort(Long::compare);
        return out;
    }

    /** Nearest-rank percentile. */
    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
