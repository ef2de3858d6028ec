package io.relaycast.signaling.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/** The official JavaScript socket.io-client 4.x (run by node) against our netty-socketio gateway. */
public class JavaScriptClientInteropTest {
    private static final Path SCRIPT_DIR = Path.of("src/test/js").toAbsolutePath();
    private TestServer server;

    @BeforeClass
    public void start() {
        if (!Files.isDirectory(SCRIPT_DIR.resolve("node_modules/socket.io-client"))) {
            fail("socket.io-client is not installed: run ./run-tests (it runs npm ci in web/src/test/js)");
        }
        server = TestServer.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void handshakeAckAndRoomBroadcastWorkWithTheOfficialClient() throws Exception {
        ApiClient api = server.api;
        String[] a = api.devUser("Node A");
        String[] b = api.devUser("Node B");
        String streamId = api.post("/api/v1/streams", a[0], Map.of("title", "Interop")).expect(201).get("id").asText();
        Process p = new ProcessBuilder("node", "socketio-interop.mjs", server.socketUrl(), a[0], b[0], streamId)
                .directory(SCRIPT_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "node did not finish");
        assertEquals(p.exitValue(), 0, out);
        JsonNode r = new ObjectMapper().readTree(out.lines().reduce((x, y) -> y).orElse("{}"));
        assertTrue(r.get("ok").asBoolean(), out);
        assertEquals(r.get("transport").asText(), "websocket");
        assertEquals(r.get("joinAck").get("streamId").asText(), streamId);
        assertEquals(r.get("ack").get("message").asText(), "hello from node");
        assertEquals(r.get("broadcast").get("message").asText(), "hello from node");
        assertEquals(r.get("broadcast").get("displayName").asText(), "Node A");
        assertEquals(r.path("refused").path("code").asText(), "INVALID_TOKEN", out);
        assertTrue(new File(SCRIPT_DIR.toFile(), "package-lock.json").isFile(), "the client version is pinned");
    }
}
