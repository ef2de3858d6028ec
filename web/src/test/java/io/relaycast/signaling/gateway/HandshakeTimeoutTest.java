package io.relaycast.signaling.gateway;

import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** Connections that never complete a handshake are closed; oversize frames close only their own connection. */
public class HandshakeTimeoutTest {
    private TestServer server;

    @BeforeClass
    public void start() {
        server = TestServer.start(Map.of("relaycast.signaling.handshake-timeout", "1s",
                "relaycast.signaling.max-frame-bytes", "64KiB", "relaycast.signaling.max-event-bytes", "8KiB"));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.close();
    }

    @Test
    public void silentTcpConnectionIsClosed() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.server.signalingPort())) {
            raw.setSoTimeout(10_000);
            long start = System.currentTimeMillis();
            int read = raw.getInputStream().read();
            long waited = System.currentTimeMillis() - start;
            assertEquals(read, -1, "the server closed the idle connection");
            assertTrue(waited >= 500 && waited < 9_000, "closed after about the handshake timeout: " + waited + " ms");
        }
    }

    @Test
    public void garbageHttpDoesNotHurtOthers() throws Exception {
        try (SocketClient good = SocketClient.connect(server.socketUrl(), null)) {
            try (Socket raw = new Socket("127.0.0.1", server.server.signalingPort())) {
                OutputStream out = raw.getOutputStream();
                out.write("\u0000\u0001garbage\r\n\r\nmore garbage".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                raw.setSoTimeout(5_000);
                InputStream in = raw.getInputStream();
                in.readAllBytes(); // whatever it answers, it ends the connection
            }
            String[] u = server.api.devUser("U");
            String id = server.api.post("/api/v1/streams", u[0], Map.of("title", "t")).expect(201).get("id").asText();
            assertEquals(good.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id)).getString("streamId"), id);
        }
    }

    @Test
    public void frameAboveTheTransportLimitClosesOnlyThatConnection() throws Exception {
        String[] u = server.api.devUser("Big");
        String id = server.api.post("/api/v1/streams", u[0], Map.of("title", "frames")).expect(201).get("id").asText();
        try (SocketClient offender = SocketClient.connect(server.socketUrl(), u[0]);
             SocketClient bystander = SocketClient.connect(server.socketUrl(), null)) {
            // above the event limit but within the frame limit: answered, connection kept
            String code = offender.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "x".repeat(20_000)))
                    .getJSONObject("error").getString("code");
            assertEquals(code, "PAYLOAD_TOO_LARGE");
            assertTrue(offender.isConnected());
            // above the frame limit: that connection is closed (WebSocket 1009), nobody else's
            offender.emit(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "x".repeat(200_000)));
            long end = System.currentTimeMillis() + 5_000;
            while (offender.isConnected() && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertTrue(!offender.isConnected(), "oversize frame closes the connection");
            assertEquals(bystander.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id)).getString("streamId"), id);
        }
    }
}
