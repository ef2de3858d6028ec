package io.relaycast.sfu.ice;

import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.dtls.TestDtlsSrtpClient;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.transport.WebRtcTransport;
import io.relaycast.sfu.transport.RestartRefusal;
import io.relaycast.sfu.transport.RestartRefusedException;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.relaycast.sfu.ice.IceTestSupport.CONFIG;
import static io.relaycast.sfu.ice.IceTestSupport.CONNECT_WAIT_MS;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * ICE restart of a whole {@link WebRtcTransport} (RFC 8445 section 9) against a browser stand-in: ICE on 127.0.0.1
 * ({@link LoopbackBrowser}) plus a real DTLS-SRTP client (bctls). The first path is then broken for good (the
 * stand-in's agent and socket vanish, as after a network change) and a second stand-in with new credentials and a
 * new port plays the restarted generation, while the DTLS client and its SRTP keys stay the same.
 */
public class IceRestartTest {
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();
    private static final int CM_80 = SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;

    private IceHarvesters sfuPort;
    private IceSessions sessions;
    private ExecutorService executor;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeClass
    public void bindSfuPort() throws Exception {
        sfuPort = IceTestSupport.loopbackHarvesters();
        sessions = new IceSessions(sfuPort, CONFIG);
        executor = Executors.newCachedThreadPool();
    }

    @AfterClass(alwaysRun = true)
    public void closeSfuPort() {
        sessions.close();
        sfuPort.close();
        executor.shutdownNow();
    }

    @AfterMethod(alwaysRun = true)
    public void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        closeAfter.clear();
    }

    /** Transport events and decrypted media, recorded. */
    private static final class Events implements WebRtcTransport.Listener, WebRtcTransport.MediaHandler {
        final AtomicInteger ready = new AtomicInteger();
        final CompletableFuture<WebRtcTransport> readyFuture = new CompletableFuture<>();
        final CompletableFuture<String> failed = new CompletableFuture<>();
        final LinkedBlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();

        @Override
        public void onReady(WebRtcTransport transport) {
            ready.incrementAndGet();
            readyFuture.complete(transport);
        }

        @Override
        public void onFailed(WebRtcTransport transport, String reason) {
            failed.complete(reason);
        }

        @Override
        public void onRtp(byte[] buf, int off, int len) {
            rtp.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
        }
    }

    /** bctls' view of the browser's path: whichever stand-in currently is "the network". */
    private static final class BrowserPath implements DatagramTransport {
        volatile LoopbackBrowser browser;

        BrowserPath(LoopbackBrowser browser) {
            this.browser = browser;
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] d = browser.next(waitMillis);
                if (d == null) {
                    return -1;
                }
                System.arraycopy(d, 0, buf, off, Math.min(len, d.length));
                return Math.min(len, d.length);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            browser.send(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }

    /** A connected viewer-style transport (we offer, controlling) with DTLS done; keys for the client side. */
    private final class Connected {
        final Events events = new Events();
        final WebRtcTransport transport;
        final LoopbackBrowser first;
        final BrowserPath path;
        final TestDtlsSrtpClient client;
        final SrtpSession clientSrtp;

        Connected() throws Exception {
            transport = WebRtcTransport.create(sessions, IceRole.CONTROLLING, SERVER_CERT, DtlsConfig.defaults(),
                    executor, events);
            closeAfter.add(transport);
            transport.setMediaHandler(events);
            first = browser();
            assertTrue(transport.connect(first.ufrag(), first.password(), List.of(first.candidateLine()), true,
                    List.of(CLIENT_CERT.fingerprint()), DtlsRole.SERVER));
            first.setRemoteCredentials(transport.localUfrag(), transport.localPassword());
            transport.localCandidates().forEach(first::addRemoteCandidate);
            first.start();
            first.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
            path = new BrowserPath(first);
            client = new TestDtlsSrtpClient(CLIENT_CERT, DtlsFingerprint.parse(SERVER_CERT.sdpFingerprint()), CM_80);
            CompletableFuture.runAsync(() -> {
                try {
                    new DTLSClientProtocol().connect(client, path);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor).get(10, TimeUnit.SECONDS);
            events.readyFuture.get(10, TimeUnit.SECONDS);
            clientSrtp = new SrtpSession(client.keys, SrtpRole.CLIENT);
        }
    }

    private LoopbackBrowser browser() throws IOException {
        LoopbackBrowser b = new LoopbackBrowser(IceRole.CONTROLLED);
        closeAfter.add(b);
        return b;
    }

    private static byte[] rtp(int seq, int room) {
        byte[] p = new byte[12 + 100 + room];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = 0x12;
        p[9] = 0x34;
        p[10] = 0x56;
        p[11] = 0x78;
        for (int i = 12; i < 112; i++) {
            p[i] = (byte) (seq + i);
        }
        return p;
    }

    /** The next SRTP packet the stand-in received, decrypted with the client's keys; its sequence number or -1. */
    private static int nextRtpSeq(LoopbackBrowser b, SrtpSession clientSrtp, long timeoutMs) throws Exception {
        long until = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < until) {
            byte[] d = b.next(Math.max(1, until - System.currentTimeMillis()));
            if (d == null) {
                return -1;
            }
            if ((d[0] & 0xC0) == 0x80 && (d[1] & 0x7F) == 96) {
                int n = clientSrtp.unprotectRtp(d, 0, d.length);
                assertTrue(n > 0, "the packet decrypts with the keys of the first (and only) DTLS handshake");
                return ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
            }
        }
        return -1;
    }

    private static void await(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @SuppressWarnings("unchecked")
    private static long dtlsIn(WebRtcTransport t) {
        return ((Number) ((Map<String, Object>) t.debugState().get("packets")).get("dtlsIn")).longValue();
    }

    @Test
    public void restartMovesMediaToANewSessionWithoutANewDtlsHandshake() throws Exception {
        Connected c = new Connected();
        WebRtcTransport t = c.transport;
        byte[] p = rtp(1, t.rtpOverhead());
        assertTrue(t.sendRtp(p, 0, 112));
        assertEquals(nextRtpSeq(c.first, c.clientSrtp, 2000), 1, "media flows on the first path");
        String oldUfrag = t.localUfrag();
        String oldPassword = t.localPassword();
        long dtlsBefore = dtlsIn(t);
        int sessionsBefore = sessions.size();

        // the network changes: the first path is gone for good (its socket closes, nothing answers any more)
        c.first.close();

        long started = System.nanoTime();
        IceSession next = t.restartIce();
        assertNotEquals(next.localUfrag(), oldUfrag, "RFC 8445 section 9: new ufrag");
        assertNotEquals(next.localPassword(), oldPassword, "RFC 8445 section 9: new password");
        assertEquals(next.role(), IceRole.CONTROLLING, "the offerer stays controlling");
        assertEquals(t.localUfrag(), oldUfrag, "media stays on the old session until the new one is selected");
        assertTrue(t.isRestartingIce());
        assertEquals(sessions.size(), sessionsBefore + 1);

        // the browser's new generation: new credentials and a new socket, same DTLS client and keys
        LoopbackBrowser second = browser();
        t.completeIceRestart(second.ufrag(), second.password(), List.of(second.candidateLine()), true,
                List.of(CLIENT_CERT.fingerprint()));
        second.setRemoteCredentials(next.localUfrag(), next.localPassword());
        next.localCandidates().forEach(second::addRemoteCandidate);
        second.start();
        second.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        await(() -> t.iceRestarts() == 1, CONNECT_WAIT_MS, "the restarted session to take over");
        long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("ICE restart to new pair selected on loopback: " + restartMs + " ms");

        assertEquals(t.localUfrag(), next.localUfrag(), "the transport now runs on the new session");
        assertFalse(t.isRestartingIce());
        assertTrue(t.isReady(), "SRTP keys kept");
        assertFalse(t.isEnded());

        // server → browser on the new path, with the same SRTP context (sequence numbers continue)
        p = rtp(2, t.rtpOverhead());
        assertTrue(t.sendRtp(p, 0, 112), "sent on the new pair");
        assertEquals(nextRtpSeq(second, c.clientSrtp, 2000), 2);
        // browser → server on the new path, protected with the client's keys of the first handshake
        byte[] up = rtp(7, 16);
        int n = c.clientSrtp.protectRtp(up, 0, 112);
        second.send(Arrays.copyOf(up, n));
        byte[] got = c.events.rtp.poll(2, TimeUnit.SECONDS);
        assertNotNull(got, "the server decrypts the browser's media on the new path");
        assertEquals(((got[2] & 0xFF) << 8) | (got[3] & 0xFF), 7);

        // no DTLS renegotiation: one handshake in total, not one DTLS record since the restart
        assertEquals(c.events.ready.get(), 1, "onReady once: the DTLS association survived");
        assertEquals(dtlsIn(t), dtlsBefore, "no DTLS record after the restart (RFC 8842 section 4)");
        assertFalse(c.events.failed.isDone(), "the transport did not fail");

        // the old session is freed (on the registry's timer)
        await(() -> sessions.get(oldUfrag) == null, 2000, "the old ICE session to be freed");
        assertEquals(sessions.size(), sessionsBefore);
        assertNotNull(sessions.get(next.localUfrag()));
        assertEquals(((Number) t.debugState().get("iceRestarts")).intValue(), 1);
    }

    @Test
    public void aSecondRestartReplacesOneThatWasNotAnswered() throws Exception {
        Connected c = new Connected();
        WebRtcTransport t = c.transport;
        IceSession first = t.restartIce();
        IceSession second = t.restartIce();
        assertNotEquals(first.localUfrag(), second.localUfrag());
        assertNull(sessions.get(first.localUfrag()), "the superseded restart session is freed at once");
        assertEquals(first.state(), IceSessionState.CLOSED);
        assertTrue(t.isRestartingIce());
        assertEquals(t.localUfrag(), c.transport.localUfrag());
        // media still flows on the old path meanwhile
        assertTrue(t.sendRtp(rtp(3, t.rtpOverhead()), 0, 112));
        assertEquals(nextRtpSeq(c.first, c.clientSrtp, 2000), 3);
    }

    @Test
    public void restartRequestsThatMakeNoSenseAreRefusedWithAReason() throws Exception {
        // before the first answer: nothing to restart
        Events events = new Events();
        WebRtcTransport fresh = WebRtcTransport.create(sessions, IceRole.CONTROLLING, SERVER_CERT,
                DtlsConfig.defaults(), executor, events);
        closeAfter.add(fresh);
        assertRefused(fresh::restartIce, RestartRefusal.NOT_NEGOTIATED);

        Connected c = new Connected();
        WebRtcTransport t = c.transport;
        // an answer to a restart nobody asked for (or a second answer to one)
        assertRefused(() -> t.completeIceRestart("abcd", "abcdefghijklmnopqrstuvwxyz", List.of(), true,
                List.of(CLIENT_CERT.fingerprint())), RestartRefusal.NO_RESTART_PENDING);

        IceSession next = t.restartIce();
        // the peer kept its ufrag: not a restart (RFC 8445 section 9)
        assertRefused(() -> t.completeIceRestart(c.first.ufrag(), c.first.password(), List.of(), true,
                List.of(CLIENT_CERT.fingerprint())), RestartRefusal.CREDENTIALS_UNCHANGED);
        // a new certificate would need a new DTLS association (RFC 8842 section 4)
        DtlsFingerprint other = DtlsCertificate.generate().fingerprint();
        assertRefused(() -> t.completeIceRestart("wxyz", "abcdefghijklmnopqrstuvwxyz", List.of(), true,
                List.of(other)), RestartRefusal.FINGERPRINT_CHANGED);
        // not RFC 8839 ice-chars
        assertRefused(() -> t.completeIceRestart("a b", "short", List.of(), true,
                List.of(CLIENT_CERT.fingerprint())), RestartRefusal.INVALID_CREDENTIALS);
        assertTrue(t.isRestartingIce(), "refused answers leave the restart waiting for a good one");
        assertNotNull(sessions.get(next.localUfrag()));
        assertTrue(t.isReady(), "and the old path carrying media");

        // late: after the peer is gone
        t.close();
        assertNull(sessions.get(next.localUfrag()), "close frees the restart session too");
        assertRefused(t::restartIce, RestartRefusal.ENDED);
        assertRefused(() -> t.completeIceRestart("wxyz", "abcdefghijklmnopqrstuvwxyz", List.of(), true,
                List.of(CLIENT_CERT.fingerprint())), RestartRefusal.ENDED);
    }

    @Test
    public void aRestartThatNeverConnectsEndsTheTransportOnlyWhenTheOldPathIsGoneToo() throws Exception {
        IceSessions shortSessions = new IceSessions(sfuPort, IceTestSupport.withConnectTimeout(
                java.time.Duration.ofMillis(1500)));
        closeAfter.add(shortSessions);
        Events events = new Events();
        WebRtcTransport t = WebRtcTransport.create(shortSessions, IceRole.CONTROLLING, SERVER_CERT,
                DtlsConfig.defaults(), executor, events);
        closeAfter.add(t);
        LoopbackBrowser b = browser();
        assertTrue(t.connect(b.ufrag(), b.password(), List.of(b.candidateLine()), true,
                List.of(CLIENT_CERT.fingerprint()), DtlsRole.SERVER));
        b.setRemoteCredentials(t.localUfrag(), t.localPassword());
        t.localCandidates().forEach(b::addRemoteCandidate);
        b.start();
        b.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        await(() -> "CONNECTED".equals(((Map<?, ?>) t.debugState().get("ice")).get("state")), CONNECT_WAIT_MS,
                "our side to connect");

        // the old path still works: an unanswered restart times out and is dropped, the transport lives on
        IceSession next = t.restartIce();
        await(() -> !t.isRestartingIce(), 5000, "the unanswered restart to time out");
        assertFalse(events.failed.isDone(), "the old path still works: the peer stays");
        assertEquals(next.endReason(), IceEndReason.CONNECT_TIMEOUT);
        assertEquals(t.iceRestarts(), 0);
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(Call call, RestartRefusal expected) throws Exception {
        try {
            call.run();
            fail("expected " + expected);
        } catch (RestartRefusedException e) {
            assertEquals(e.refusal(), expected, e.getMessage());
            assertFalse(e.getMessage().isBlank());
        }
    }
}
