package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.ice.IceTestSupport.DatagramCollector;
import io.relaycast.sfu.ice.IceTestSupport.RecordingListener;
import io.relaycast.sfu.sdp.IceCandidate;
import io.relaycast.sfu.stun.StunAttributeType;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageIntegrity;
import io.relaycast.sfu.stun.StunMessageWriter;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.relaycast.sfu.ice.IceTestSupport.CONFIG;
import static io.relaycast.sfu.ice.IceTestSupport.LOOPBACK;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/** ICE-TCP (RFC 6544) framing (RFC 4571), admission and STUN routing against a plain TCP client. */
public class IceTcpServerTest {
    private static final String BROWSER_UFRAG = "brws";
    private static final String BROWSER_PASSWORD = "browserpassword0123456789";
    private static final IceTcpLimits LIMITS = new IceTcpLimits(4, Duration.ofMillis(400), 1024, 8192,
            64 * 1024, Duration.ofMillis(100));

    private IceHarvesters udp;
    private IceSessions sessions;
    private IceTcpServer tcp;
    private final Random random = new Random(7);

    @BeforeMethod
    public void start() throws IOException {
        udp = IceTestSupport.loopbackHarvesters();
        sessions = new IceSessions(udp);
        tcp = new IceTcpServer(List.of(LOOPBACK), 0, LIMITS);
        tcp.start(sessions::get, CONFIG);
    }

    @AfterMethod(alwaysRun = true)
    public void stop() {
        tcp.close();
        sessions.close();
        udp.close();
    }

