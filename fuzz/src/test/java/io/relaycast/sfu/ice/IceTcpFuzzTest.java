package io.relaycast.sfu.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * ICE-TCP (RFC 6544) as a client reaches it: a real {@link IceTcpServer} on loopback, one TCP connection per input,
 * the bytes a client writes read through the server's RFC 4571 framing (16-bit length, then the packet). The
 * input may start with a valid, authenticating Binding request of a live session (so the fuzzer gets past
 * admission to the bound-connection path: STUN checks, consent, payload to the session), followed by arbitrary
 * bytes. Contract: the server answers only with whole RFC 4571 frames holding STUN it signed; it closes the
 * connection (or the client's end of input does) and gives its slot back; its selector thread survives every
 * input (a stuck or dead thread fails the next input's connect or the wait for the slot).
 */
class IceTcpFuzzTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final IceConfig CONFIG = new IceConfig(List.of(LOOPBACK), Duration.ofMillis(300), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 32);
    private static final String BROWSER_UFRAG = "brws";
    private static final String BROWSER_PASSWORD = "browserpassword0123456789";
    private static IceHarvesters udp;
    private static IceSessions sessions;
    private static IceTcpServer tcp;

    private static synchronized void startOnce() throws IOException {
        if (tcp == null) {
            udp = new IceHarvesters(new MediaConfig(0, ""), CONFIG);
            sessions = new IceSessions(udp);
            tcp = new IceTcpServer(List.of(LOOPBACK), 0, IceTcpLimits.defaults());
            tcp.start(sessions::get, CONFIG);
        }
    }

    @AfterAll
    static void stop() {
        if (tcp != null) {
            tcp.close();
            sessions.close();
            udp.close();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void stream(FuzzedDataProvider data) throws IOException, InterruptedException {
        startOnce();
        IceSession session = sessions.create(IceRole.CONTROLLED, new IceSessionListener() {
            @Override
            public void onConnected(IceSession s, SelectedPair pair) {
            }

            @Override
            public void onFailed(IceSession s, IceEndReason reason) {
            }

            @Override
            public void onClosed(IceSession s, IceEndReason reason) {
            }
        });
        try {
            assertTrue(session.setRemoteCredentials(BROWSER_UFRAG, BROWSER_PASSWORD));
            assertTrue(session.start());
            boolean authenticate = data.consumeBoolean();
            boolean nominate = data.consumeBoolean();
            byte[] rest = data.consumeRemainingAsBytes();
            try (Socket socket = new Socket()) {
                // the harness's own connection to the server under test, not an SSRF of the code under test
                try (var allowed = com.code_intelligence.jazzer.api.BugDetectors.allowNetworkConnections(
                        (host, port) -> port == tcp.port())) {
                    socket.connect(new InetSocketAddress(LOOPBACK, tcp.port()), 2000);
                }
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                if (authenticate) {
                    byte[] request = bindingRequest(session, nominate);
                    out.write(new byte[] {(byte) (request.length >> 8), (byte) request.length});
                    out.write(request);
                }
                try {
                    out.write(rest);
                    socket.shutdownOutput();
                } catch (IOException closedByServer) {
                    // the server may close before it has read everything (an oversized or unauthenticated frame)
                }
                readFramesUntilClosed(new DataInputStream(socket.getInputStream()), session);
            }
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (tcp.connectionCount() > 0) {
                if (System.nanoTime() > deadline) {
                    fail("the server kept " + tcp.connectionCount() + " connection(s) after the client left");
                }
                Thread.sleep(1);
            }
        } finally {
            session.close();
        }
    }

    /** Frames from the server: STUN only (it never sends payload we did not ask it to), each whole. */
    private static void readFramesUntilClosed(DataInputStream in, IceSession session) throws IOException {
        StunMessage m = new StunMessage();
        while (true) {
            int len;
            try {
                len = in.readUnsignedShort();
            } catch (EOFException | java.net.SocketException closed) {
                return;
            } catch (SocketTimeoutException stuck) {
                throw new AssertionError("the server neither answered nor closed within 5 s", stuck);
            }
            byte[] frame = new byte[len];
            try {
                in.readFully(frame);
            } catch (EOFException e) {
                throw new AssertionError("a frame cut short: RFC 4571 frames are whole", e);
            }
            assertTrue(m.reset(frame, 0, len), "the server frames STUN only");
            assertTrue(m.verifyFingerprint(), "with a FINGERPRINT");
            if (m.messageClass() == StunMessageClass.SUCCESS_RESPONSE) {
                assertTrue(io.relaycast.sfu.stun.StunMessageIntegrity.forPassword(session.localPassword()).verify(m),
                        "answers are signed with the session's password");
            } else {
                assertEquals(StunMessageClass.REQUEST, m.messageClass(), "our own consent checks");
            }
        }
    }

    private static byte[] bindingRequest(IceSession s, boolean useCandidate) {
        byte[] tx = new byte[12];
        Arrays.fill(tx, (byte) 7);
        byte[] user = (s.localUfrag() + ':' + BROWSER_UFRAG).getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[StunMessageWriter.requestLength(user.length)];
        int n = new StunMessageWriter(s.localPassword()).bindingRequest(m, 0, tx, user, 1853817087L, true, 42L, useCandidate);
        return Arrays.copyOf(m, n);
    }
}
