package io.relaycast.sfu.ice;

import io.relaycast.sfu.ice.IceTestSupport.DatagramCollector;
import io.relaycast.sfu.ice.IceTestSupport.RecordingListener;
import io.relaycast.sfu.sdp.IceCandidate;
import org.ice4j.ice.IceProcessingState;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.relaycast.sfu.ice.IceTestSupport.CONFIG;
import static io.relaycast.sfu.ice.IceTestSupport.CONNECT_WAIT_MS;
import static io.relaycast.sfu.ice.IceTestSupport.LOOPBACK;
import static io.relaycast.sfu.ice.IceTestSupport.bindingRequest;
import static io.relaycast.sfu.ice.IceTestSupport.connect;
import static io.relaycast.sfu.ice.IceTestSupport.payload;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/** Sessions on the SFU's shared port, on 127.0.0.1, against a {@link LoopbackBrowser}. */
public class IceSessionTest {
    private IceHarvesters sfuPort;
    private IceSessions sessions;
    private final List<LoopbackBrowser> browsers = new ArrayList<>();

    @BeforeClass
    public void bindSfuPort() throws Exception {
        sfuPort = IceTestSupport.loopbackHarvesters();
        sessions = new IceSessions(sfuPort);
    }

    @AfterClass(alwaysRun = true)
    public void closeSfuPort() {
        sessions.close();
        sfuPort.close();
    }

    @AfterMethod(alwaysRun = true)
    public void closeBrowsers() {
        browsers.forEach(LoopbackBrowser::close);
        browsers.clear();
        for (String ufrag : sessions.debugState().keySet()) {
            sessions.free(ufrag);
        }
    }

    private LoopbackBrowser browser(IceRole role) throws Exception {
        LoopbackBrowser b = new LoopbackBrowser(role);
        browsers.add(b);
        return b;
    }

    @DataProvider
    public Object[][] roles() {
        // publisher: the browser offers, we answer controlled; viewer: we offer, controlling (RFC 8445 §6.1.1)
        return new Object[][] {{IceRole.CONTROLLED}, {IceRole.CONTROLLING}};
    }

    @Test(dataProvider = "roles")
    public void connectsThroughTheSharedPortAndPushesDatagramsBothWays(IceRole ourRole) throws Exception {
        RecordingListener events = new RecordingListener();
        IceSession server = sessions.create(ourRole, events);
        LoopbackBrowser browser = browser(ourRole == IceRole.CONTROLLED ? IceRole.CONTROLLING : IceRole.CONTROLLED);
        DatagramCollector atServer = new DatagramCollector();
        server.setDatagramHandler(atServer);

        assertEquals(server.send(new byte[] {(byte) 0x16}, 0, 1), SendStatus.NOT_CONNECTED);
        SelectedPair pair = connect(server, events, browser);

        assertEquals(pair.local().getPort(), sfuPort.port());
        assertEquals(pair.local().getAddress(), LOOPBACK);
        assertEquals(pair.remote().getPort(), browser.port());
        assertEquals(pair.remote().getAddress(), LOOPBACK);
        assertEquals(server.state(), IceSessionState.CONNECTED);
        assertEquals(server.selectedPair(), pair);

        int count = 20;
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            int len = 2 + i * 60;
            bytes += len;
            // 0x80: RTP/SRTP, 0x16: a DTLS handshake record (RFC 7983), so neither side takes them for STUN
            browser.send(payload(0x80, i, len));
            byte[] down = payload(0x16, i, len);
            // at an offset in a bigger buffer, as the SRTP layer will pass it
            byte[] framed = new byte[len + 8];
            System.arraycopy(down, 0, framed, 4, len);
            assertEquals(server.send(framed, 4, len), SendStatus.SENT);
        }
        assertArrivedIntact(atServer::next, 0x80, count);
        assertArrivedIntact(browser::next, 0x16, count);

