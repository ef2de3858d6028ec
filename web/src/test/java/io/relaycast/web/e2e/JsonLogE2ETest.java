package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycast.signaling.testing.TestDatabases;
import io.relaycast.web.ApiClient;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * Issue 14 item 3: the real server ({@code io.relaycast.web.Main} in its own JVM, as {@code ./relaycast} runs it)
 * with {@code LOG_FORMAT=json}, through a whole broadcast: a dev token, a stream (its key), Chromium publishing over
 * WHIP with the key and watching over WHEP, REST calls with the token, a viewer join that mints a playback token,
 * the HLS URL with it, the end. Every line the process prints must be one JSON object with time, level, logger and
 * message; lines about the stream carry its {@code streamId}, request work a {@code requestId}; and no line holds the
 * stream key, the JWT or the playback token.
 */
public class JsonLogE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(60); // a busy machine also runs ffmpeg here
    private final ObjectMapper json = new ObjectMapper();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    public void everyLineIsJsonAndNoneHoldsASecret() throws Exception {
        int httpPort = freePort();
        String base = "http://127.0.0.1:" + httpPort;
        Path data = Files.createTempDirectory("relaycast-jsonlog");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (E2eSite site = E2eSite.start()) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Drelaycast.http.port=" + httpPort, "-Drelaycast.http.host=127.0.0.1",
                    "-Drelaycast.signaling.port=" + freePort(), "-Drelaycast.signaling.host=127.0.0.1",
                    "-Drelaycast.media.udp-port=0", "-Drelaycast.media.ice.bind-addresses.0=127.0.0.1",
                    "-Drelaycast.data-dir=" + data,
                    "-Drelaycast.database.url=" + TestDatabases.postgresUrl(),
                    "-Drelaycast.database.user=" + TestDatabases.postgresUser(),
                    "-Drelaycast.database.password=" + TestDatabases.postgresPassword(),
                    "-Drelaycast.auth.jwt-secret=test-secret-test-secret-test-secret-0123",
                    "-Drelaycast.hls.enabled=true", "-Drelaycast.recording.enabled=true", "-Drelaycast.rtmp.port=0",
                    "-Drelaycast.http.cors-allowed-origins.0=" + site.origin(),
                    "-Drelaycast.signaling.cors-allowed-origins.0=" + site.origin(),
                    "io.relaycast.web.Main"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("LOG_FORMAT", "json");
            pb.environment().remove("RELAYCAST_CONFIG");
            Process server = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            }, "server-output");
            reader.start();
            String key = null;
            String jwt = null;
            String playback = null;
            String streamId = null;
            try (Browser browser = Browser.start()) {
                waitReady(base, server, lines);
                ApiClient api = new ApiClient(base);
                String[] owner = api.devUser("json-log-owner");
                jwt = owner[0];
                JsonNode stream = api.post("/api/v1/streams", jwt, Map.of("title", "json logs", "recordingEnabled", true)).expect(201);
                streamId = stream.get("id").asText();
                key = stream.get("streamKey").asText();
                browser.openWindow(site.page("whip.html", "whip", base + "/whip/" + streamId, "key", key));
                browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
                browser.openWindow(site.page("whep.html", "whep", base + "/whep/" + streamId));
                browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
                api.post("/api/v1/streams/" + streamId + "/join", jwt, Map.of()).expect(201);
                // a followers-only stream's views carry a playback token: fetch its HLS URL with it
                JsonNode restricted = api.post("/api/v1/streams", jwt, Map.of("title", "private", "visibility", "followers")).expect(201);
                String hls = restricted.get("urls").get("hls").asText();
                assertTrue(hls.contains("?token="), hls);
                playback = hls.substring(hls.indexOf("?token=") + 7);
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hls)).build(), HttpResponse.BodyHandlers.discarding());
                api.get("/api/v1/streams/" + streamId + "/viewers", jwt).expect(200);
                api.post("/api/v1/streams/" + streamId + "/end", jwt, Map.of()).expect(200);
                Thread.sleep(3000); // the recording is joined, the HLS ladder stops
            } finally {
                server.destroy(); // SIGTERM: the shutdown hook logs too
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stopped");
                reader.join(5000);
            }
            assertFalse(lines.isEmpty());
            int withStream = 0;
            int withRequest = 0;
            List<String> aboutTheStreamWithout = new ArrayList<>();
            for (String line : lines) {
                JsonNode n;
                try {
                    n = json.readTree(line);
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
                assertTrue(n.isObject(), line);
                for (String field : List.of("time", "level", "logger", "message")) {
                    assertTrue(n.hasNonNull(field), "no " + field + " in " + line);
                }
                assertFalse(line.contains(key), "the stream key in " + line);
                assertFalse(line.contains(jwt), "the token in " + line);
                assertFalse(line.contains(playback), "the playback token in " + line);
                if (streamId.equals(n.path("streamId").asText())) {
                    withStream++;
                } else if (n.path("message").asText().contains(streamId) && !n.path("thread").asText().equals("sfu-timer")) {
                    aboutTheStreamWithout.add(n.path("thread").asText() + " " + n.path("logger").asText() + ": " + n.path("message").asText());
                }
                if (n.hasNonNull("requestId")) {
                    withRequest++;
                }
            }
            System.out.println("JSON logs: " + lines.size() + " lines, " + withStream + " with the streamId, "
                    + withRequest + " with a requestId");
            System.out.println("lines naming the stream without streamId in the MDC: " + aboutTheStreamWithout.size());
            aboutTheStreamWithout.forEach(l -> System.out.println("  " + l));
            assertTrue(withStream >= 2, "lines about the stream carry its streamId: " + lines);
            assertEquals(aboutTheStreamWithout, List.of(), "every line naming the stream has it in the MDC (the SFU's"
                    + " timer thread aside: decision 257)");
            assertTrue(withRequest >= 2, "request work carries a requestId: " + lines);
        }
    }

    private static void waitReady(String base, Process server, List<String> lines) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(server.isAlive(), "the server exited: " + lines);
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready in 90 s: " + lines);
    }
}
