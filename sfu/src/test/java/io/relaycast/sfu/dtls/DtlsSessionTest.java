package io.relaycast.sfu.dtls;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/** Full in-memory handshakes between {@link DtlsSession} and a BouncyCastle DTLS client. */
public class DtlsSessionTest {
    private static final int GCM = SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM;
    private static final int CM_80 = SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;
    private static final int CM_32 = SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32;
    private static final long TIMEOUT_SECONDS = 20;

    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate OTHER_CERT = DtlsCertificate.generate();

    private ExecutorService executor;

    @BeforeMethod
    public void createExecutor() {
        executor = Executors.newCachedThreadPool();
    }

    @AfterMethod(alwaysRun = true)
    public void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    public void handshakeExportsIdenticalKeysOnBothSides() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, GCM, CM_80);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        DTLSTransport clientDtls = pair.connect(client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        SrtpKeyingMaterial keys = serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertNotNull(clientDtls);
        assertEquals(keys, client.keys, "both sides export the same EXTRACTOR-dtls_srtp material");
        assertEquals(keys.profile(), SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertEquals(client.selectedProfile, keys.profile());
        assertEquals(pair.session.state(), DtlsSession.State.CONNECTED);
        assertEquals(pair.listener.completed, List.of(keys));
        assertTrue(pair.listener.failed.isEmpty());

        // The exported halves line up: what the server protects, the client unprotects (RFC 5764 §4.2).
        SrtpSession serverSrtp = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession clientSrtp = new SrtpSession(client.keys, SrtpRole.CLIENT);
        byte[] packet = new byte[12 + 20 + 16];
        packet[0] = (byte) 0x80;
        packet[11] = 42;
        Arrays.fill(packet, 12, 32, (byte) 7);
        int len = serverSrtp.protectRtp(packet, 0, 32);
        assertEquals(clientSrtp.unprotectRtp(packet, 0, len), 32);
        assertEquals(packet[20], 7);
    }

    @Test
    public void gcmIsChosenEvenWhenTheClientListsItLast() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, CM_80, GCM);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        pair.connect(client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).profile(), SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertEquals(client.selectedProfile, SrtpProfile.SRTP_AEAD_AES_128_GCM);
    }

    @Test
    public void aesCmIsChosenWhenItIsAllTheClientOffers() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, CM_32, CM_80);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        pair.connect(client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        SrtpKeyingMaterial keys = serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(keys.profile(), SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertEquals(keys, client.keys);
        assertEquals(pair.session.selectedProfile(), SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
    }

    @Test
    public void noCommonProfileFailsTheHandshake() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, CM_32);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        assertClientFails(pair.connect(client));
        assertFailure(serverKeys, DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE);
        assertNull(client.keys);
    }

    @Test
    public void missingUseSrtpFailsTheHandshake() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, (int[]) null);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        assertClientFails(pair.connect(client));
        assertFailure(serverKeys, DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE);
    }

    @Test
    public void clientCertificateWithTheWrongFingerprintFails() throws Exception {
        Pair pair = new Pair(OTHER_CERT.fingerprint()); // SDP said OTHER_CERT, the client presents CLIENT_CERT
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, GCM, CM_80);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        assertClientFails(pair.connect(client));
        assertFailure(serverKeys, DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH);
        assertNull(client.keys, "no keys exported on either side");
        assertTrue(pair.listener.completed.isEmpty());
        assertEquals(pair.listener.failed.size(), 1);
        assertEquals(pair.listener.failed.get(0).reason(), DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH);
        assertEquals(pair.session.state(), DtlsSession.State.FAILED);
        assertTrue(client.alertsReceived.contains(AlertDescription.bad_certificate), client.alertsReceived.toString());
    }

    @Test
    public void clientWithoutCertificateFails() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(null, GCM, CM_80);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        assertClientFails(pair.connect(client));
        assertFailure(serverKeys, DtlsHandshakeException.Reason.NO_CLIENT_CERTIFICATE);
        assertNull(client.keys);
        assertEquals(pair.listener.failed.size(), 1);
    }

    @Test
    public void garbageDatagramsDuringTheHandshakeAreIgnored() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        Random random = new Random(20240601);
        AtomicInteger accepted = new AtomicInteger();
        pair.clientTransport.beforeEachSend(() -> {
            for (byte[] junk : garbage(random)) {
                if (pair.session.offer(junk, 0, junk.length)) {
                    accepted.incrementAndGet();
                }
            }
        });
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, GCM, CM_80);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        pair.connect(client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), client.keys);
        assertTrue(accepted.get() >= 6, "the garbage really reached the DTLS stack: " + accepted.get());
    }

    @Test
    public void closingEndsTheHandshakeThreadPromptly() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        CountDownLatch handshakeThreadDone = new CountDownLatch(1);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(task -> executor.execute(() -> {
            try {
                task.run();
            } finally {
                handshakeThreadDone.countDown();
            }
        }));
        Thread.sleep(200); // the handshake thread is now blocked waiting for a ClientHello
        assertEquals(handshakeThreadDone.getCount(), 1, "still waiting before close");
        long start = System.nanoTime();
        pair.session.close();
        assertTrue(handshakeThreadDone.await(2, TimeUnit.SECONDS), "handshake thread ended");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "ended within a second");
        assertFailure(serverKeys, DtlsHandshakeException.Reason.CLOSED);
        assertEquals(pair.session.state(), DtlsSession.State.CLOSED);
        assertFalse(pair.session.offer(new byte[] {22, 1, 2}, 0, 3), "closed sessions drop datagrams");
    }

    @Test
    public void handshakeTimesOutWithoutAClient() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint(),
                DtlsConfig.defaults().withHandshakeTimeout(Duration.ofMillis(300)));
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        assertFailure(serverKeys, DtlsHandshakeException.Reason.TIMEOUT);
        assertEquals(pair.listener.failed.size(), 1);
    }

    @Test
    public void applicationDataAndCloseNotifyAfterTheHandshake() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, GCM);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        DTLSTransport clientDtls = pair.connect(client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        byte[] hello = "hello sfu".getBytes(StandardCharsets.UTF_8);
        clientDtls.send(hello, 0, hello.length); // offered and drained synchronously on this thread
        assertEquals(pair.listener.applicationDataText(), "hello sfu");

        // A forged record in the current epoch fails its AEAD check and is discarded (RFC 6347 §4.1.2.7),
        // without ending the association.
        byte[] forged = new byte[13 + 40];
        new Random(5).nextBytes(forged);
        forged[0] = 23;
        forged[1] = (byte) 0xFE;
        forged[2] = (byte) 0xFD;
        forged[3] = 0;
        forged[4] = 1;
        forged[11] = 0;
        forged[12] = 40;
        assertTrue(pair.session.offer(forged, 0, forged.length));
        assertEquals(pair.session.state(), DtlsSession.State.CONNECTED);
        clientDtls.send(hello, 0, hello.length);
        assertEquals(pair.listener.applicationDataText(), "hello sfuhello sfu");

        byte[] reply = "hello browser".getBytes(StandardCharsets.UTF_8);
        assertTrue(pair.session.send(reply, 0, reply.length));
        byte[] buf = new byte[1500];
        int n = clientDtls.receive(buf, 0, buf.length, 5000);
        assertEquals(new String(buf, 0, n, StandardCharsets.UTF_8), "hello browser");

        clientDtls.close(); // sends close_notify
        assertEquals(pair.session.state(), DtlsSession.State.CLOSED);
        assertEquals(pair.listener.closed, List.of(DtlsSession.CloseCause.PEER_CLOSE_NOTIFY));
        assertFalse(pair.session.send(reply, 0, reply.length), "no sending after close_notify");
    }

    @Test
    public void localCloseSendsCloseNotify() throws Exception {
        Pair pair = new Pair(CLIENT_CERT.fingerprint());
        TestDtlsSrtpClient client = pair.client(CLIENT_CERT, GCM);
        CompletableFuture<SrtpKeyingMaterial> serverKeys = pair.session.start(executor);
        DTLSTransport clientDtls = pair.connect(client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        pair.session.close();
        byte[] buf = new byte[1500];
        try {
            // bctls answers close_notify and closes its transport; the read then ends either way.
            assertEquals(clientDtls.receive(buf, 0, buf.length, 2000), -1);
        } catch (IOException closedAfterCloseNotify) {
            assertTrue(closedAfterCloseNotify.getMessage().contains("closed"), closedAfterCloseNotify.toString());
        }
        assertTrue(client.alertsReceived.contains(AlertDescription.close_notify), client.alertsReceived.toString());
        assertEquals(pair.listener.closed, List.of(DtlsSession.CloseCause.LOCAL));
        assertEquals(pair.session.state(), DtlsSession.State.CLOSED);
    }

    @Test
    public void sessionRequiresARemoteFingerprint() {
        InMemoryClientTransport transport = new InMemoryClientTransport();
        try {
            new DtlsSession(DtlsRole.SERVER, SERVER_CERT, List.of(), transport.serverSender(), DtlsConfig.defaults(), null);
            fail("a session without remote fingerprint cannot authenticate its peer");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("fingerprint"));
        }
    }

    /** Datagrams a confused or hostile peer might send: random bytes, short, wrong version, RTP-looking. */
    private static List<byte[]> garbage(Random random) {
        byte[] randomHandshakeType = new byte[100];
        random.nextBytes(randomHandshakeType);
        randomHandshakeType[0] = 22;
        byte[] shortRecord = {22, (byte) 0xFE, (byte) 0xFD, 0, 0};
        byte[] wrongVersion = new byte[60];
        random.nextBytes(wrongVersion);
        wrongVersion[0] = 22;
        wrongVersion[1] = 3;
        wrongVersion[2] = 3; // TLS 1.2, not DTLS
        byte[] futureEpochAppData = new byte[40];
        random.nextBytes(futureEpochAppData);
        futureEpochAppData[0] = 23;
        futureEpochAppData[1] = (byte) 0xFE;
        futureEpochAppData[2] = (byte) 0xFD;
        futureEpochAppData[3] = 0;
        futureEpochAppData[4] = 9; // epoch 9
        futureEpochAppData[11] = 0;
        futureEpochAppData[12] = 27;
        byte[] rtpLike = new byte[50];
        random.nextBytes(rtpLike);
        rtpLike[0] = (byte) 0x80;
        byte[] randomContentType = new byte[80];
        random.nextBytes(randomContentType);
        randomContentType[0] = (byte) (20 + random.nextInt(44));
        return List.of(randomHandshakeType, shortRecord, wrongVersion, futureEpochAppData, rtpLike,
                randomContentType, new byte[0]);
    }

    private static void assertClientFails(CompletableFuture<DTLSTransport> connect) throws Exception {
        try {
            connect.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            fail("the client handshake should have failed");
        } catch (ExecutionException expected) {
            // the server's fatal alert or the missing reply ended the client's handshake
        }
    }

    private static void assertFailure(CompletableFuture<SrtpKeyingMaterial> keys, DtlsHandshakeException.Reason reason)
            throws InterruptedException, TimeoutException {
        try {
            keys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            fail("expected the handshake to fail with " + reason);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            assertTrue(cause instanceof DtlsHandshakeException, String.valueOf(cause));
            assertEquals(((DtlsHandshakeException) cause).reason(), reason, cause.getMessage());
        }
    }

    /** A server session and the in-memory transport its test client talks through. */
    private final class Pair {
        final InMemoryClientTransport clientTransport = new InMemoryClientTransport();
        final RecordingListener listener = new RecordingListener();
        final DtlsSession session;

        Pair(DtlsFingerprint expectedClientFingerprint) {
            this(expectedClientFingerprint, DtlsConfig.defaults());
        }

        Pair(DtlsFingerprint expectedClientFingerprint, DtlsConfig config) {
            session = new DtlsSession(DtlsRole.SERVER, SERVER_CERT, List.of(expectedClientFingerprint),
                    clientTransport.serverSender(), config, listener);
            clientTransport.connectTo(session);
        }

        TestDtlsSrtpClient client(DtlsCertificate certificate, int... profiles) {
            // The client authenticates us through the SDP string we would put in our answer.
            return new TestDtlsSrtpClient(certificate, DtlsFingerprint.parse(SERVER_CERT.sdpFingerprint()),
                    profiles);
        }

        CompletableFuture<DTLSTransport> connect(TestDtlsSrtpClient client) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new DTLSClientProtocol().connect(client, clientTransport);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, executor);
        }
    }
}
