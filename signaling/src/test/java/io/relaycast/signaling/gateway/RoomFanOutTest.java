package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import io.netty.buffer.ByteBufOutputStream;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * A room broadcast through {@link RoomFanOut} is JSON-encoded once however many WebSocket clients are in the room,
 * and every client still gets exactly the bytes netty-socketio would have sent. The JSON layer counts how often
 * each event is encoded; netty-socketio's own room broadcast, sent alongside as a control, shows the count the
 * property prevents (one encoding per recipient). Real netty-socketio server, real WebSocket and long-polling
 * Engine.IO v4 clients (the JDK's), on loopback.
 */
public class RoomFanOutTest {
    private static final int WEBSOCKET_CLIENTS = 60;
    private static final int POLLING_CLIENTS = 2;
    private static final String ROOM = "stream:fan-out-test";

    /** Counts encodings per event name: netty-socketio encodes an event as the list [name, args...]. */
    static final class CountingJsonSupport extends JacksonJsonSupport {
        final Map<String, AtomicInteger> encodings = new ConcurrentHashMap<>();

        @Override
        public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
            if (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String name) {
                encodings.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            }
            super.writeValue(out, value);
        }

        int count(String event) {
            AtomicInteger n = encodings.get(event);
            return n == null ? 0 : n.get();
        }
    }

    private final CountingJsonSupport json = new CountingJsonSupport();
    private SocketIOServer server;
    private RoomFanOut fanOut;
    private int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<WsClient> wsClients = new ArrayList<>();
    private final List<PollingClient> pollingClients = new ArrayList<>();

    @BeforeClass
    public void start() throws Exception {
        Configuration c = new Configuration();
        c.setHostname("127.0.0.1");
        c.setPort(0);
        c.setTransports(Transport.WEBSOCKET, Transport.POLLING);
        c.setMaxFramePayloadLength(1024 * 1024);
        c.setMaxHttpContentLength(1024 * 1024);
        c.setPingInterval(120_000); // no heartbeats needed during the test
        c.setPingTimeout(120_000);
        c.setWebsocketCompression(false);
        c.setJsonSupport(json);
        server = new SocketIOServer(c);
        WebSocketConnections connections = new WebSocketConnections();
        server.setPipelineFactory(new GatewayChannelInitializer(connections, 1024 * 1024));
        fanOut = new RoomFanOut(server, connections);
        server.addConnectListener(client -> client.joinRoom(ROOM));
        io.netty.util.concurrent.Future<Void> bind = server.startAsync().syncUninterruptibly();
        port = ((InetSocketAddress) ((io.netty.channel.ChannelFuture) bind).channel().localAddress()).getPort();
        fanOut.takeOverRemoteDispatch();

        for (int i = 0; i < WEBSOCKET_CLIENTS; i++) {
            wsClients.add(new WsClient(http, port));
        }
        for (int i = 0; i < POLLING_CLIENTS; i++) {
            pollingClients.add(new PollingClient());
        }
        for (WsClient w : wsClients) {
            w.connected.get(20, TimeUnit.SECONDS);
        }
        Namespace ns = (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(ns.getRoomClients(ROOM)) < WEBSOCKET_CLIENTS + POLLING_CLIENTS) {
            if (System.nanoTime() > deadline) {
                fail("only " + count(ns.getRoomClients(ROOM)) + " clients joined the room");
            }
            Thread.sleep(20);
        }
        assertEquals(connections.size(), WEBSOCKET_CLIENTS, "every WebSocket session is known to the fan-out");
    }

    private static int count(Iterable<?> it) {
        int n = 0;
        for (Object ignored : it) {
            n++;
        }
        return n;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        for (WsClient w : wsClients) {
            w.close();
        }
        for (PollingClient p : pollingClients) {
            p.stop = true;
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    public void aBroadcastIsEncodedOnceAndEveryClientGetsTheSameBytes() throws Exception {
        fanOut.sendEvent(ROOM, "fanout:once", Map.of("n", 1));
        String expected = "42[\"fanout:once\",{\"n\":1}]";
        for (WsClient w : wsClients) {
            assertEquals(w.await("fanout:once"), expected);
        }
        for (PollingClient p : pollingClients) {
            assertEquals(p.await("fanout:once"), expected, "long-polling clients keep netty-socketio's path");
        }
        // once for all WebSocket clients; the long-polling ones are framed per HTTP response by netty-socketio
        assertEquals(json.count("fanout:once"), 1 + POLLING_CLIENTS,
                "encodings of one broadcast to " + WEBSOCKET_CLIENTS + " WebSocket + " + POLLING_CLIENTS + " polling clients");

        // the control: netty-socketio's room broadcast encodes the same event once per recipient
        server.getRoomOperations(ROOM).sendEvent("fanout:library", Map.of("n", 2));
        for (WsClient w : wsClients) {
            assertEquals(w.await("fanout:library"), "42[\"fanout:library\",{\"n\":2}]");
        }
        for (PollingClient p : pollingClients) {
            p.await("fanout:library");
        }
        assertEquals(json.count("fanout:library"), WEBSOCKET_CLIENTS + POLLING_CLIENTS);
    }

    @Test
    public void framesOfEveryLengthClassArriveWhole() throws Exception {
        // RFC 6455 section 5.2: payloads under 126 octets, up to 65,535 (16-bit length), and above (64-bit length)
        for (int size : new int[] {10, 300, 70_000}) {
            String event = "fanout:size" + size;
            String text = "x".repeat(size);
            fanOut.sendEvent(ROOM, event, Map.of("text", text));
            String expected = "42[\"" + event + "\",{\"text\":\"" + text + "\"}]";
            for (WsClient w : wsClients) {
                assertEquals(w.await(event), expected);
            }
            for (PollingClient p : pollingClients) {
                assertEquals(p.await(event), expected); // netty-socketio encodes for a polling client when its GET comes
            }
            assertEquals(json.count(event), 1 + POLLING_CLIENTS);
        }
    }

    @Test
    public void successiveBroadcastsArriveInOrder() throws Exception {
        for (int i = 0; i < 50; i++) {
            fanOut.sendEvent(ROOM, "fanout:seq", Map.of("i", i));
        }
        for (WsClient w : wsClients) {
            for (int i = 0; i < 50; i++) {
                assertEquals(w.await("fanout:seq"), "42[\"fanout:seq\",{\"i\":" + i + "}]");
            }
        }
        for (PollingClient p : pollingClients) {
            for (int i = 0; i < 50; i++) {
                assertEquals(p.await("fanout:seq"), "42[\"fanout:seq\",{\"i\":" + i + "}]");
            }
        }
        assertEquals(json.count("fanout:seq"), 50 * (1 + POLLING_CLIENTS));
    }

    /**
     * Engine.IO v4 long-polling: GET opens, POST "40" connects, then GETs carry packets separated by 0x1e. One TCP
     * connection per request, with {@code Connection: close}: netty-socketio closes the connection after every
     * polling response whatever it says, and a pooling client (the JDK's) may send the next request down a
     * connection the server is closing.
     */
    private final class PollingClient {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        volatile boolean stop;
        private final String path;

        PollingClient() throws Exception {
            String open = request("GET", "/socket.io/?EIO=4&transport=polling", null);
            assertTrue(open.startsWith("0{"), open);
            String sid = open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
            path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
            assertEquals(request("POST", path, "40"), "ok");
            Thread t = new Thread(this::poll, "polling-client");
            t.setDaemon(true);
            t.start();
        }

        private String request(String method, String target, String body) throws IOException {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(150_000);
                byte[] content = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                        + (body == null ? "" : "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + content.length + "\r\n")
                        + "\r\n";
                socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().write(content);
                socket.getOutputStream().flush();
                String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                int split = response.indexOf("\r\n\r\n");
                assertTrue(response.startsWith("HTTP/1.1 200"), method + " " + target + ": " + response);
                return response.substring(split + 4);
            }
        }

        private void poll() {
            while (!stop) {
                try {
                    for (String packet : request("GET", path, null).split("\u001e")) {
                        if (packet.startsWith("42")) {
                            events.add(packet);
                        }
                    }
                } catch (Exception e) {
                    if (!stop) {
                        events.add("error: " + e);
                    }
                    return;
                }
            }
        }

        String await(String event) throws InterruptedException {
            String prefix = "42[\"" + event + "\"";
            while (true) {
                String f = events.poll(20, TimeUnit.SECONDS);
                assertNotNull(f, "no " + event + " within 20 s");
                if (f.startsWith(prefix)) {
                    return f;
                }
                assertTrue(f.startsWith("42"), f);
            }
        }
    }
}