        Map<String, Object> debug = sessions.debugState().get(server.localUfrag());
        assertEquals(debug.get("state"), "CONNECTED");
        assertEquals(debug.get("role"), ourRole.name());
        assertEquals(debug.get("selectedPair"), pair.toString());
        assertEquals(debug.get("packetsIn"), (long) count);
        assertEquals(debug.get("bytesIn"), bytes);
        assertEquals(debug.get("packetsOut"), (long) count);
        assertEquals(debug.get("bytesOut"), bytes);
        assertEquals(debug.get("packetsDroppedIn"), 0L);
    }

    private interface Source {
        byte[] next(long timeoutMs) throws InterruptedException;
    }

    private static void assertArrivedIntact(Source source, int first, int count) throws Exception {
        byte[][] got = new byte[count][];
        for (int n = 0; n < count; n++) {
            byte[] d = source.next(CONNECT_WAIT_MS);
            assertNotNull(d, "datagram " + n + " of " + count + " missing");
            assertEquals(d[0] & 0xFF, first);
            int seq = d[1];
            assertTrue(seq >= 0 && seq < count && got[seq] == null, "unexpected datagram " + seq);
            got[seq] = d;
        }
        for (int i = 0; i < count; i++) {
            assertEquals(got[i], payload(first, i, 2 + i * 60), "datagram " + i);
        }
        assertNull(source.next(100), "more datagrams than sent");
    }

    @Test
    public void connectsWithCandidatesTrickledAfterStart() throws Exception {
        RecordingListener events = new RecordingListener();
        IceSession server = sessions.create(IceRole.CONTROLLED, events);
        LoopbackBrowser browser = browser(IceRole.CONTROLLING);
        DatagramCollector atServer = new DatagramCollector();
        server.setDatagramHandler(atServer);

        assertTrue(server.setRemoteCredentials(browser.ufrag(), browser.password()));
        browser.setRemoteCredentials(server.localUfrag(), server.localPassword());
        assertTrue(server.start());
        assertFalse(server.start(), "second start");
        browser.start();
        // neither side has a candidate of the other yet: no check can go out
        Thread.sleep(400);
        assertEquals(server.state(), IceSessionState.CHECKING);
        assertEquals(browser.state(), IceProcessingState.RUNNING);

        // RFC 8838: candidates arrive one by one after the checks started, then end-of-candidates
        assertEquals(server.addRemoteCandidate("a=" + browser.candidateLine()), CandidateStatus.ACCEPTED);
        assertEquals(server.addRemoteCandidate("a=end-of-candidates"), CandidateStatus.END_OF_CANDIDATES);
        server.localCandidates().forEach(browser::addRemoteCandidate);

        SelectedPair pair = events.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        browser.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals(pair.remote().getPort(), browser.port());
        byte[] up = payload(0x80, 1, 100);
        browser.send(up);
        assertEquals(atServer.next(CONNECT_WAIT_MS), up);
        byte[] down = payload(0x17, 2, 100);
        assertEquals(server.send(down, 0, down.length), SendStatus.SENT);
        assertEquals(browser.next(CONNECT_WAIT_MS), down);
        assertEquals(server.debugState().get("endOfRemoteCandidates"), true);
    }

    @Test
    public void ignoresForeignStunAndGarbageAndKeepsExchangingData() throws Exception {
        RecordingListener events = new RecordingListener();
        IceSession server = sessions.create(IceRole.CONTROLLED, events);
        LoopbackBrowser browser = browser(IceRole.CONTROLLING);
        DatagramCollector atServer = new DatagramCollector();
        server.setDatagramHandler(atServer);
        connect(server, events, browser);

        InetSocketAddress sfu = new InetSocketAddress(LOOPBACK, sfuPort.port());
        Random random = new Random(7983);
        byte[] response = new byte[1500];
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket noisy = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            stranger.setSoTimeout(400);

            // a ufrag no session has: dropped on the read thread, never answered
            byte[] foreign = bindingRequest("nobodyhere:" + browser.ufrag(), random);
            stranger.send(new DatagramPacket(foreign, foreign.length, sfu));
            DatagramPacket in = new DatagramPacket(response, response.length);
            try {
                stranger.receive(in);
                fail("a Binding request with an unknown ufrag was answered");
            } catch (SocketTimeoutException expected) {
                // nothing came back
            }

            // our real ufrag but no MESSAGE-INTEGRITY: an error response, not a success that would make the
            // stranger a peer-reflexive candidate (RFC 8445 §7.3, RFC 5389 §10.1.2)
            byte[] unsigned = bindingRequest(server.localUfrag() + ":" + browser.ufrag(), random);
            stranger.send(new DatagramPacket(unsigned, unsigned.length, sfu));
            stranger.receive(in);
            int type = ((response[0] & 0xFF) << 8) | (response[1] & 0xFF);
            assertEquals(type, 0x0111, "expected a Binding error response");
            assertEquals(IceTestSupport.errorCode(response, in.getLength()), 401, "401 Unauthorized");
            // ice4j now routes the stranger's address to our session; its payload must still not reach the handler
            byte[] injected = payload(0x80, 99, 60);
            stranger.send(new DatagramPacket(injected, injected.length, sfu));

            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[1 + random.nextInt(1200)];
                random.nextBytes(junk);
                if (i % 3 == 0 && junk.length >= 20) {
                    // STUN-shaped: a Binding request type and the magic cookie in front of random bytes
                    junk[0] = 0;
                    junk[1] = 1;
                    junk[4] = 0x21;
                    junk[5] = 0x12;
                    junk[6] = (byte) 0xA4;
                    junk[7] = 0x42;
                }
                noisy.send(new DatagramPacket(junk, junk.length, sfu));
                if (i % 10 == 9) {
                    // paced: a burst bigger than the socket's receive buffer would only test the kernel's drops,
                    // and could drop the browser's next datagram with it
                    Thread.sleep(2);
                }
            }
        }

        for (int i = 0; i < 5; i++) {
            byte[] up = payload(0x80, i, 200);
            browser.send(up);
            assertEquals(atServer.next(CONNECT_WAIT_MS), up, "browser datagram " + i);
            byte[] down = payload(0x16, i, 200);
            assertEquals(server.send(down, 0, down.length), SendStatus.SENT);
            assertEquals(browser.next(CONNECT_WAIT_MS), down, "server datagram " + i);
        }
        assertNull(atServer.next(200), "the handler got a datagram the browser did not send");
        assertEquals(server.debugState().get("packetsDroppedIn"), 1L, "the stranger's injected datagram");
        assertEquals(server.state(), IceSessionState.CONNECTED);
    }

    @Test
    public void closesWhenConsentExpires() throws Exception {
        RecordingListener events = new RecordingListener();
        IceSession server = sessions.create(IceRole.CONTROLLED, events);
        LoopbackBrowser browser = browser(IceRole.CONTROLLING);
        connect(server, events, browser);

        // longer than the consent timeout, and past ice4j's 3 s move from Completed to Terminated (after which it
        // must keep checking consent): a peer that answers the checks stays connected
        long timeoutMs = CONFIG.consentTimeout().toMillis();
        Thread.sleep(timeoutMs + 1_500);
        assertEquals(server.debugState().get("ice4jState"), "Terminated");
        assertEquals(server.state(), IceSessionState.CONNECTED);
        assertFalse(events.closed.isDone());
        long sinceConsent = (Long) server.debugState().get("msSinceConsent");
        assertTrue(sinceConsent < timeoutMs / 2, "consent is " + sinceConsent + " ms old");

        // the browser vanishes without a word: its socket closes, consent checks go unanswered
        long vanishedAt = System.nanoTime();
        browser.close();

        IceEndReason reason = events.closed.get(timeoutMs + 4_000, TimeUnit.MILLISECONDS);
        long afterMs = TimeUnit.NANOSECONDS.toMillis(events.endedAtNanos - vanishedAt);
        assertEquals(reason, IceEndReason.CONSENT_EXPIRED);
        long interval = CONFIG.consentCheckInterval().toMillis();
        assertTrue(afterMs >= timeoutMs - 2 * interval, "closed after " + afterMs + " ms, before consent expired");
        assertTrue(afterMs <= timeoutMs + 1_000, "closed after " + afterMs + " ms");
        assertFalse(events.failed.isDone());
        assertEquals(server.state(), IceSessionState.CLOSED);
        assertEquals(server.endReason(), IceEndReason.CONSENT_EXPIRED);
        assertEquals(server.send(new byte[] {(byte) 0x80, 0}, 0, 2), SendStatus.NOT_CONNECTED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (sessions.get(server.localUfrag()) != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNull(sessions.get(server.localUfrag()), "the registry still holds the expired session");
    }

    @Test
    public void refusesRemoteCandidatesBeyondTheLimit() throws Exception {
        try (IceSessions limited = new IceSessions(sfuPort, IceTestSupport.withMaxCandidates(3))) {
            IceSession s = limited.create(IceRole.CONTROLLED, new RecordingListener());
            for (int i = 1; i <= 3; i++) {
                assertEquals(s.addRemoteCandidate(hostCandidate("192.0.2." + i, 50000 + i)), CandidateStatus.ACCEPTED);
            }
            assertEquals(s.addRemoteCandidate(hostCandidate("192.0.2.1", 50001)), CandidateStatus.DUPLICATE);
            assertEquals(s.addRemoteCandidate(hostCandidate("192.0.2.4", 50004)), CandidateStatus.TOO_MANY_CANDIDATES);
            assertEquals(s.debugState().get("remoteCandidates"), 3);

            // the limit holds for candidates trickled after the start too
            assertTrue(s.setRemoteCredentials("abcd", "0123456789abcdefghijkl"));
            assertTrue(s.start());
            assertEquals(s.addRemoteCandidate(hostCandidate("192.0.2.5", 50005)), CandidateStatus.TOO_MANY_CANDIDATES);
            assertEquals(s.debugState().get("remoteCandidates"), 3);
        }
    }

    @Test
    public void reportsWhyACandidateIsRefused() throws Exception {
        IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
        assertTrue(s.setRemoteCredentials("abcd", "0123456789abcdefghijkl"));
        assertEquals(s.addRemoteCandidate("candidate:1 1 udp 2122260223"), CandidateStatus.MALFORMED);
        assertEquals(s.addRemoteCandidate("not a candidate"), CandidateStatus.MALFORMED);
        assertEquals(s.addRemoteCandidate("candidate:1 1 udp 100 192.0.2.1 5000 typ magic"), CandidateStatus.MALFORMED);
        assertEquals(s.addRemoteCandidate("candidate:1 1 udp 100 192.0.2.1 0 typ host"), CandidateStatus.MALFORMED);
        assertEquals(s.addRemoteCandidate("candidate:1 1 tcp 100 192.0.2.1 9 typ host tcptype active"),
                CandidateStatus.UNSUPPORTED_TRANSPORT);
        assertEquals(s.addRemoteCandidate("candidate:1 2 udp 100 192.0.2.1 5001 typ host"),
                CandidateStatus.UNSUPPORTED_COMPONENT);
        assertEquals(s.addRemoteCandidate(
                "candidate:1 1 udp 100 3f1c7a52-1b2e-4f9e-9a51-3d1c2b7e8f90.local 5000 typ host"),
                CandidateStatus.UNRESOLVED_ADDRESS);
        assertEquals(s.addRemoteCandidate("candidate:1 1 udp 100 999.0.2.1 5000 typ host"),
                CandidateStatus.UNRESOLVED_ADDRESS);
        assertEquals(s.addRemoteCandidate("candidate:1 1 udp 100 192.0.2.1 5000 typ host ufrag wxyz"),
                CandidateStatus.WRONG_UFRAG);
        assertEquals(s.addRemoteCandidate("candidate:1 1 udp 100 192.0.2.1 5000 typ host ufrag abcd"),
                CandidateStatus.ACCEPTED);
        assertEquals(s.addRemoteCandidate("candidate:2 1 UDP 100 2001:db8::1 5000 typ srflx raddr 10.0.0.1 rport 5000"),
                CandidateStatus.ACCEPTED);
        assertEquals(s.debugState().get("remoteCandidates"), 2, "refused candidates must not count");
        s.endOfRemoteCandidates();
        assertEquals(s.addRemoteCandidate(hostCandidate("192.0.2.9", 5009)), CandidateStatus.AFTER_END_OF_CANDIDATES);
        s.close();
        assertEquals(s.addRemoteCandidate(hostCandidate("192.0.2.9", 5009)), CandidateStatus.SESSION_ENDED);
    }

    @Test
    public void validatesRemoteCredentialsAndRefusesAnIceRestart() throws Exception {
        IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
        assertFalse(s.start(), "no remote credentials yet");
        assertFalse(s.setRemoteCredentials("abc", "0123456789abcdefghijkl"), "ufrag under 4 chars");
        assertFalse(s.setRemoteCredentials("abcd", "0123456789abcdefghijk"), "password under 22 chars");
        assertFalse(s.setRemoteCredentials("ab d", "0123456789abcdefghijkl"), "space is not an ice-char");
        assertEquals(s.state(), IceSessionState.NEW);
        assertTrue(s.setRemoteCredentials("ab+/", "0123456789abcdefghijkl"));
        assertTrue(s.setRemoteCredentials("ab+/", "0123456789abcdefghijkl"), "the same again is fine");
        assertFalse(s.setRemoteCredentials("efgh", "0123456789abcdefghijkl"), "new credentials are an ICE restart");
        assertTrue(s.start());
        assertEquals(s.state(), IceSessionState.CHECKING);
        s.close();
        assertEquals(s.state(), IceSessionState.CLOSED);
        assertEquals(s.endReason(), IceEndReason.CLOSED_LOCALLY);
    }

    @Test
    public void advertisesTheSharedPortOnLoopback() throws Exception {
        IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
        IceSession other = sessions.create(IceRole.CONTROLLING, new RecordingListener());
        assertTrue(sfuPort.port() > 0);
        assertEquals(s.localCandidates().size(), 1, s.localCandidates().toString());
        IceCandidate c = IceCandidate.parseLine(s.localCandidates().get(0));
        assertNotNull(c);
        assertEquals(c.address(), "127.0.0.1");
        assertEquals(c.port(), sfuPort.port());
        assertEquals(c.type(), "host");
        assertEquals(c.component(), 1);
        assertEquals(c.transport(), "udp");
        assertTrue(c.priority() > 0);
        // every session shares the port; only the credentials tell them apart (RFC 8445 §5.3)
        assertEquals(IceCandidate.parseLine(other.localCandidates().get(0)).port(), sfuPort.port());
        assertNotEquals(s.localUfrag(), other.localUfrag());
        assertTrue(s.localUfrag().length() >= 4, s.localUfrag());
        assertTrue(s.localPassword().length() >= 22, s.localPassword());
        assertEquals(s.role(), IceRole.CONTROLLED);
        assertEquals(other.role(), IceRole.CONTROLLING);
    }

    private static String hostCandidate(String ip, int port) {
        return "candidate:" + port + " 1 udp 2122260223 " + ip + ' ' + port + " typ host generation 0";
    }
}