    @Test
    public void advertisesPassiveTcpCandidatesBelowEveryUdpOne() throws Exception {
        try (IceHarvesters withTcp = new IceHarvesters(new MediaConfig(0, "203.0.113.7"), CONFIG.withTcpPort(0));
             IceHarvesters on = new IceHarvesters(new MediaConfig(0, "203.0.113.7"), CONFIG.withTcpPort(freePort()));
             IceSessions off = new IceSessions(withTcp);
             IceSessions s = new IceSessions(on)) {
            assertTrue(off.create(IceRole.CONTROLLED, new RecordingListener()).localCandidates().stream()
                    .noneMatch(l -> l.contains(" tcp ")), "tcp-port 0: no TCP candidate");
            List<String> lines = s.create(IceRole.CONTROLLED, new RecordingListener()).localCandidates();
            long lowestUdp = Long.MAX_VALUE;
            long highestTcp = 0;
            for (String l : lines) {
                IceCandidate c = IceCandidate.parseLine(l);
                if (c.transport().equals("udp")) {
                    lowestUdp = Math.min(lowestUdp, c.priority());
                } else {
                    assertEquals(c.transport(), "tcp");
                    assertEquals(c.extension("tcptype").orElse(null), "passive");
                    assertEquals(c.port(), on.tcp().port());
                    highestTcp = Math.max(highestTcp, c.priority());
                }
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains(" tcp ") && l.contains("127.0.0.1") && l.contains("typ host")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" tcp ") && l.contains("203.0.113.7 " + on.tcp().port() + " typ srflx raddr 127.0.0.1")), lines.toString());
            assertTrue(highestTcp > 0 && highestTcp < lowestUdp, "UDP first: " + lines);
        }
    }

    @Test
    public void refusesAPortThatIsTaken() throws Exception {
        try (IceTcpServer first = new IceTcpServer(List.of(LOOPBACK), 0, LIMITS)) {
            try (IceTcpServer second = new IceTcpServer(List.of(LOOPBACK), first.port(), LIMITS)) {
                fail("bound twice");
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("ICE-TCP"), expected.getMessage());
            }
        }
    }

    @Test
    public void garbageIsClosedAndDisturbsNobody() throws Exception {
        IceSession s = checking(IceRole.CONTROLLED);
        try (Client good = new Client(); Client bad = new Client()) {
            good.check(s, false);
            assertNotNull(good.readStun(), "the good connection is answered");
            byte[] junk = new byte[300];
            random.nextBytes(junk);
            bad.out.writeShort(junk.length);
            bad.out.write(junk);
            bad.assertClosed();
            good.check(s, false);
            assertNotNull(good.readStun(), "still answered after the garbage");
            assertEquals(s.state(), IceSessionState.CHECKING);
        }
        await(() -> (long) tcp.debugState().get("authFailed") == 1, "counted");
    }

    @Test
    public void closesOnUnknownUfragBadIntegrityOrBadFingerprint() throws Exception {
        IceSession s = checking(IceRole.CONTROLLED);
        try (Client c = new Client()) {
            c.sendFrame(c.request("nobody:" + BROWSER_UFRAG, s.localPassword(), false));
            c.assertClosed();
        }
        try (Client c = new Client()) {
            c.sendFrame(c.request(s.localUfrag() + ':' + BROWSER_UFRAG, "notthepasswordnotthepassword", false));
            c.assertClosed();
        }
        try (Client c = new Client()) {
            byte[] m = c.request(s.localUfrag() + ':' + BROWSER_UFRAG, s.localPassword(), false);
            m[m.length - 1] ^= 1; // FINGERPRINT
            c.sendFrame(m);
            c.assertClosed();
        }
        try (Client c = new Client()) {
            // a success response is no check
            byte[] m = c.request(s.localUfrag() + ':' + BROWSER_UFRAG, s.localPassword(), false);
            m[0] = 0x01; // 0x0101
            c.sendFrame(m);
            c.assertClosed();
        }
        await(() -> (long) tcp.debugState().get("authFailed") == 4, "four refusals");
        assertEquals(s.state(), IceSessionState.CHECKING);
    }

    @Test
    public void closesAnOversizedFrameBeforeItArrives() throws Exception {
        try (Client c = new Client()) {
            c.out.writeShort(LIMITS.maxFirstFrame() + 1);
            c.out.flush();
            c.assertClosed();
        }
        await(() -> (long) tcp.debugState().get("oversizedFrames") == 1, "counted");
    }

    @Test
    public void closesOversizedFramesOnABoundConnectionToo() throws Exception {
        IceSession s = checking(IceRole.CONTROLLED);
        try (Client c = new Client()) {
            c.check(s, false);
            assertNotNull(c.readStun());
            c.out.writeShort(LIMITS.maxFrame() + 1);
            c.out.flush();
            c.assertClosed();
        }
    }

    @Test
    public void slowlorisIsClosedAfterTheAuthTimeout() throws Exception {
        try (Client c = new Client()) {
            long start = System.nanoTime();
            c.out.write(0); // half a length
            c.out.flush();
            c.assertClosed();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= LIMITS.authTimeout().toMillis() - 50 && ms < 3000, ms + " ms");
        }
        await(() -> (long) tcp.debugState().get("authTimedOut") == 1, "counted");
    }

    @Test
    public void boundsTheNumberOfConnections() throws Exception {
        Client[] open = new Client[LIMITS.maxConnections()];
        try {
            for (int i = 0; i < open.length; i++) {
                open[i] = new Client();
            }
            await(() -> tcp.connectionCount() == LIMITS.maxConnections(), "all accepted");
            try (Client extra = new Client()) {
                extra.assertClosed();
            }
            await(() -> (long) tcp.debugState().get("refused") == 1, "refused");
        } finally {
            for (Client c : open) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** Issue 11: one source address, and one session, hold a bounded share of the port's connections. */
    @Test
    public void boundsConnectionsPerAddressAndPerSession() throws Exception {
        tcp.close();
        tcp = new IceTcpServer(List.of(LOOPBACK), 0, new IceTcpLimits(16, Duration.ofSeconds(5), 1024, 8192,
                64 * 1024, Duration.ofMillis(100), 3, 1));
        tcp.start(sessions::get, CONFIG);
        IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
        assertTrue(s.setRemoteCredentials(BROWSER_UFRAG, BROWSER_PASSWORD));
        assertTrue(s.start());
        try (Client first = new Client(); Client second = new Client()) {
            first.check(s, false);
            assertEquals(first.readStun().messageClass(), StunMessageClass.SUCCESS_RESPONSE, "the session's first path");
            second.check(s, false);
            second.assertClosed(); // a second authenticated connection of the same session
            await(() -> tcp.connectionCount() == 1, "the second one closed");
            try (Client a = new Client(); Client b = new Client()) {
                await(() -> tcp.connectionCount() == 3, "3 from 127.0.0.1");
                try (Client extra = new Client()) {
                    extra.assertClosed(); // the 4th from the same address
                }
                assertEquals(tcp.connectionCount(), 3);
            }
            await(() -> tcp.connectionCount() == 1, "closed ones give their slots back");
            try (Client again = new Client()) {
                await(() -> tcp.connectionCount() == 2, "accepted again");
            }
        }
    }

    @Test
    public void controlledSessionFollowsTheBrowsersNominationAndCarriesMedia() throws Exception {
        RecordingListener events = new RecordingListener();
        IceSession s = sessions.create(IceRole.CONTROLLED, events);
        DatagramCollector received = new DatagramCollector();
        s.setDatagramHandler(received);
        assertTrue(s.setRemoteCredentials(BROWSER_UFRAG, BROWSER_PASSWORD));
        assertTrue(s.start());
        try (Client c = new Client()) {
            byte[] request = c.check(s, false);
            StunMessage response = c.readStun();
            assertEquals(response.messageClass(), StunMessageClass.SUCCESS_RESPONSE);
            assertTrue(Arrays.equals(response.buffer(), 8, 20, request, 8, 20), "same transaction");
            assertTrue(StunMessageIntegrity.forPassword(s.localPassword()).verify(response));
            assertTrue(response.verifyFingerprint());
            int xma = response.findAttribute(StunAttributeType.XOR_MAPPED_ADDRESS);
            int port = (((response.buffer()[xma + 2] & 0xFF) << 8) | (response.buffer()[xma + 3] & 0xFF)) ^ 0x2112;
            assertEquals(port, c.socket.getLocalPort(), "XOR-MAPPED-ADDRESS is our source");
            assertEquals(s.state(), IceSessionState.CHECKING, "not nominated yet");

            c.check(s, true); // USE-CANDIDATE
            SelectedPair pair = events.connected.get(2, TimeUnit.SECONDS);
            assertEquals(pair.remote().getPort(), c.socket.getLocalPort());
            assertEquals(pair.localType(), "host/tcp");
            assertEquals(s.state(), IceSessionState.CONNECTED);

            byte[] rtp = IceTestSupport.payload(0x80, 1, 1200);
            c.sendFrame(rtp);
            assertTrue(Arrays.equals(received.received.poll(2, TimeUnit.SECONDS), rtp), "payload pushed up");
            byte[] back = IceTestSupport.payload(0x80, 2, 1000);
            assertEquals(s.send(back, 0, back.length), SendStatus.SENT);
            byte[] frame = c.readNonStun();
            assertTrue(Arrays.equals(frame, back), "payload framed down");

            // consent: our own checks over the connection, signed with the browser's password
            StunMessage ours = c.readStunRequest();
            assertTrue(StunMessageIntegrity.forPassword(BROWSER_PASSWORD).verify(ours));
            assertTrue(ours.findAttribute(StunAttributeType.ICE_CONTROLLED) >= 0);
        }
        assertEquals(events.closed.get(2, TimeUnit.SECONDS), IceEndReason.CONSENT_EXPIRED,
                "a closed connection ends the session");
        assertEquals(s.send(new byte[] {(byte) 0x80}, 0, 1), SendStatus.NOT_CONNECTED);
    }

    @Test
    public void controllingSessionNominatesWithItsOwnCheck() throws Exception {
        RecordingListener events = new RecordingListener();
        IceSession s = checking(IceRole.CONTROLLING, events);
        try (Client c = new Client()) {
            c.check(s, false);
            assertEquals(c.readStun().messageClass(), StunMessageClass.SUCCESS_RESPONSE);
            long start = System.nanoTime();
            StunMessage nomination = c.readStunRequest();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= LIMITS.nominationDelay().toMillis() - 60, "UDP had its chance first: " + ms + " ms");
            assertTrue(nomination.findAttribute(StunAttributeType.USE_CANDIDATE) >= 0);
            assertTrue(nomination.findAttribute(StunAttributeType.ICE_CONTROLLING) >= 0);
            assertTrue(StunMessageIntegrity.forPassword(BROWSER_PASSWORD).verify(nomination));
            int u = nomination.usernameOffset();
            assertEquals(new String(nomination.buffer(), u, nomination.usernameLength(), StandardCharsets.US_ASCII),
                    BROWSER_UFRAG + ':' + s.localUfrag());
            assertFalse(events.connected.isDone(), "selected only on the browser's answer");
            byte[] answer = new byte[128];
            int n = new StunMessageWriter(BROWSER_PASSWORD).bindingSuccess(answer, 0, nomination.buffer(),
                    nomination.offset(), new byte[] {127, 0, 0, 1}, tcp.port());
            c.sendFrame(Arrays.copyOf(answer, n));
            assertEquals(events.connected.get(2, TimeUnit.SECONDS).localType(), "host/tcp");
        }
    }

    // ------------------------------------------------------------------------------------------------ support

    private IceSession checking(IceRole role) throws IOException {
        return checking(role, new RecordingListener());
    }

    private IceSession checking(IceRole role, RecordingListener events) throws IOException {
        IceSession s = sessions.create(role, events);
        assertTrue(s.setRemoteCredentials(BROWSER_UFRAG, BROWSER_PASSWORD));
        assertTrue(s.start());
        return s;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A browser's active TCP end (RFC 6544), speaking RFC 4571 frames. */
    private final class Client implements AutoCloseable {
        final Socket socket;
        final DataOutputStream out;
        final DataInputStream in;

        Client() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(LOOPBACK, tcp.port()), 2000);
            socket.setSoTimeout(3000);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        }

        byte[] request(String username, String password, boolean useCandidate) {
            byte[] tx = new byte[12];
            random.nextBytes(tx);
            byte[] user = username.getBytes(StandardCharsets.US_ASCII);
            byte[] m = new byte[StunMessageWriter.requestLength(user.length)];
            int n = new StunMessageWriter(password).bindingRequest(m, 0, tx, user, 1853817087L, true,
                    random.nextLong(), useCandidate);
            return Arrays.copyOf(m, n);
        }

        /** A check as the browser sends it: USERNAME ours:its, signed with our password. */
        byte[] check(IceSession s, boolean useCandidate) throws IOException {
            byte[] m = request(s.localUfrag() + ':' + BROWSER_UFRAG, s.localPassword(), useCandidate);
            sendFrame(m);
            return m;
        }

        void sendFrame(byte[] b) throws IOException {
            out.writeShort(b.length);
            out.write(b);
            out.flush();
        }

        byte[] readFrame() throws IOException {
            int len = in.readUnsignedShort();
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }

        StunMessage readStun() throws IOException {
            byte[] b = readFrame();
            StunMessage m = new StunMessage();
            assertTrue(m.reset(b, 0, b.length), "a STUN frame");
            return m;
        }

        StunMessage readStunRequest() throws IOException {
            while (true) {
                byte[] b = readFrame();
                StunMessage m = new StunMessage();
                if (m.reset(b, 0, b.length) && m.messageClass() == StunMessageClass.REQUEST) {
                    return m;
                }
            }
        }

        byte[] readNonStun() throws IOException {
            while (true) {
                byte[] b = readFrame();
                if (b.length > 0 && (b[0] & 0xFF) > 3) {
                    return b;
                }
            }
        }

        /** The server closed the connection without a word. */
        void assertClosed() throws IOException {
            try {
                int b = in.read();
                assertEquals(b, -1, "closed, not answered");
            } catch (SocketTimeoutException e) {
                fail("still open");
            } catch (IOException e) {
                assertNull(null); // reset by the server: closed too
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
