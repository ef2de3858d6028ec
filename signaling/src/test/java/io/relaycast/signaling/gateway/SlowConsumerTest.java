package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import io.netty.channel.ChannelFuture;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * A WebSocket client that stops reading is closed once the server holds {@code max-outbound-bytes} unsent for it,
 * and the clients that do read get every broadcast, in order, meanwhile. Without the bound the server would keep
 * every broadcast for the stalled client in its heap for as long as the TCP connection stays open (heartbeats
 * cannot end it: the client's pongs keep coming if only its reading has stalled, as with a frozen tab).
 * Real netty-socketio server; the readers are the JDK's WebSocket client; the stalled client is a raw socket with a
 * small receive buffer that completes the Engine.IO handshake and then never reads again.
 */
public class SlowConsumerTest {
    private static final String ROOM = "stream:slow-consumer-test";
    private static final int MAX_OUTBOUND = 64 * 1024;

    private SocketIOServer server;
    private RoomFanOut fanOut;
    private WebSocketConnections connections;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WsClient> readers = new ArrayList<>();
    private Socket stalled;

    @BeforeClass
    public void start() throws Exception {
        Configuration c = new Configuration();
        c.setHostname("127.0.0.1");
        c.setPort(0);
        c.setTransports(Transport.WEBSOCKET);
        c.setPingInterval(120_000);
        c.setPingTimeout(120_000);
        c.setWebsocketCompression(false);
        SocketConfig sc = new SocketConfig();
        sc.setTcpSendBufferSize(16 * 1024); // keeps the kernel's share small, so the bound is reached quickly
        c.setSocketConfig(sc);
        server = new SocketIOServer(c);
        connections = new WebSocketConnections();
        server.setPipelineFactory(new GatewayChannelInitializer(connections, MAX_OUTBOUND));
        fanOut = new RoomFanOut(server, connections);
        server.addConnectListener(client -> client.joinRoom(ROOM));
        io.netty.util.concurrent.Future<Void> bind = server.startAsync().syncUninterruptibly();
        port = ((InetSocketAddress) ((ChannelFuture) bind).channel().localAddress()).getPort();
        for (int i = 0; i < 3; i++) {
            WsClient w = new WsClient(http, port);
            w.connected.get(20, TimeUnit.SECONDS);
            readers.add(w);
        }
        stalled = stalledClient();
        awaitRoomSize(4);
    }

    @AfterClass(alwaysRun = true)
    public void stop() throws Exception {
        readers.forEach(WsClient::close);
        if (stalled != null) {
            stalled.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    public void aClientThatStopsReadingIsClosedAndTheOthersGetEverything() throws Exception {
        String text = "y".repeat(2 * 1024);
        int messages = 250; // 500 KiB per client: far above the 64 KiB bound plus what the kernel holds (~40 KiB)
        for (int i = 0; i < messages; i++) {
            fanOut.sendEvent(ROOM, "slow:msg", Map.of("i", i, "text", text));
            if (i % 5 == 4) {
                Thread.sleep(10); // chat arrives over time: a reader keeps up, the stalled client cannot
            }
        }
        for (WsClient w : readers) {
            for (int i = 0; i < messages; i++) {
                String f = w.await("slow:msg");
                assertTrue(f.contains("\"i\":" + i + ",") || f.contains("\"i\":" + i + "}"),
                        "message " + i + " in order: " + f.substring(0, Math.min(60, f.length())));
            }
        }
        assertEquals(fanOut.slowConsumersClosed(), 1L, "exactly the stalled client was closed");
        awaitRoomSize(3);
        // the stalled socket, read now, ends: the server closed it (EOF or reset after what the kernel held)
        stalled.setSoTimeout(20_000);
        InputStream in = stalled.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                read += n;
            }
        } catch (java.net.SocketException reset) {
            // a reset is also the server closing it
        }
        assertTrue(read < messages * (long) text.length(), "the stalled client was cut off, not sent everything: " + read);
    }

    private void awaitRoomSize(int n) throws InterruptedException {
        Namespace ns = (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int size;
        while ((size = count(ns.getRoomClients(ROOM))) != n) {
            if (System.nanoTime() > deadline) {
                fail("room has " + size + " clients, expected " + n);
            }
            Thread.sleep(20);
        }
    }

    private static int count(Iterable<?> it) {
        int n = 0;
        for (Object ignored : it) {
            n++;
        }
        return n;
    }

    /**
     * RFC 6455 section 4.1 opening handshake, then Socket.IO's connect ("40") as one masked text frame (section
     * 5.3: a client masks every frame), reading only up to the server's "40{sid}" answer.
     */
    private Socket stalledClient() throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connect: fixes the window small (no autotuning)
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        boolean sentConnect = false;
        while (!seen.toString().contains("40{")) {
            int b = in.read();
            if (b < 0) {
                fail("server closed the raw client during the handshake: " + seen);
            }
            seen.append((char) b);
            if (!sentConnect && seen.toString().contains("0{") && seen.toString().endsWith("}")) {
                byte[] payload = "40".getBytes(StandardCharsets.US_ASCII);
                byte[] mask = {1, 2, 3, 4};
                out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), mask[0], mask[1], mask[2], mask[3],
                        (byte) (payload[0] ^ mask[0]), (byte) (payload[1] ^ mask[1])});
                out.flush();
                sentConnect = true;
            }
        }
        return s; // from here on nobody reads it
    }
}
