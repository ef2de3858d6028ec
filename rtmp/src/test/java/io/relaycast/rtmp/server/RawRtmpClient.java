package io.relaycast.rtmp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.relaycast.rtmp.amf.Amf0;
import io.relaycast.rtmp.chunk.ChunkDecoder;
import io.relaycast.rtmp.chunk.ChunkEncoder;
import io.relaycast.rtmp.chunk.RtmpMessage;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A minimal RTMP client for refusal tests: it can do each step right, or stop and misbehave at any point. */
final class RawRtmpClient implements AutoCloseable {
    final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ChunkDecoder decoder = new ChunkDecoder(1 << 20, 1 << 20, 64);
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ByteBuf received = Unpooled.buffer();
    private final List<RtmpMessage> pending = new ArrayList<>();

    RawRtmpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    void handshake() throws IOException {
        byte[] c0c1 = new byte[1537];
        c0c1[0] = 3;
        send(c0c1);
        new DataInputStream(in).readFully(new byte[1 + 1536 * 2]);
        send(new byte[1536]);
    }

    void sendMessage(RtmpMessage m) throws IOException {
        ByteBuf b = Unpooled.buffer();
        encoder.write(b, 3, m);
        byte[] raw = new byte[b.readableBytes()];
        b.readBytes(raw);
        send(raw);
    }

    void command(int streamId, Object... values) throws IOException {
        sendMessage(new RtmpMessage(RtmpMessage.COMMAND_AMF0, streamId, 0, Amf0.write(values)));
    }

    /** Reads until a command message arrives whose name is one of {@code names}; its values. */
    List<Object> awaitCommand(String... names) throws Exception {
        while (true) {
            RtmpMessage m = next();
            if (m == null) {
                throw new IOException("the server closed the connection");
            }
            if (m.typeId() == RtmpMessage.COMMAND_AMF0) {
                List<Object> v = Amf0.readAll(m.payload());
                for (String n : names) {
                    if (n.equals(v.get(0))) {
                        return v;
                    }
                }
            }
        }
    }

    /** connect + createStream + publish; the onStatus info object the server answered the publish with. */
    @SuppressWarnings("unchecked")
    Map<String, Object> publish(String app, String key) throws Exception {
        handshake();
        command(0, "connect", 1.0, Map.of("app", app, "tcUrl", "rtmp://127.0.0.1/" + app), null);
        List<Object> r = awaitCommand("_result", "_error");
        if ("_error".equals(r.get(0))) {
            return (Map<String, Object>) r.get(3);
        }
        command(0, "releaseStream", 2.0, null, key);
        command(0, "FCPublish", 3.0, null, key);
        command(0, "createStream", 4.0, null);
        command(1, "publish", 5.0, null, key, "live");
        return (Map<String, Object>) awaitCommand("onStatus").get(3);
    }

    private RtmpMessage next() throws Exception {
        byte[] buf = new byte[8192];
        while (pending.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) {
                return null;
            }
            received.writeBytes(buf, 0, n);
            decoder.decode(received, pending);
            received.discardReadBytes();
        }
        return pending.remove(0);
    }

    /** True when the server closes the connection within the socket timeout (reads until end of stream). */
    boolean closedByServer() throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // drain whatever the server still sends
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
