package io.relaycast.signaling.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * Issue 11, item 4: Debian's python3-socketio (another client implementation than the pinned JavaScript one)
 * over each transport, 40 connects each; every connect, every ack and every chat broadcast must arrive, and a
 * disconnect must not wait for a poll the server never ends. The WebSocket-only client sends
 * {@code Origin: http://127.0.0.1:<signaling port>} (python's websocket library does by default).
 */
public class PythonClientTransportsTest {
    private static final Path SCRIPT = Path.of("src/test/python/socketio_transports.py").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";
    private static final int ROUNDS = 40;
    private TestServer server;
    private String token;
    private String streamId;

    @BeforeClass
    public void start() throws Exception {
        Process check = new ProcessBuilder(PYTHON, "-c", "import socketio, websocket").redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            fail("python3-socketio / python3-websocket are not installed (run ./run-tests as root): " + out);
        }
        // 40 messages a round from one user: the chat rate limit is not what this test is about
        server = TestServer.start(Map.of("relaycast.chat.rate-limit.messages", 1000));
        ApiClient api = server.api;
        String[] user = api.devUser("Py");
        token = user[0];
        streamId = api.post("/api/v1/streams", token, Map.of("title", "Python")).expect(201).get("id").asText();
        api.post("/api/v1/streams/" + streamId + "/start", token, Map.of()).expect(200);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void defaultTransportUpgradesAndLosesNothing() throws Exception {
        JsonNode r = run("default", null);
        assertEquals(r.get("transports").get(0).asText(), "websocket", r.toString());
    }

    @Test
    public void webSocketOnlyWithItsOwnOriginIsAccepted() throws Exception {
        // what python's websocket library sends by itself; said explicitly so the test does not depend on it
        JsonNode r = run("websocket", server.socketUrl());
        assertEquals(r.get("transports").toString(), "[\"websocket\"]", r.toString());
    }

    @Test
    public void longPollingOnlyIsAsReliableAsWebSocket() throws Exception {
        JsonNode r = run("polling", null);
        assertEquals(r.get("transports").toString(), "[\"polling\"]", r.toString());
    }

    private JsonNode run(String transport, String origin) throws Exception {
        ProcessBuilder pb = origin == null
                ? new ProcessBuilder(PYTHON, SCRIPT.toString(), server.socketUrl(), token, streamId, transport, "" + ROUNDS)
                : new ProcessBuilder(PYTHON, SCRIPT.toString(), server.socketUrl(), token, streamId, transport, "" + ROUNDS, origin);
        Path err = Files.createTempFile("python-socketio", ".log");
        Path stdout = Files.createTempFile("python-socketio", ".json");
        Process p = pb.redirectError(err.toFile()).redirectOutput(stdout.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python client did not finish; stderr: " + Files.readString(err));
        }
        String out = Files.readString(stdout).trim();
        Files.deleteIfExists(stdout);
        assertEquals(p.exitValue(), 0, out + "\n" + Files.readString(err));
        JsonNode r = new ObjectMapper().readTree(out.lines().reduce((x, y) -> y).orElse("{}"));
        String all = transport + ": " + r;
        assertEquals(r.get("errors").size(), 0, all);
        assertEquals(r.get("connects").asInt(), ROUNDS, all);
        assertEquals(r.get("joinAcks").asInt(), ROUNDS, all);
        assertEquals(r.get("chatAcks").asInt(), ROUNDS, all);
        assertEquals(r.get("broadcasts").asInt(), ROUNDS, all);
        // the server ends a pending poll when the session closes: no waiting for the poll's own timeout
        assertTrue(r.get("maxDisconnectMillis").asInt() < 5_000, all);
        Files.deleteIfExists(err);
        return r;
    }
}
