package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.testing.TestDatabases;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Crash recovery with a real server process: Chromium publishes a recorded stream over WHIP while a second stream is
 * live without a publisher; the server's JVM and its ffmpeg children are killed with SIGKILL (kill -9: no shutdown
 * hook, no trailer written) 10 s into the broadcast, and the server is started again on the same database and data
 * folder. The interrupted recording's parts are joined and it becomes ready (ffprobe reads the VOD); the broadcaster
 * publishes again and gets HLS and a new recording; the stream whose publisher never comes back ends after the
 * grace period.
 */
public class CrashRecoveryE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A JVM start on a loaded 2-core machine (7 builds at once) has taken over 80 s. */
    private static final Duration START = Duration.ofSeconds(240);

    private E2eSite site;
    private Browser browser;
    private Path dataDir;
    private Path confFile;
    private int httpPort;
    private Process server;
    private final List<Path> logs = new ArrayList<>();
    private ApiClient api;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        browser = Browser.start();
        dataDir = Files.createTempDirectory("relaycast-crash");
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        String origin = site.origin();
        confFile = dataDir.resolve("test.conf");
        Files.writeString(confFile, String.join("\n",
                "relaycast {",
                "  data-dir = \"" + dataDir.resolve("data") + "\"",
                "  http { port = " + httpPort + ", host = \"127.0.0.1\", cors-allowed-origins = [\"" + origin + "\"] }",
                "  signaling { port = 0, host = \"127.0.0.1\", cors-allowed-origins = [\"" + origin + "\"], publisher-grace = 60s }",
                "  media { udp-port = 0, ice { bind-addresses = [\"127.0.0.1\"] } }",
                "  database { url = \"" + TestDatabases.postgresUrl() + "\", user = \"" + TestDatabases.postgresUser()
                        + "\", password = \"" + TestDatabases.postgresPassword() + "\" }",
                "  auth { jwt-secret = \"" + TestServer.SECRET + "\" }",
                "  hls { enabled = true, renditions = [\"240p\"] }",
                "}", ""), StandardCharsets.UTF_8);
        api = new ApiClient("http://127.0.0.1:" + httpPort);
    }

    @AfterClass(alwaysRun = true)
    public void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
            if (server != null && server.isAlive()) {
                server.destroy(); // SIGTERM: the shutdown hook finalises
                if (!server.waitFor(60, TimeUnit.SECONDS)) {
                    kill9(server);
                }
            }
        } finally {
            if (site != null) {
                site.close();
            }
        }
    }

    private Process launch(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dataDir.resolve(name + ".log");
        logs.add(log);
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.relaycast.web.Main").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("RELAYCAST_CONFIG", confFile.toString());
        return pb.start();
    }

    private String logTail() {
        StringBuilder b = new StringBuilder();
        for (Path p : logs) {
            try {
                List<String> lines = Files.readAllLines(p);
                b.append("--- ").append(p.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))).append('\n');
            } catch (IOException e) {
                b.append(p).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    private void awaitReady() throws Exception {
        waitUntil("the server answers /health/ready", START, () -> {
            try {
                return api.send("GET", "/health/ready", Map.of(), null).status() == 200;
            } catch (RuntimeException e) {
                return false; // not listening yet
            }
        });
    }

    private void waitUntil(String what, Supplier<Boolean> condition) throws Exception {
        waitUntil(what, WAIT, condition);
    }

    private void waitUntil(String what, Duration limit, Supplier<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not within " + limit.toSeconds() + " s: " + what + "\n" + logTail());
    }

    private static void kill9(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly(); // SIGKILL on Linux
        children.forEach(ProcessHandle::destroyForcibly); // the node's ffmpegs die with it, as in a container
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private String status(String id) {
        return api.get("/api/v1/streams/" + id, null).expect(200).get("status").asText();
    }

    private JsonNode recordings(String id) {
        return api.get("/api/v1/streams/" + id + "/recordings", null).expect(200).get("items");
    }

    private String publish(String streamId, String key) throws Exception {
        String w = browser.openWindow(site.page("whip.html", "whip", "http://127.0.0.1:" + httpPort + "/whip/" + streamId,
                "key", key));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", WAIT);
        return w;
    }

    private static double ffprobeSeconds(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(p.waitFor(), 0, "ffprobe " + file + ": " + out);
        return Double.parseDouble(out);
    }

    @Test
    public void aKilledServerRecoversItsRecordingsAndStreams() throws Exception {
        server = launch("first");
        awaitReady();
        String owner = api.devUser("crash-caster")[0];
        JsonNode recorded = api.post("/api/v1/streams", owner, Map.of("title", "recorded", "recordingEnabled", true)).expect(201);
        String a = recorded.get("id").asText();
        String abandoned = api.post("/api/v1/streams", owner, Map.of("title", "nobody comes back")).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + abandoned + "/start", owner, Map.of()).expect(200);

        String firstWindow = publish(a, recorded.get("streamKey").asText());
        waitUntil("the recording starts", () -> recordings(a).size() == 1
                && recordings(a).get(0).get("status").asText().equals("recording"));
        String interrupted = recordings(a).get(0).get("id").asText();
        Thread.sleep(10_000); // ten seconds of broadcast, then the crash
        kill9(server);
        browser.closeWindow(firstWindow);

        server = launch("second");
        awaitReady();
        // the broadcaster publishes again within the grace: HLS and a new recording
        publish(a, recorded.get("streamKey").asText());
        assertEquals(status(a), "live");

        // the interrupted recording: parts joined, ready, readable
        waitUntil("the interrupted recording is recovered", () -> {
            JsonNode r = api.get("/api/v1/recordings/" + interrupted, null).expect(200);
            return !r.get("status").asText().equals("recording");
        });
        JsonNode r = api.get("/api/v1/recordings/" + interrupted, null).expect(200);
        assertEquals(r.get("status").asText(), "ready", "recovered: " + r + "\n" + logTail());
        Path file = Files.list(dataDir.resolve("data").resolve("recordings").resolve(interrupted))
                .filter(p -> p.getFileName().toString().startsWith("recording.")).findFirst().orElseThrow();
        double seconds = ffprobeSeconds(file);
        System.out.printf("crash recovery: %.1f s of the ~10 s broadcast before kill -9 are in the VOD%n", seconds);
        assertTrue(seconds >= 5.0, "the VOD keeps what was recorded before the crash: " + seconds + " s");

        waitUntil("a new recording after the restart", () -> recordings(a).size() == 2
                && recordings(a).get(1).get("status").asText().equals("recording"));
        waitUntil("HLS after the restart", () -> api.send("GET", "/hls/" + a + "/master.m3u8", Map.of(), null).status() == 200);

        // the stream whose publisher never came back has ended after the grace; the republished one goes on
        waitUntil("the abandoned stream ends", () -> status(abandoned).equals("ended"));
        assertEquals(status(a), "live");
        assertEquals(((Number) browser.eval("unpublish()")).intValue(), 200);
        waitUntil("the second recording is finalised", () -> recordings(a).get(1).get("status").asText().equals("ready"));
    }
}
